import { ProtocolError } from './errors.ts';
import {
  MAX_PRESENCE_DATA_BYTES,
  MAX_SIGNAL_TOPIC_LENGTH,
  MAX_SIGNAL_TOPICS_PER_SOCKET,
  MAX_TOKEN_LENGTH,
  SHARE_CODE_LENGTH,
} from './limits.ts';
import { expectArray, expectObject, expectString, parseJsonMessage, type JsonObject } from './validation.ts';

/**
 * Signalling: one-time share codes, y-webrtc's signalling protocol over `/signal/:roomId`, and the presence board.
 * Room ids, topics and payloads are opaque to the server; clients encrypt whatever they publish.
 */

/** Crockford-like: no 0/O, 1/I/L, so a code read aloud or copied by hand survives. 31 symbols, ~39.6 bits per code. */
export const SHARE_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export interface CreateShareCodeRequest {
  /** The ephemeral invite room the inviter waits in. */
  roomId: string;
}

export interface ShareCodeResponse {
  /** Shown as `XXXX-XXXX`. */
  code: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface RedeemShareCodeResponse {
  roomId: string;
}

export interface AnnounceRequest {
  peerId: string;
  /** Opaque and small; clients encrypt it. */
  data: string;
}

export interface PresencePeer extends AnnounceRequest {
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface PresencePeersResponse {
  peers: PresencePeer[];
}

/**
 * What y-webrtc's `SignalingConn` sends (its keep-alive `{"type":"ping"}` is answered by the runtime), and `auth`,
 * which our clients send first on every socket and again before their token expires: a token in the URL would end up
 * in access logs, and y-webrtc's socket cannot carry a header.
 */
export type SignalClientMessage =
  | { type: 'auth'; token: string }
  | { type: 'subscribe'; topics: string[] }
  | { type: 'unsubscribe'; topics: string[] }
  | { type: 'publish'; topic: string; data: unknown }
  | { type: 'ping' };

export type SignalServerMessage =
  | { type: 'publish'; topic: string; data: unknown }
  /** The socket is signed in until `expiresAt` (ms since the epoch): send a fresh `auth` before then. */
  | { type: 'auth-ok'; expiresAt: number }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };

/** Room ids: URL-safe, long enough not to be guessed by accident, short enough to be a Durable Object name. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9._~-]{8,128}$/;
export const PEER_ID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;

export function isRoomId(value: string): boolean {
  return ROOM_ID_PATTERN.test(value);
}

/** Accepts `abcd-efgh`, `ABCDEFGH`, with spaces around: upper-cased and without the hyphen, or null when malformed. */
export function normalizeShareCode(raw: string): string | null {
  const compact = raw.trim().toUpperCase().replace(/^(.{4})-(.{4})$/, '$1$2');
  if (compact.length !== SHARE_CODE_LENGTH) return null;
  for (const symbol of compact) if (!SHARE_CODE_ALPHABET.includes(symbol)) return null;
  return compact;
}

/** `ABCDEFGH` → `ABCD-EFGH`. */
export function formatShareCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function parseCreateShareCode(body: unknown): CreateShareCodeRequest {
  const obj = expectObject(body);
  return { roomId: expectRoomId(obj, 'roomId') };
}

export function parseAnnounce(body: unknown): AnnounceRequest {
  const obj = expectObject(body);
  const peerId = expectString(obj, 'peerId', { pattern: PEER_ID_PATTERN, patternHint: 'must be 1 to 128 URL-safe characters' });
  const data = expectString(obj, 'data', { maxBytes: MAX_PRESENCE_DATA_BYTES });
  return { peerId, data };
}

/** Parses one signalling message; y-webrtc's own messages always pass, anything else is INVALID_INPUT. */
export function parseSignalClientMessage(text: string): SignalClientMessage {
  const obj = parseJsonMessage(text);
  switch (obj.type) {
    case 'auth':
      return { type: 'auth', token: expectString(obj, 'token', { minLength: 1, maxLength: MAX_TOKEN_LENGTH }) };
    case 'subscribe':
    case 'unsubscribe':
      return { type: obj.type, topics: expectTopics(obj) };
    case 'publish':
      if (obj.data === undefined) throw new ProtocolError('INVALID_INPUT', 'data is required');
      return { type: 'publish', topic: expectTopic(obj.topic, 'topic'), data: obj.data };
    case 'ping':
      return { type: 'ping' };
    default:
      throw new ProtocolError('INVALID_INPUT', 'type must be one of auth, subscribe, unsubscribe, publish, ping');
  }
}

function expectRoomId(obj: JsonObject, field: string): string {
  return expectString(obj, field, { pattern: ROOM_ID_PATTERN, patternHint: 'must be 8 to 128 URL-safe characters' });
}

function expectTopics(obj: JsonObject): string[] {
  const topics = expectArray(obj, 'topics', MAX_SIGNAL_TOPICS_PER_SOCKET);
  return topics.map((topic, index) => expectTopic(topic, `topics[${index}]`));
}

function expectTopic(value: unknown, field: string): string {
  return expectString({ [field]: value }, field, { minLength: 1, maxLength: MAX_SIGNAL_TOPIC_LENGTH });
}
