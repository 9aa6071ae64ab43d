import { ProtocolError } from './errors.ts';
import { MAX_CHANGE_BYTES, MAX_CHANGE_ID_LENGTH, MAX_CHANGE_RAW_BYTES, MAX_CHANGES_PER_PUSH } from './limits.ts';
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
  /**
   * Who pushed it, as a tag opaque to other workspaces: the same for every change of one account in one workspace,
   * LEGACY_AUTHOR for changes stored before ids were scoped. Absent on snapshots and from relays that predate it.
   */
  author?: string;
}

/** The author of the changes a room stored before change ids were each account's own. */
export const LEGACY_AUTHOR = 'legacy';
/** An author tag: base64url of 16 bytes, or LEGACY_AUTHOR. */
export const AUTHOR_PATTERN = /^(?:[A-Za-z0-9_-]{22}|legacy)$/;

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

/** A change as a binary frame carries it: its id and its ciphertext's raw bytes. */
export interface RawChange {
  id: string;
  bytes: Uint8Array;
}

/** A stored change as a binary frame carries it. */
export interface StoredRawChange extends RawChange {
  version: number;
  snapshot?: true;
  author?: string;
}

/** What a client asks of the room over the socket. */
export type SyncRequest =
  | { type: 'auth'; token: string }
  | { type: 'join'; workspaceId: string }
  | { type: 'push'; changes: (EncryptedChange | RawChange)[] }
  | { type: 'pull'; sinceVersion: number }
  | ({ type: 'compact' } & CompactRequest);

/**
 * A request with its place in the socket's order: `seq` is 1 for the socket's first message and one more for each
 * message after it. The runtime may hand a socket's messages to the room out of order (workerd does, for
 * hibernatable sockets under load), so order cannot rest on delivery: the room holds a message until every
 * earlier one has been handled, which is what lets a client send `auth`, `join` and `push` without waiting.
 */
export type SyncClientMessage = SyncRequest & { seq: number };

/**
 * A frame with its `seq` read, enough to put it in order before its content is validated: a JSON text frame's
 * object, or a binary push already decoded (a binary frame cannot be half read).
 */
export type SyncEnvelope = { seq: number; body: JsonObject } | { seq: number; request: SyncRequest };

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
export function parseSyncRequest(envelope: SyncEnvelope): SyncRequest {
  if ('request' in envelope) return envelope.request;
  const { body } = envelope;
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

/**
 * A page of changes as the relay sends it in JSON (a socket's `changes` message, or a REST pull), checked on the
 * client as a binary changes frame is (decodeChangesFrame): the shapes, and every author a tag or none.
 */
export function parseChangesPage(value: unknown): ChangesPage {
  const obj = expectObject(value, 'the page');
  const changes = expectArray(obj, 'changes', Number.MAX_SAFE_INTEGER).map(parseStoredChange);
  const latestVersion = expectInteger(obj, 'latestVersion', 0);
  if (typeof obj.more !== 'boolean') throw new ProtocolError('INVALID_INPUT', 'more must be true or false');
  return { changes, latestVersion, more: obj.more };
}

function parseStoredChange(value: unknown, index: number): StoredChange {
  const obj = expectObject(value, `changes[${index}]`);
  const change: StoredChange = { id: expectString(obj, 'id'), encryptedData: expectString(obj, 'encryptedData'), version: expectInteger(obj, 'version', 0) };
  if (obj.snapshot === true) change.snapshot = true;
  if (obj.author === undefined) return change;
  if (typeof obj.author !== 'string' || !AUTHOR_PATTERN.test(obj.author)) throw new ProtocolError('INVALID_INPUT', `changes[${index}] has a malformed author`);
  return { ...change, author: obj.author };
}

/**
 * Binary frames, the sync socket's protocol version 2: a client that offers the WebSocket subprotocol
 * SYNC_BINARY_PROTOCOL, and gets it back, sends pushes as binary frames and receives changes as binary frames, the
 * ciphertext as raw bytes rather than base64url inside JSON (a third smaller, and nothing to encode or decode).
 * Everything else stays JSON text, as it is for every client that does not offer it, and for REST.
 *
 * Layout, big-endian; ids and authors are ASCII (CHANGE_ID_PATTERN, AUTHOR_PATTERN), an id at most
 * MAX_CHANGE_ID_LENGTH bytes, an author of length 0 standing for none:
 *   push:    u8 1 | u32 seq | u16 count | count × (u8 id length | id | u32 byte length | bytes)
 *   changes: u8 2 | f64 latestVersion | u8 more (0 or 1) | u32 count
 *            | count × (f64 version | u8 snapshot (0 or 1) | u8 id length | id | u8 author length | author
 *                      | u32 byte length | bytes)
 * Version 3 added the author; a client that offers only version 2 is not agreed to, and speaks JSON, where the
 * author is a field it may ignore.
 */
export const SYNC_BINARY_PROTOCOL = 'p2p-clinic-sync.3';
const PUSH_FRAME = 1;
const CHANGES_FRAME = 2;
const ASCII_IDS = { encoder: new TextEncoder(), decoder: new TextDecoder() };

export function encodePushFrame(seq: number, changes: RawChange[]): Uint8Array {
  const ids = changes.map((change) => ASCII_IDS.encoder.encode(change.id));
  const size = 7 + changes.reduce((sum, change, i) => sum + 5 + ids[i]!.length + change.bytes.length, 0);
  const frame = new FrameWriter(size);
  frame.u8(PUSH_FRAME).u32(seq).u16(changes.length);
  changes.forEach((change, i) => frame.u8(ids[i]!.length).bytes(ids[i]!).u32(change.bytes.length).bytes(change.bytes));
  return frame.done();
}

/** Reads a push frame as far as its `seq` and its changes, validated as a JSON push is. */
export function readBinarySyncEnvelope(frame: ArrayBuffer): SyncEnvelope {
  const reader = new FrameReader(frame);
  if (reader.u8() !== PUSH_FRAME) throw new ProtocolError('INVALID_INPUT', 'a binary frame from a client must be a push');
  const seq = reader.u32();
  if (seq < 1) throw new ProtocolError('INVALID_INPUT', 'seq must be at least 1');
  const count = reader.u16();
  if (count === 0) throw new ProtocolError('INVALID_INPUT', 'changes must not be empty');
  if (count > MAX_CHANGES_PER_PUSH) throw new ProtocolError('PAYLOAD_TOO_LARGE', `at most ${MAX_CHANGES_PER_PUSH} changes per push`);
  const changes: RawChange[] = [];
  for (let index = 0; index < count; index++) {
    const id = reader.text(reader.u8());
    if (id.length === 0 || id.length > MAX_CHANGE_ID_LENGTH || !CHANGE_ID_PATTERN.test(id)) {
      throw new ProtocolError('INVALID_INPUT', `changes[${index}].id may only contain letters, digits, "-" and "_", 1 to ${MAX_CHANGE_ID_LENGTH} of them`);
    }
    const length = reader.u32();
    if (length > MAX_CHANGE_RAW_BYTES) throw new ProtocolError('PAYLOAD_TOO_LARGE', `changes[${index}] exceeds ${MAX_CHANGE_RAW_BYTES} bytes`);
    if (length === 0) throw new ProtocolError('INVALID_INPUT', `changes[${index}] is empty`);
    changes.push({ id, bytes: reader.bytes(length) });
  }
  reader.end();
  return { seq, request: { type: 'push', changes } };
}

export function encodeChangesFrame(changes: StoredRawChange[], latestVersion: number, more: boolean): Uint8Array {
  const ids = changes.map((change) => ASCII_IDS.encoder.encode(change.id));
  const authors = changes.map((change) => ASCII_IDS.encoder.encode(change.author ?? ''));
  const size = 14 + changes.reduce((sum, change, i) => sum + 15 + ids[i]!.length + authors[i]!.length + change.bytes.length, 0);
  const frame = new FrameWriter(size);
  frame.u8(CHANGES_FRAME).f64(latestVersion).u8(more ? 1 : 0).u32(changes.length);
  changes.forEach((change, i) =>
    frame
      .f64(change.version)
      .u8(change.snapshot ? 1 : 0)
      .u8(ids[i]!.length)
      .bytes(ids[i]!)
      .u8(authors[i]!.length)
      .bytes(authors[i]!)
      .u32(change.bytes.length)
      .bytes(change.bytes),
  );
  return frame.done();
}

/** What a changes frame holds; the bytes are views into the frame. */
export function decodeChangesFrame(frame: ArrayBuffer): { changes: StoredRawChange[]; latestVersion: number; more: boolean } {
  const reader = new FrameReader(frame);
  if (reader.u8() !== CHANGES_FRAME) throw new ProtocolError('INVALID_INPUT', 'a binary frame from the relay must hold changes');
  const latestVersion = reader.f64();
  const more = reader.u8() === 1;
  const count = reader.u32();
  const changes: StoredRawChange[] = [];
  for (let index = 0; index < count; index++) {
    const version = reader.f64();
    const snapshot = reader.u8() === 1;
    const id = reader.text(reader.u8());
    const author = reader.text(reader.u8());
    if (author !== '' && !AUTHOR_PATTERN.test(author)) throw new ProtocolError('INVALID_INPUT', `changes[${index}] has a malformed author`);
    const bytes = reader.bytes(reader.u32());
    const change: StoredRawChange = snapshot ? { id, bytes, version, snapshot: true } : { id, bytes, version };
    changes.push(author === '' ? change : { ...change, author });
  }
  reader.end();
  return { changes, latestVersion, more };
}

class FrameWriter {
  private readonly buffer: Uint8Array;
  private readonly view: DataView;
  private offset = 0;

  constructor(size: number) {
    this.buffer = new Uint8Array(size);
    this.view = new DataView(this.buffer.buffer);
  }

  u8(value: number): this {
    this.view.setUint8(this.offset, value);
    this.offset += 1;
    return this;
  }

  u16(value: number): this {
    this.view.setUint16(this.offset, value);
    this.offset += 2;
    return this;
  }

  u32(value: number): this {
    this.view.setUint32(this.offset, value);
    this.offset += 4;
    return this;
  }

  f64(value: number): this {
    this.view.setFloat64(this.offset, value);
    this.offset += 8;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.buffer.set(value, this.offset);
    this.offset += value.length;
    return this;
  }

  done(): Uint8Array {
    return this.buffer;
  }
}

/** Reads a frame field by field; running past its end or leaving bytes unread is a malformed frame. */
class FrameReader {
  private readonly view: DataView;
  private offset = 0;

  constructor(private readonly frame: ArrayBuffer) {
    this.view = new DataView(frame);
  }

  u8(): number {
    return this.view.getUint8(this.advance(1));
  }

  u16(): number {
    return this.view.getUint16(this.advance(2));
  }

  u32(): number {
    return this.view.getUint32(this.advance(4));
  }

  f64(): number {
    return this.view.getFloat64(this.advance(8));
  }

  bytes(length: number): Uint8Array {
    return new Uint8Array(this.frame, this.advance(length), length);
  }

  text(length: number): string {
    return ASCII_IDS.decoder.decode(this.bytes(length));
  }

  end(): void {
    if (this.offset !== this.frame.byteLength) throw new ProtocolError('INVALID_INPUT', 'the binary frame has bytes after its last change');
  }

  private advance(length: number): number {
    const at = this.offset;
    if (at + length > this.frame.byteLength) throw new ProtocolError('INVALID_INPUT', 'the binary frame ends in the middle of a field');
    this.offset += length;
    return at;
  }
}
