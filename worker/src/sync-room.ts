import { DurableObject } from 'cloudflare:workers';
import {
  CLOSE_CODE,
  MAX_SYNC_BYTES_AHEAD,
  MAX_SYNC_MESSAGE_BYTES,
  MAX_SYNC_MESSAGES_AHEAD,
  ProtocolError,
  SOCKET_HANDSHAKE_TIMEOUT_MS,
  SYNC_PING,
  SYNC_PONG,
  decodeBase64url,
  frameByteLength,
  parseSyncRequest,
  readSyncEnvelope,
  type ChangesPage,
  type CompactRequest,
  type CompactResult,
  type EncryptedChange,
  type PushResult,
  type StoredChange,
  type SyncEnvelope,
  type SyncRequest,
  type SyncServerMessage,
  type Workspace,
} from './protocol/index.ts';
import type { Env } from './env.ts';
import { closeCodeToEcho, safeSend } from './socket-send.ts';
import { asRoomResult, type RoomResult } from './room-result.ts';
import { verifyTokenClaims } from './tokens.ts';

export interface WorkspaceInit extends Workspace {
  ownerId: string;
  /** base64url(SHA-256(joinSecret)), or null when nobody else may join. */
  joinVerifier: string | null;
}

/** What a socket has proven so far; kept as its attachment so it survives hibernation. */
interface SocketState {
  accountId: string | null;
  /** When the token that authenticated the socket expires (ms since the epoch); a fresh `auth` extends it. */
  tokenExpiresAt: number;
  joined: boolean;
  /** The `seq` of the next message to handle; later ones wait in `SyncRoom.early`. */
  nextSeq: number;
  /** When the socket opened (ms since the epoch): it must have joined SOCKET_HANDSHAKE_TIMEOUT_MS later. */
  openedAt: number;
}

/** Messages of one socket that arrived before an earlier one, by `seq`. */
interface EarlyMessages {
  bySeq: Map<number, { envelope: SyncEnvelope; bytes: number }>;
  bytes: number;
}

// Room left in a page for the JSON around the changes.
const PAGE_BYTE_BUDGET = MAX_SYNC_MESSAGE_BYTES - 4096;

/**
 * One workspace's relay: stores encrypted changes in order, hands out versions, fans changes out to joined
 * sockets, and compacts. It never decrypts anything: it has no key to do so.
 */
export class SyncRoom extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /**
   * Messages are handled one at a time, so one that awaits (token verification is not storage, so input gates do
   * not hold the next message) finishes before the next starts. One chain for the room rather than one per socket:
   * a hibernated room's sockets come back as new objects.
   */
  private messageChain: Promise<void> = Promise.resolve();
  /**
   * Messages that arrived ahead of an earlier one of their socket, until it comes. Memory only: the room does not
   * hibernate while the runtime still has a message to deliver, so only a client that skipped a `seq` can lose
   * them, and it is the one left waiting.
   */
  private readonly early = new Map<WebSocket, EarlyMessages>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(SYNC_PING, SYNC_PONG));
  }

  async initialize(init: WorkspaceInit): Promise<RoomResult<Workspace>> {
    return asRoomResult(() => {
      if (this.exists()) throw new ProtocolError('CONFLICT', 'workspace already exists');
      this.ctx.storage.transactionSync(() => {
        this.sql.exec(`CREATE TABLE workspace (
          id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL, owner_id TEXT NOT NULL, join_verifier TEXT)`);
        this.sql.exec('CREATE TABLE members (account_id TEXT PRIMARY KEY, joined_at INTEGER NOT NULL)');
        // AUTOINCREMENT: versions are never reused, even after compaction deletes the rows that held them.
        this.sql.exec('CREATE TABLE changes (version INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL)');
        this.sql.exec(
          'CREATE TABLE snapshot (slot INTEGER PRIMARY KEY CHECK (slot = 0), id TEXT NOT NULL, data TEXT NOT NULL, version INTEGER NOT NULL)',
        );
        this.sql.exec(
          'INSERT INTO workspace VALUES (?, ?, ?, ?, ?)',
          init.id,
          init.name,
          init.createdAt,
          init.ownerId,
          init.joinVerifier,
        );
        this.sql.exec('INSERT INTO members VALUES (?, ?)', init.ownerId, init.createdAt);
      });
      return this.workspace();
    });
  }

  /** Adds `accountId` when `joinSecret` hashes to the registered verifier (compared in constant time). */
  async join(accountId: string, joinSecret: string): Promise<RoomResult<Workspace>> {
    const refused = new ProtocolError('JOIN_REFUSED', 'the join secret does not open this workspace');
    const secret = decodeBase64url(joinSecret);
    const row = this.exists() ? this.sql.exec<{ join_verifier: string | null }>('SELECT join_verifier FROM workspace').one() : null;
    const verifier = row?.join_verifier ? decodeBase64url(row.join_verifier) : null;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', secret ?? new Uint8Array()));
    const matches = verifier !== null && verifier.byteLength === digest.byteLength && crypto.subtle.timingSafeEqual(digest, verifier);
    return asRoomResult(() => {
      if (!matches) throw refused;
      this.sql.exec('INSERT OR IGNORE INTO members VALUES (?, ?)', accountId, Date.now());
      return this.workspace();
    });
  }

  async pushChanges(accountId: string, changes: EncryptedChange[]): Promise<RoomResult<PushResult>> {
    return asRoomResult(() => {
      this.assertMember(accountId);
      return this.store(changes, null);
    });
  }

  async pullChanges(accountId: string, sinceVersion: number, limit: number): Promise<RoomResult<ChangesPage>> {
    return asRoomResult(() => {
      this.assertMember(accountId);
      return this.page(sinceVersion, limit);
    });
  }

  async compact(accountId: string, request: CompactRequest): Promise<RoomResult<CompactResult>> {
    return asRoomResult(() => {
      this.assertMember(accountId);
      return this.compactUpTo(request);
    });
  }

  override async fetch(): Promise<Response> {
    const pair = new WebSocketPair();
    const state: SocketState = { accountId: null, tokenExpiresAt: 0, joined: false, nextSeq: 1, openedAt: Date.now() };
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].serializeAttachment(state);
    await this.scheduleHandshakeDeadline(state.openedAt + SOCKET_HANDSHAKE_TIMEOUT_MS);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** Closes the sockets that have not joined in time, and wakes again for the next one due. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let next: number | null = null;
    for (const ws of this.ctx.getWebSockets()) {
      const state = ws.deserializeAttachment() as SocketState;
      if (state.joined) continue;
      const deadline = state.openedAt + SOCKET_HANDSHAKE_TIMEOUT_MS;
      if (deadline <= now) {
        const seconds = SOCKET_HANDSHAKE_TIMEOUT_MS / 1000;
        this.refuse(ws, new ProtocolError('UNAUTHORIZED', `send auth and join within ${seconds} s of opening the socket`), CLOSE_CODE.policyViolation);
      } else next = Math.min(next ?? deadline, deadline);
    }
    if (next !== null) await this.scheduleHandshakeDeadline(next);
  }

  private async scheduleHandshakeDeadline(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const handled = this.messageChain.then(() => this.receive(ws, message));
    this.messageChain = handled.catch(() => undefined);
    await handled;
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.early.delete(ws);
    ws.close(closeCodeToEcho(code), 'closing');
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.early.delete(ws);
  }

  /** Puts a frame in its socket's order, then handles every message whose turn has come. */
  private async receive(ws: WebSocket, frame: string | ArrayBuffer): Promise<void> {
    // Frames the client sent before it learnt of a refusal: nothing after a refusal is handled.
    if (ws.readyState !== WebSocket.READY_STATE_OPEN) return;
    const state = ws.deserializeAttachment() as SocketState;
    const bytes = frameByteLength(frame);
    if (bytes > MAX_SYNC_MESSAGE_BYTES) {
      this.refuse(ws, new ProtocolError('PAYLOAD_TOO_LARGE', `message exceeds ${MAX_SYNC_MESSAGE_BYTES} bytes`), CLOSE_CODE.messageTooBig);
      return;
    }
    let envelope: SyncEnvelope;
    try {
      if (typeof frame !== 'string') throw new ProtocolError('INVALID_INPUT', 'messages must be JSON text');
      envelope = readSyncEnvelope(frame);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      // A frame without a seq took no place in the order, so a joined socket loses nothing by carrying on.
      if (state.joined) this.sendError(ws, err);
      else this.refuse(ws, err, CLOSE_CODE.policyViolation);
      return;
    }
    const early = this.earlyOf(ws);
    const gap = envelope.seq - state.nextSeq;
    if (gap < 0 || early.bySeq.has(envelope.seq)) {
      this.refuse(ws, new ProtocolError('INVALID_INPUT', `seq ${envelope.seq} was already used`), CLOSE_CODE.policyViolation);
      return;
    }
    if (gap >= MAX_SYNC_MESSAGES_AHEAD || early.bytes + bytes > MAX_SYNC_BYTES_AHEAD) {
      const limits = `${MAX_SYNC_MESSAGES_AHEAD} messages or ${MAX_SYNC_BYTES_AHEAD} bytes`;
      this.refuse(ws, new ProtocolError('INVALID_INPUT', `seq ${state.nextSeq} is missing and more than ${limits} came after it`), CLOSE_CODE.policyViolation);
      return;
    }
    early.bySeq.set(envelope.seq, { envelope, bytes });
    early.bytes += bytes;
    await this.handleInOrder(ws, state, early);
  }

  private async handleInOrder(ws: WebSocket, state: SocketState, early: EarlyMessages): Promise<void> {
    for (let next = early.bySeq.get(state.nextSeq); next; next = early.bySeq.get(state.nextSeq)) {
      const { envelope, bytes } = next;
      early.bySeq.delete(state.nextSeq);
      early.bytes -= bytes;
      state.nextSeq += 1;
      ws.serializeAttachment(state);
      try {
        await this.dispatch(ws, state, parseSyncRequest(envelope));
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        // A socket that has not joined is told why and dropped before it can see anything.
        if (state.joined) this.sendError(ws, err);
        else {
          this.refuse(ws, err, CLOSE_CODE.policyViolation);
          return;
        }
      }
    }
  }

  private earlyOf(ws: WebSocket): EarlyMessages {
    let early = this.early.get(ws);
    if (!early) {
      early = { bySeq: new Map(), bytes: 0 };
      this.early.set(ws, early);
    }
    return early;
  }

  /** Says why and closes: nothing the socket sent after this is handled. */
  private refuse(ws: WebSocket, error: ProtocolError, closeCode: number): void {
    this.early.delete(ws);
    this.sendError(ws, error);
    ws.close(closeCode, error.code);
  }

  private async dispatch(ws: WebSocket, state: SocketState, message: SyncRequest): Promise<void> {
    switch (message.type) {
      case 'auth': {
        const verified = await verifyTokenClaims(message.token, this.env.JWT_SECRET);
        state.accountId = verified.accountId;
        state.tokenExpiresAt = verified.expiresAt;
        ws.serializeAttachment(state);
        send(ws, { type: 'auth-ok', accountId: state.accountId });
        return;
      }
      case 'join': {
        if (!state.accountId) throw new ProtocolError('UNAUTHORIZED', 'send auth before join');
        const workspace = this.exists() ? this.workspace() : null;
        if (!workspace || workspace.id !== message.workspaceId || !this.isMember(state.accountId)) {
          throw new ProtocolError('NOT_FOUND', 'workspace not found');
        }
        state.joined = true;
        ws.serializeAttachment(state);
        send(ws, { type: 'joined', workspaceId: workspace.id, latestVersion: this.latestVersion() });
        return;
      }
      default:
        break;
    }
    if (!state.joined || !state.accountId) throw new ProtocolError('UNAUTHORIZED', 'send auth and join first');
    if (Date.now() >= state.tokenExpiresAt) throw this.expire(ws, state);
    // Membership is re-checked on every message: the socket may have joined before a change in membership.
    this.assertMember(state.accountId);
    switch (message.type) {
      case 'push':
        send(ws, { type: 'ack', ...this.store(message.changes, ws) });
        return;
      case 'pull':
        send(ws, { type: 'changes', ...this.page(message.sinceVersion, Number.MAX_SAFE_INTEGER) });
        return;
      case 'compact':
        send(ws, { type: 'compacted', ...this.compactUpTo(message) });
        return;
    }
  }

  /**
   * Stores changes in one transaction and fans the new ones out to every other joined socket.
   * Re-pushed ids keep their original version. Output gates hold the ack until the write is durable.
   */
  private store(changes: EncryptedChange[], sender: WebSocket | null): PushResult {
    const versions: number[] = [];
    const fresh: StoredChange[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const change of changes) {
        const existing = this.sql.exec<{ version: number }>('SELECT version FROM changes WHERE id = ?', change.id).toArray()[0];
        if (existing) {
          versions.push(existing.version);
          continue;
        }
        const { version } = this.sql
          .exec<{ version: number }>('INSERT INTO changes (id, data) VALUES (?, ?) RETURNING version', change.id, change.encryptedData)
          .one();
        versions.push(version);
        fresh.push({ ...change, version });
      }
    });
    if (fresh.length > 0) this.broadcast(fresh, sender);
    return { ids: changes.map((change) => change.id), versions };
  }

  private broadcast(changes: StoredChange[], sender: WebSocket | null): void {
    const message: SyncServerMessage = { type: 'changes', changes, latestVersion: this.latestVersion(), more: false };
    const text = JSON.stringify(message);
    const now = Date.now();
    for (const socket of this.ctx.getWebSockets()) {
      if (socket === sender) continue;
      const state = socket.deserializeAttachment() as SocketState | null;
      if (!state?.joined) continue;
      if (now < state.tokenExpiresAt) safeSend(socket, text);
      else {
        this.sendError(socket, this.expire(socket, state));
        socket.close(CLOSE_CODE.policyViolation, 'UNAUTHORIZED');
      }
    }
  }

  /** A socket whose token has expired sees nothing more; the client reconnects with a fresh token. */
  private expire(ws: WebSocket, state: SocketState): ProtocolError {
    state.joined = false;
    state.accountId = null;
    ws.serializeAttachment(state);
    return new ProtocolError('UNAUTHORIZED', 'the token has expired: reconnect with a fresh one');
  }

  /** Changes after `sinceVersion`, starting with the snapshot when `sinceVersion` predates it. */
  private page(sinceVersion: number, limit: number): ChangesPage {
    const page: StoredChange[] = [];
    let bytes = 0;
    let from = sinceVersion;
    const snapshot = this.sql.exec<{ id: string; data: string; version: number }>('SELECT id, data, version FROM snapshot').toArray()[0];
    if (snapshot && sinceVersion < snapshot.version) {
      page.push({ id: snapshot.id, encryptedData: snapshot.data, version: snapshot.version, snapshot: true });
      bytes += snapshot.data.length;
      from = snapshot.version;
    }
    let more = false;
    const rows = this.sql.exec<{ id: string; data: string; version: number }>(
      'SELECT id, data, version FROM changes WHERE version > ? ORDER BY version',
      from,
    );
    for (const row of rows) {
      const size = row.data.length + row.id.length + 64;
      if (page.length >= limit || (page.length > 0 && bytes + size > PAGE_BYTE_BUDGET)) {
        more = true;
        break;
      }
      page.push({ id: row.id, encryptedData: row.data, version: row.version });
      bytes += size;
    }
    return { changes: page, latestVersion: this.latestVersion(), more };
  }

  private compactUpTo({ snapshot, upToVersion }: CompactRequest): CompactResult {
    const current = this.sql.exec<{ id: string; version: number }>('SELECT id, version FROM snapshot').toArray()[0];
    if (current?.id === snapshot.id && current.version === upToVersion) return { upToVersion };
    if (upToVersion > this.latestVersion()) {
      throw new ProtocolError('INVALID_INPUT', 'upToVersion is beyond the latest version');
    }
    if (current && upToVersion <= current.version) {
      throw new ProtocolError('CONFLICT', `already compacted up to version ${current.version}`);
    }
    this.ctx.storage.transactionSync(() => {
      this.sql.exec('INSERT OR REPLACE INTO snapshot VALUES (0, ?, ?, ?)', snapshot.id, snapshot.encryptedData, upToVersion);
      this.sql.exec('DELETE FROM changes WHERE version <= ?', upToVersion);
    });
    return { upToVersion };
  }

  private exists(): boolean {
    return this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'workspace'").toArray().length > 0;
  }

  private workspace(): Workspace {
    const row = this.sql.exec<{ id: string; name: string; created_at: number }>('SELECT id, name, created_at FROM workspace').one();
    return { id: row.id, name: row.name, createdAt: row.created_at };
  }

  private isMember(accountId: string): boolean {
    return this.sql.exec('SELECT 1 FROM members WHERE account_id = ?', accountId).toArray().length > 0;
  }

  /** Non-members get the same answer as for a workspace that does not exist. */
  private assertMember(accountId: string): void {
    if (!this.exists() || !this.isMember(accountId)) throw new ProtocolError('NOT_FOUND', 'workspace not found');
  }

  private latestVersion(): number {
    const row = this.sql
      .exec<{ latest: number }>(
        'SELECT MAX(COALESCE((SELECT MAX(version) FROM changes), 0), COALESCE((SELECT version FROM snapshot), 0)) AS latest',
      )
      .one();
    return row.latest;
  }

  private sendError(ws: WebSocket, error: ProtocolError): void {
    safeSend(ws, JSON.stringify({ type: 'error', code: error.code, message: error.message } satisfies SyncServerMessage));
  }
}

function send(ws: WebSocket, message: SyncServerMessage): void {
  safeSend(ws, JSON.stringify(message));
}
