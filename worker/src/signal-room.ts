import { DurableObject } from 'cloudflare:workers';
import type { IRequest } from 'itty-router';
import {
  CLOSE_CODE,
  MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS,
  MAX_SIGNING_IN_SIGNAL_SOCKETS_PER_ADDRESS,
  MAX_PRESENCE_PEERS,
  MAX_SIGNAL_MESSAGE_BYTES,
  MAX_SIGNAL_TOPICS_PER_SOCKET,
  MAX_SOCKETS_PER_SIGNAL_ROOM,
  PRESENCE_TTL_MS,
  ProtocolError,
  SOCKET_HANDSHAKE_TIMEOUT_MS,
  SYNC_PING,
  SYNC_PONG,
  isRoomId,
  frameExceeds,
  parseSignalClientMessage,
  type AnnounceRequest,
  type PresencePeer,
  type SignalClientMessage,
  type SignalServerMessage,
} from './protocol/index.ts';
import type { Env } from './env.ts';
import { clientIp } from './rate-limiter.ts';
import { closeCodeToEcho, safeSend } from './socket-send.ts';
import { asRoomResult, type RoomResult } from './room-result.ts';
import { verifyTokenClaims } from './tokens.ts';
import { withoutCompression } from './websocket-compression.ts';

/** A socket's subscriptions, kept as its attachment so they survive hibernation. */
interface SignalSocketState {
  topics: string[];
  /** When the socket opened (ms since the epoch): it must have subscribed SOCKET_HANDSHAKE_TIMEOUT_MS later. */
  openedAt: number;
  /** The client's address: while the socket is not signed in, it counts towards this address's share of the room. */
  address: string;
  /** Until when (ms since the epoch) its last `auth` signed it in; 0 if it never did. */
  signedInUntil: number;
  /** Let in beyond its address's share: its first message must be an `auth`, or it is refused. */
  mustSignIn: boolean;
}

/**
 * One signalling room: y-webrtc's signalling protocol (subscribe, unsubscribe, publish, ping) for the sockets
 * of `/signal/:roomId`, and the room's presence board. Published messages are forwarded and forgotten; only
 * presence announcements are stored, for PRESENCE_TTL_MS.
 */
export class SignalRoom extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Each socket's topics while the room is awake; refilled from the attachments after hibernation. */
  private readonly subscriptions = new Map<WebSocket, Set<string>>();
  /**
   * Each topic's sockets while the room is awake, so that a publish visits its subscribers only rather than every
   * socket of the room; built from the attachments at the first publish after a wake.
   */
  private subscribers: Map<string, Set<WebSocket>> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // y-webrtc's keep-alive, answered by the runtime without waking a hibernating room.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(SYNC_PING, SYNC_PONG));
    this.sql.exec('CREATE TABLE IF NOT EXISTS presence (peer_id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL)');
  }

  override async fetch(request: Request): Promise<Response> {
    const pair = new WebSocketPair();
    const address = clientIp(request);
    const admission = this.admission(address);
    if (admission instanceof ProtocolError) {
      // Accepted only to say why (a refused upgrade would reach y-webrtc as a bare connection error), and not as one
      // of the room's hibernatable sockets: as one, it was counted as a member until its closing handshake ended,
      // which clients saw seconds later (5–10 s against wrangler dev), keeping the next newcomer out meanwhile.
      pair[1].accept();
      sendError(pair[1], admission);
      pair[1].close(CLOSE_CODE.tryAgainLater, admission.code);
      return new Response(null, { status: 101, webSocket: pair[0] });
    }
    this.ctx.acceptWebSocket(pair[1]);
    const openedAt = Date.now();
    pair[1].serializeAttachment({ topics: [], openedAt, address, signedInUntil: 0, mustSignIn: admission.mustSignIn } satisfies SignalSocketState);
    await this.scheduleAlarm(openedAt + SOCKET_HANDSHAKE_TIMEOUT_MS);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /**
   * Whether a newcomer from `address` may join: not when the room is full; freely while its address holds fewer than
   * its share of sockets not signed in; beyond, a few more that must sign in with their first message, since every
   * socket opens unsigned (its `auth` is its first message) and a signed-in device must still get in when others at
   * its address used up the share.
   */
  private admission(address: string): ProtocolError | { mustSignIn: boolean } {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length >= MAX_SOCKETS_PER_SIGNAL_ROOM) {
      return new ProtocolError('ROOM_FULL', `a room holds at most ${MAX_SOCKETS_PER_SIGNAL_ROOM} sockets`);
    }
    const now = Date.now();
    const notSignedIn = sockets.filter((ws) => {
      const state = ws.deserializeAttachment() as SignalSocketState | null;
      return state?.address === address && state.signedInUntil <= now;
    }).length;
    if (notSignedIn < MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS) return { mustSignIn: false };
    if (notSignedIn < MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS + MAX_SIGNING_IN_SIGNAL_SOCKETS_PER_ADDRESS) return { mustSignIn: true };
    return addressShareUsedUp();
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (frameExceeds(message, MAX_SIGNAL_MESSAGE_BYTES)) {
      sendError(ws, new ProtocolError('PAYLOAD_TOO_LARGE', `message exceeds ${MAX_SIGNAL_MESSAGE_BYTES} bytes`));
      ws.close(CLOSE_CODE.messageTooBig, 'PAYLOAD_TOO_LARGE');
      return;
    }
    try {
      if (typeof message !== 'string') throw new ProtocolError('INVALID_INPUT', 'messages must be JSON text');
      const parsed = parseSignalClientMessage(message);
      this.checkFirstMessage(ws, parsed);
      if (parsed.type === 'auth') await this.signIn(ws, parsed.token);
      else this.dispatch(ws, parsed);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      sendError(ws, err);
      ws.close(CLOSE_CODE.policyViolation, err.code);
    }
  }

  /**
   * A socket let in beyond its address's share must sign in first. Cleared before the token is checked: what follows
   * the `auth` may arrive meanwhile, and a token that fails closes the socket anyway.
   */
  private checkFirstMessage(ws: WebSocket, message: SignalClientMessage): void {
    const state = ws.deserializeAttachment() as SignalSocketState;
    if (!state.mustSignIn) return;
    if (message.type !== 'auth') throw addressShareUsedUp();
    ws.serializeAttachment({ ...state, mustSignIn: false } satisfies SignalSocketState);
  }

  /**
   * Signs the socket in until its token expires; after that it counts as not signed in again, until the client sends
   * a fresh token. A bad or expired token is refused like any bad message: UNAUTHORIZED, and the socket is closed.
   */
  private async signIn(ws: WebSocket, token: string): Promise<void> {
    const { expiresAt } = await verifyTokenClaims(token, this.env.JWT_SECRET);
    // Read again after the await: a subscribe handled meanwhile changed the topics.
    const state = ws.deserializeAttachment() as SignalSocketState;
    ws.serializeAttachment({ ...state, signedInUntil: expiresAt } satisfies SignalSocketState);
    send(ws, { type: 'auth-ok', expiresAt });
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.forget(ws);
    ws.close(closeCodeToEcho(code), 'closing');
  }

  /** Records (or refreshes) `peerId` on the board for PRESENCE_TTL_MS. */
  async announce({ peerId, data }: AnnounceRequest): Promise<RoomResult<PresencePeer>> {
    const now = Date.now();
    const result = await asRoomResult(() => {
      this.sql.exec('DELETE FROM presence WHERE expires_at <= ?', now);
      const listed = this.sql.exec('SELECT 1 FROM presence WHERE peer_id = ?', peerId).toArray().length > 0;
      const count = this.sql.exec<{ count: number }>('SELECT COUNT(*) AS count FROM presence').one().count;
      if (!listed && count >= MAX_PRESENCE_PEERS) {
        throw new ProtocolError('ROOM_FULL', `a presence board lists at most ${MAX_PRESENCE_PEERS} peers`);
      }
      const expiresAt = now + PRESENCE_TTL_MS;
      this.sql.exec('INSERT OR REPLACE INTO presence VALUES (?, ?, ?)', peerId, data, expiresAt);
      return { peerId, data, expiresAt };
    });
    if (result.ok) await this.scheduleCleanup();
    return result;
  }

  /** The peers whose announcement has not expired, oldest announcement first. */
  async peers(): Promise<PresencePeer[]> {
    return this.sql
      .exec<{ peer_id: string; data: string; expires_at: number }>(
        'SELECT peer_id, data, expires_at FROM presence WHERE expires_at > ? ORDER BY expires_at',
        Date.now(),
      )
      .toArray()
      .map((row) => ({ peerId: row.peer_id, data: row.data, expiresAt: row.expires_at }));
  }

  /** Deletes expired announcements and closes sockets that subscribed to nothing in time; then waits for the next. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.sql.exec('DELETE FROM presence WHERE expires_at <= ?', now);
    for (const ws of this.ctx.getWebSockets()) {
      const state = ws.deserializeAttachment() as SignalSocketState | null;
      if (!state || state.openedAt + SOCKET_HANDSHAKE_TIMEOUT_MS > now || this.topicsOf(ws).size > 0) continue;
      sendError(ws, new ProtocolError('INVALID_INPUT', `subscribe within ${SOCKET_HANDSHAKE_TIMEOUT_MS / 1000} s of opening the socket`));
      ws.close(CLOSE_CODE.policyViolation, 'INVALID_INPUT');
    }
    await this.scheduleCleanup();
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.forget(ws);
  }

  private forget(ws: WebSocket): void {
    for (const topic of this.subscriptions.get(ws) ?? []) this.subscribers?.get(topic)?.delete(ws);
    this.subscriptions.delete(ws);
  }

  private dispatch(ws: WebSocket, message: SignalClientMessage): void {
    switch (message.type) {
      case 'subscribe': {
        const topics = new Set([...this.topicsOf(ws), ...message.topics]);
        if (topics.size > MAX_SIGNAL_TOPICS_PER_SOCKET) {
          throw new ProtocolError('PAYLOAD_TOO_LARGE', `a socket subscribes to at most ${MAX_SIGNAL_TOPICS_PER_SOCKET} topics`);
        }
        this.setTopics(ws, topics);
        return;
      }
      case 'unsubscribe': {
        const topics = new Set(this.topicsOf(ws));
        for (const topic of message.topics) topics.delete(topic);
        this.setTopics(ws, topics);
        return;
      }
      case 'publish':
        this.publish(ws, message.topic, message.data);
        return;
      case 'ping':
        send(ws, { type: 'pong' });
        return;
    }
  }

  /** Forwards to every other socket subscribed to `topic`; nothing is kept. */
  private publish(sender: WebSocket, topic: string, data: unknown): void {
    const text = JSON.stringify({ type: 'publish', topic, data } satisfies SignalServerMessage);
    for (const socket of this.subscribersOf(topic)) {
      if (socket !== sender) safeSend(socket, text);
    }
  }

  private subscribersOf(topic: string): Set<WebSocket> {
    if (!this.subscribers) {
      this.subscribers = new Map();
      for (const ws of this.ctx.getWebSockets()) for (const subscribed of this.topicsOf(ws)) this.subscribe(ws, subscribed);
    }
    return this.subscribers.get(topic) ?? new Set();
  }

  private subscribe(ws: WebSocket, topic: string): void {
    const sockets = this.subscribers?.get(topic);
    if (sockets) sockets.add(ws);
    else this.subscribers?.set(topic, new Set([ws]));
  }

  private topicsOf(ws: WebSocket): Set<string> {
    let topics = this.subscriptions.get(ws);
    if (!topics) {
      topics = new Set((ws.deserializeAttachment() as SignalSocketState | null)?.topics ?? []);
      this.subscriptions.set(ws, topics);
    }
    return topics;
  }

  private setTopics(ws: WebSocket, topics: Set<string>): void {
    for (const topic of this.topicsOf(ws)) if (!topics.has(topic)) this.subscribers?.get(topic)?.delete(ws);
    for (const topic of topics) this.subscribe(ws, topic);
    this.subscriptions.set(ws, topics);
    const state = ws.deserializeAttachment() as SignalSocketState;
    ws.serializeAttachment({ ...state, topics: [...topics] } satisfies SignalSocketState);
  }

  /** One alarm for the earliest of: the next announcement to expire, the next socket due to have subscribed. */
  private async scheduleCleanup(): Promise<void> {
    const now = Date.now();
    const deadlines = this.ctx
      .getWebSockets()
      .map((ws) => ({ ws, state: ws.deserializeAttachment() as SignalSocketState | null }))
      .filter(({ ws, state }) => state && state.openedAt + SOCKET_HANDSHAKE_TIMEOUT_MS > now && this.topicsOf(ws).size === 0)
      .map(({ state }) => state!.openedAt + SOCKET_HANDSHAKE_TIMEOUT_MS);
    const expiry = this.sql.exec<{ next: number | null }>('SELECT MIN(expires_at) AS next FROM presence').one().next;
    const next = Math.min(...deadlines, expiry ?? Number.POSITIVE_INFINITY);
    if (next !== Number.POSITIVE_INFINITY) await this.scheduleAlarm(next);
  }

  private async scheduleAlarm(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}

export function signalRoom(env: Env, roomId: string) {
  return env.SIGNAL_ROOM.get(env.SIGNAL_ROOM.idFromName(roomId));
}

/** Validates a room id from a path before any object is touched. */
export function roomIdParam(raw: string | undefined): string {
  if (!raw || !isRoomId(raw)) throw new ProtocolError('NOT_FOUND', 'room ids are 8 to 128 URL-safe characters');
  return raw;
}

/**
 * `GET /signal/:roomId` with `Upgrade: websocket`. y-webrtc's own provider is served as it is, capped per address;
 * a client that signs in with an `auth` message counts only towards the room's own limit. A token in the URL is
 * refused rather than used: URLs end up in logs.
 */
export async function openSignalSocket(request: IRequest, env: Env): Promise<Response> {
  const roomId = roomIdParam(request.params.roomId);
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ProtocolError('UPGRADE_REQUIRED', 'this route only speaks WebSocket');
  }
  if (new URL(request.url).searchParams.has('token')) {
    throw new ProtocolError('INVALID_INPUT', 'send the account token in an auth message, not in the URL');
  }
  return withoutCompression(await signalRoom(env, roomId).fetch(request));
}

function send(ws: WebSocket, message: SignalServerMessage): void {
  safeSend(ws, JSON.stringify(message));
}

function addressShareUsedUp(): ProtocolError {
  return new ProtocolError(
    'RATE_LIMITED',
    `one address holds at most ${MAX_ANONYMOUS_SIGNAL_SOCKETS_PER_ADDRESS} sockets in a room that are not signed in; sign in with an auth message first`,
  );
}

function sendError(ws: WebSocket, error: ProtocolError): void {
  send(ws, { type: 'error', code: error.code, message: error.message });
}
