import { ProtocolError } from './errors.ts';
import { MAX_CHANGE_BYTES, MAX_CHANGE_ID_LENGTH, MAX_CHANGES_PER_PUSH } from './limits.ts';
import { BASE64URL_PATTERN, expectArray, expectInteger, expectObject, expectString, parseJsonMessage, type JsonObject } from './validation.ts';
import { WORKSPACE_ID_PATTERN } from './workspaces.ts';

/** What a client sends: its own id (for idempotent retries) and an opaque ciphertext. */
export interface EncryptedChange {
  id: string;
  /** base64url; the server never parses it. */
  encryptedData: string;
}

/** What comes back: the change with the version the workspace assigned it. */
export interface StoredChange extends EncryptedChange {
  version: number;
  /** Present on a compaction snapshot that stands for every change up to `version`. */
  snapshot?: true;
}

export interface ChangesPage {
  changes: StoredChange[];
  latestVersion: number;
  /** True when more changes follow; pull again from the last version received. */
  more: boolean;
}

export interface PushResult {
  ids: string[];
  versions: number[];
}

export interface CompactRequest {
  snapshot: EncryptedChange;
  /** The snapshot covers every change with a version up to and including this one. */
  upToVersion: number;
}

export interface CompactResult {
  upToVersion: number;
}

/** What a client asks of the room over the socket. */
export type SyncRequest =
  | { type: 'auth'; token: string }
  | { type: 'join'; workspaceId: string }
  | { type: 'push'; changes: EncryptedChange[] }
  | { type: 'pull'; sinceVersion: number }
  | ({ type: 'compact' } & CompactRequest);

/**
 * A request with its place in the socket's order: `seq` is 1 for the socket's first message and one more for each
 * message after it. The runtime may hand a socket's messages to the room out of order (workerd does, for
 * hibernatable sockets under load), so order cannot rest on delivery: the room holds a message until every
 * earlier one has been handled, which is what lets a client send `auth`, `join` and `push` without waiting.
 */
export type SyncClientMessage = SyncRequest & { seq: number };

/** A frame's JSON with its `seq` read: enough to put it in order before its content is validated. */
export interface SyncEnvelope {
  seq: number;
  body: JsonObject;
}

export type SyncServerMessage =
  | { type: 'auth-ok'; accountId: string }
  | { type: 'joined'; workspaceId: string; latestVersion: number }
  | ({ type: 'ack' } & PushResult)
  | ({ type: 'changes' } & ChangesPage)
  | ({ type: 'compacted' } & CompactResult)
  | { type: 'error'; code: string; message: string };

/** Keep-alive, answered by the runtime without waking the Durable Object. */
export const SYNC_PING = '{"type":"ping"}';
export const SYNC_PONG = '{"type":"pong"}';

const CHANGE_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

export function parseChange(value: unknown, index: number): EncryptedChange {
  const obj = expectObject(value, `changes[${index}]`);
  const id = expectString(obj, 'id', {
    minLength: 1,
    maxLength: MAX_CHANGE_ID_LENGTH,
    pattern: CHANGE_ID_PATTERN,
    patternHint: 'may only contain letters, digits, "-" and "_"',
  });
  if (typeof obj.encryptedData === 'string' && obj.encryptedData.length > MAX_CHANGE_BYTES) {
    throw new ProtocolError('PAYLOAD_TOO_LARGE', `changes[${index}].encryptedData exceeds ${MAX_CHANGE_BYTES} bytes`);
  }
  const encryptedData = expectString(obj, 'encryptedData', {
    minLength: 1,
    pattern: BASE64URL_PATTERN,
    patternHint: 'must be base64url',
  });
  return { id, encryptedData };
}

export function parseChanges(list: unknown[]): EncryptedChange[] {
  if (list.length === 0) throw new ProtocolError('INVALID_INPUT', 'changes must not be empty');
  if (list.length > MAX_CHANGES_PER_PUSH) {
    throw new ProtocolError('PAYLOAD_TOO_LARGE', `at most ${MAX_CHANGES_PER_PUSH} changes per push`);
  }
  return list.map(parseChange);
}

export function parseCompact(obj: JsonObject): CompactRequest {
  const snapshot = parseChange(expectObject(obj.snapshot, 'snapshot'), 0);
  const upToVersion = expectInteger(obj, 'upToVersion', 1);
  return { snapshot, upToVersion };
}

/** Reads one WebSocket frame from a sync client as far as its `seq`; a frame without one cannot be put in order. */
export function readSyncEnvelope(raw: string): SyncEnvelope {
  const body = parseJsonMessage(raw);
  return { seq: expectInteger(body, 'seq', 1), body };
}

/** Validates the content of a frame already put in order. */
export function parseSyncRequest({ body }: SyncEnvelope): SyncRequest {
  switch (body.type) {
    case 'auth':
      return { type: 'auth', token: expectString(body, 'token', { minLength: 1, maxLength: 4096 }) };
    case 'join':
      return {
        type: 'join',
        workspaceId: expectString(body, 'workspaceId', { pattern: WORKSPACE_ID_PATTERN, patternHint: 'is not a workspace id' }),
      };
    case 'push':
      return { type: 'push', changes: parseChanges(expectArray(body, 'changes', MAX_CHANGES_PER_PUSH)) };
    case 'pull':
      return { type: 'pull', sinceVersion: expectInteger(body, 'sinceVersion', 0) };
    case 'compact':
      return { type: 'compact', ...parseCompact(body) };
    default:
      throw new ProtocolError('INVALID_INPUT', 'type must be one of auth, join, push, pull, compact');
  }
}
