import { json } from 'itty-router';
import { ProtocolError, type ErrorBody } from './protocol/index.ts';

/** The one place an error becomes a Response: exactly `{"error":{"code","message"}}` with the code's status. */
export function errorResponse(err: unknown): Response {
  if (err instanceof ProtocolError) {
    const response = json(err.toBody(), { status: err.status });
    if (err.retryAfter !== undefined) response.headers.set('Retry-After', String(Math.ceil(err.retryAfter)));
    return response;
  }
  console.error('unexpected error', err);
  return json({ error: { code: 'INTERNAL', message: 'internal error' } } satisfies ErrorBody, { status: 500 });
}
