import { ProtocolError, type ErrorCode } from './protocol/index.ts';

/**
 * What a Durable Object's RPC method answers. Errors cross RPC as plain `Error`s without their class,
 * so refusals travel as values and become ProtocolErrors again on the Worker's side.
 */
export type RoomResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

export const ok = <T>(value: T): RoomResult<T> => ({ ok: true, value });

export function refusal<T>(error: ProtocolError): RoomResult<T> {
  return { ok: false, code: error.code, message: error.message };
}

export function unwrap<T>(result: RoomResult<T>): T {
  if (!result.ok) throw new ProtocolError(result.code, result.message);
  return result.value;
}

/** Runs `work`, turning a thrown ProtocolError into a refusal value. */
export async function asRoomResult<T>(work: () => T | Promise<T>): Promise<RoomResult<T>> {
  try {
    return ok(await work());
  } catch (err) {
    if (err instanceof ProtocolError) return refusal(err);
    throw err;
  }
}
