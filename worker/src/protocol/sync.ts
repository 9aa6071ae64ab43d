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

export type SyncClientMessage =
  | { type: 'auth'; token: string }
  | { type: 'join'; workspaceId: string }
  | { type: 'push'; changes: EncryptedChange[] }
  | { type: 'pull'; sinceVersion: number }
  | ({ type: 'compact' } & CompactRequest);

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

/** Parses one WebSocket frame from a sync client. */
export function parseSyncClientMessage(raw: string): SyncClientMessage {
  const obj = parseJsonMessage(raw);
  switch (obj.type) {
    case 'auth':
      return { type: 'auth', token: expectString(obj, 'token', { minLength: 1, maxLength: 4096 }) };
    case 'join':
      return {
        type: 'join',
        workspaceId: expectString(obj, 'workspaceId', { pattern: WORKSPACE_ID_PATTERN, patternHint: 'is not a workspace id' }),
      };
    case 'push':
      return { type: 'push', changes: parseChanges(expectArray(obj, 'changes', MAX_CHANGES_PER_PUSH)) };
    case 'pull':
      return { type: 'pull', sinceVersion: expectInteger(obj, 'sinceVersion', 0) };
    case 'compact':
      return { type: 'compact', ...parseCompact(obj) };
    default:
      throw new ProtocolError('INVALID_INPUT', 'type must be one of auth, join, push, pull, compact');
  }
}
