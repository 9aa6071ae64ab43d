import { error } from 'itty-router';
import { ProtocolError } from './protocol/index.ts';

/** The one place an error becomes a Response: `{"error":{"code","message"}}` with the code's status. */
export function errorResponse(err: unknown): Response {
  if (err instanceof ProtocolError) {
    const response = error(err.status, err.toBody());
    if (err.retryAfter !== undefined) response.headers.set('Retry-After', String(Math.ceil(err.retryAfter)));
    return response;
  }
  console.error('unexpected error', err);
  return error(500, { error: { code: 'INTERNAL', message: 'internal error' } });
}
