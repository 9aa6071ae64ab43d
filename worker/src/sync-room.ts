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
  SYNC_BINARY_PROTOCOL,
  LEGACY_AUTHOR,
  encodeBase64url,
  encodeChangesFrame,
  readBinarySyncEnvelope,
  readSyncEnvelope,
  type ChangesPage,
  type CompactRequest,
  type CompactResult,
  type EncryptedChange,
  type RawChange,
  type StoredRawChange,
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
  /** It agreed to SYNC_BINARY_PROTOCOL: pushes and changes travel as binary frames. */
  binary: boolean;
}

/** Messages of one socket that arrived before an earlier one, by `seq`. */
interface EarlyMessages {
  bySeq: Map<number, { envelope: SyncEnvelope; bytes: number }>;
  bytes: number;
}

/**
 * What the push path needs to know, read from SQLite once per wake (a room woken from hibernation is a new object)
 * and kept in step with every write after, so that a push costs no query but its INSERTs.
 */
interface RoomMemory {
  workspace: Workspace;
  members: Set<string>;
  /**
   * The highest version handed out, stored, compacted into the snapshot or reserved before the room last woke: the
   * next change gets one more.
   */
  latestVersion: number;
  /**
   * Versions up to this one are reserved by a write that is durable, or whose commit the output gate holds every later
   * message behind. A change whose version is reserved may be fanned out before its own commit: were it lost in a
   * crash, the room wakes past the reservation and never hands that version to another change.
   */
  reservedVersion: number;
}

/**
 * A change as the room keeps it: its ciphertext as it came, base64url text from JSON or raw bytes from a binary
 * frame (stored as a BLOB, a quarter smaller), converted only for a client that wants the other form.
 */
interface RoomChange {
  id: string;
  version: number;
  data: string | ArrayBuffer;
  snapshot?: true;
  /** The author tag of the account that pushed it; none on the snapshot. */
  author?: string;
}

interface RoomPage {
  changes: RoomChange[];
  latestVersion: number;
  more: boolean;
}

/** A push with the versions its changes got, and those of them that are new, waiting for its write. */
interface StoredPush {
  push: QueuedPush;
  result: PushResult;
  fresh: RoomChange[];
  /** The room's latest version once this push is stored. */
  latest: number;
  /** Sent to the other sockets before its write. */
  fannedOut: boolean;
}

/** One push waiting for the next commit, and whom to tell once it is stored. */
interface QueuedPush {
  accountId: string;
  /** The account's author tag, worked out before the push was queued, so that storing needs no await. */
  author: string;
  changes: (EncryptedChange | RawChange)[];
  /** The socket it came from, which gets the ack instead of the broadcast; null for REST. */
  sender: WebSocket | null;
  settle(result: PushResult | Error): void;
}

// Room left in a page for the JSON around the changes.
const PAGE_BYTE_BUDGET = MAX_SYNC_MESSAGE_BYTES - 4096;
/** A queue this long is stored at once rather than waiting for more: it bounds what one transaction holds. */
const MAX_QUEUED_CHANGES = 2000;
/** Author tags kept in memory: a room's recent pushers; the rest are read from the `authors` table when they push. */
export const MAX_CACHED_AUTHORS = 256;
/**
 * How many versions one reservation covers, renewed once half are used, so that only a room's first push after a
 * wake, or a burst larger than half of it, waits for its commit before its fan-out. A wake skips at most this many.
 */
const VERSIONS_RESERVED = 1024;

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
  /**
   * Each socket's state while the room is awake: the very object its attachment is written from, so a broadcast
   * reads it without deserializing every socket's attachment for every push. Read from the attachment after a wake.
   */
  private readonly states = new Map<WebSocket, SocketState>();
  /** Undefined until first read after a wake; null while the workspace does not exist. */
  private memory: RoomMemory | null | undefined;
  /**
   * Pushes given their versions, and fanned out where their versions are reserved, but not written yet. Written
   * together in one transaction, so that one commit covers them all, when the runtime has delivered what it had (a
   * zero-delay timer), or at once before anything that reads what they write. The fan-out goes out first: where the
   * commit is a local fsync it holds the thread, and the frames would wait behind it.
   */
  private queued: StoredPush[] = [];
  private queuedChanges = 0;
  /** The version of each change in `queued`, by account and id, so that a retry queued meanwhile keeps it. */
  private readonly unwritten = new Map<string, number>();
  private storeTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * The author tags (authorTag) of the accounts that pushed last, at most MAX_CACHED_AUTHORS: a push needs its
   * account's before it is queued. Every tag is stored in the `authors` table as well, where pages read them, so a
   * page is made without an await between reading and sending, whatever the cache has dropped.
   */
  private readonly authors = new Map<string, string>();
  private storedAuthorsKnown: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(SYNC_PING, SYNC_PONG));
  }

  async initialize(init: WorkspaceInit): Promise<RoomResult<Workspace>> {
    return asRoomResult(() => {
      if (this.known()) throw new ProtocolError('CONFLICT', 'workspace already exists');
      this.ctx.storage.transactionSync(() => {
        this.sql.exec(`CREATE TABLE workspace (
          id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL, owner_id TEXT NOT NULL, join_verifier TEXT)`);
        this.sql.exec('CREATE TABLE members (account_id TEXT PRIMARY KEY, joined_at INTEGER NOT NULL)');
        this.createChangesTable('changes');
        this.sql.exec(
          'CREATE TABLE snapshot (slot INTEGER PRIMARY KEY CHECK (slot = 0), id TEXT NOT NULL, data TEXT NOT NULL, version INTEGER NOT NULL)',
        );
        this.createReservationAndAuthorTables();
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
      const workspace: Workspace = { id: init.id, name: init.name, createdAt: init.createdAt };
      this.memory = { workspace, members: new Set([init.ownerId]), latestVersion: 0, reservedVersion: 0 };
      return workspace;
    });
  }

  /** Adds `accountId` when `joinSecret` hashes to the registered verifier (compared in constant time). */
  async join(accountId: string, joinSecret: string): Promise<RoomResult<Workspace>> {
    const refused = new ProtocolError('JOIN_REFUSED', 'the join secret does not open this workspace');
    const secret = decodeBase64url(joinSecret);
    const row = this.known() ? this.sql.exec<{ join_verifier: string | null }>('SELECT join_verifier FROM workspace').one() : null;
    const verifier = row?.join_verifier ? decodeBase64url(row.join_verifier) : null;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', secret ?? new Uint8Array()));
    const matches = verifier !== null && verifier.byteLength === digest.byteLength && crypto.subtle.timingSafeEqual(digest, verifier);
    return asRoomResult(() => {
      const memory = this.known();
      if (!matches || !memory) throw refused;
      this.sql.exec('INSERT OR IGNORE INTO members VALUES (?, ?)', accountId, Date.now());
      memory.members.add(accountId);
      return memory.workspace;
    });
  }

  /**
   * Ends `accountId`'s membership: its next message gets NOT_FOUND, and its sockets are closed before the next change
   * would reach them. No route calls it yet (members leave an org by key rotation to a new workspace, issue 12); it
   * is the relay's half of removal, and what tests use to remove a member.
   */
  async removeMember(accountId: string): Promise<void> {
    this.sql.exec('DELETE FROM members WHERE account_id = ?', accountId);
    this.known()?.members.delete(accountId);
  }

  async pushChanges(accountId: string, changes: EncryptedChange[]): Promise<RoomResult<PushResult>> {
    return asRoomResult(async () => {
      this.assertMember(accountId);
      const author = await this.authorOf(accountId);
      return new Promise<PushResult>((resolve, reject) =>
        this.queuePush({ accountId, author, changes, sender: null, settle: (result) => (result instanceof Error ? reject(result) : resolve(result)) }),
      );
    });
  }

  async pullChanges(accountId: string, sinceVersion: number, limit: number): Promise<RoomResult<ChangesPage>> {
    return asRoomResult(async () => {
      this.assertMember(accountId);
      await this.knowStoredAuthors();
      this.storeQueued();
      const page = this.page(sinceVersion, limit);
      return { ...page, changes: page.changes.map(asJsonChange) };
    });
  }

  async compact(accountId: string, request: CompactRequest): Promise<RoomResult<CompactResult>> {
    return asRoomResult(() => {
      this.assertMember(accountId);
      this.storeQueued();
      return this.compactUpTo(request);
    });
  }

  override async fetch(request: Request): Promise<Response> {
    const pair = new WebSocketPair();
    const offered = (request.headers.get('sec-websocket-protocol') ?? '').split(',').map((protocol) => protocol.trim());
    const binary = offered.includes(SYNC_BINARY_PROTOCOL);
    const state: SocketState = { accountId: null, tokenExpiresAt: 0, joined: false, nextSeq: 1, openedAt: Date.now(), binary };
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].serializeAttachment(state);
    this.states.set(pair[1], state);
    await this.scheduleHandshakeDeadline(state.openedAt + SOCKET_HANDSHAKE_TIMEOUT_MS);
    const headers: HeadersInit = binary ? { 'sec-websocket-protocol': SYNC_BINARY_PROTOCOL } : {};
    return new Response(null, { status: 101, webSocket: pair[0], headers });
  }

  /** Closes the sockets that have not joined in time, and wakes again for the next one due. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let next: number | null = null;
    for (const ws of this.ctx.getWebSockets()) {
      const state = this.stateOf(ws);
      if (!state || state.joined) continue;
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
    this.states.delete(ws);
    ws.close(closeCodeToEcho(code), 'closing');
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.early.delete(ws);
    this.states.delete(ws);
  }

  private stateOf(ws: WebSocket): SocketState | null {
    let state = this.states.get(ws);
    if (!state) {
      state = (ws.deserializeAttachment() as SocketState | null) ?? undefined;
      if (state) this.states.set(ws, state);
    }
    return state ?? null;
  }

  /** Puts a frame in its socket's order, then handles every message whose turn has come. */
  private async receive(ws: WebSocket, frame: string | ArrayBuffer): Promise<void> {
    // Frames the client sent before it learnt of a refusal: nothing after a refusal is handled.
    const state = this.stateOf(ws);
    if (ws.readyState !== WebSocket.READY_STATE_OPEN || !state) return;
    const bytes = frameByteLength(frame);
    if (bytes > MAX_SYNC_MESSAGE_BYTES) {
      this.refuse(ws, new ProtocolError('PAYLOAD_TOO_LARGE', `message exceeds ${MAX_SYNC_MESSAGE_BYTES} bytes`), CLOSE_CODE.messageTooBig);
      return;
    }
    let envelope: SyncEnvelope;
    try {
      if (typeof frame === 'string') envelope = readSyncEnvelope(frame);
      else if (state.binary) envelope = readBinarySyncEnvelope(frame);
      else throw new ProtocolError('INVALID_INPUT', 'messages must be JSON text');
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
    // Before anything is stored or read, so that nothing comes between reading a page and sending it.
    if (message.type === 'pull') await this.knowStoredAuthors();
    // Answers go out in the order of the requests: a queued push is stored and acknowledged before anything else.
    if (message.type !== 'push') this.storeQueued();
    switch (message.type) {
      case 'auth': {
        const verified = await verifyTokenClaims(message.token, this.env.JWT_SECRET);
        // A socket joined as one account must not stay joined as another: it joins again, as that one.
        if (state.accountId !== verified.accountId) state.joined = false;
        state.accountId = verified.accountId;
        state.tokenExpiresAt = verified.expiresAt;
        ws.serializeAttachment(state);
        send(ws, { type: 'auth-ok', accountId: state.accountId });
        return;
      }
      case 'join': {
        if (!state.accountId) throw new ProtocolError('UNAUTHORIZED', 'send auth before join');
        const memory = this.known();
        if (!memory || memory.workspace.id !== message.workspaceId || !memory.members.has(state.accountId)) {
          throw new ProtocolError('NOT_FOUND', 'workspace not found');
        }
        state.joined = true;
        ws.serializeAttachment(state);
        send(ws, { type: 'joined', workspaceId: memory.workspace.id, latestVersion: memory.latestVersion });
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
      case 'push': {
        const accountId = state.accountId;
        const author = await this.authorOf(accountId);
        this.queuePush({
          accountId,
          author,
          changes: message.changes,
          sender: ws,
          settle: (result) => {
            if (result instanceof Error) this.sendError(ws, new ProtocolError('INTERNAL', 'the changes could not be stored: push them again'));
            else send(ws, { type: 'ack', ...result });
          },
        });
        return;
      }
      case 'pull':
        sendPage(ws, state, this.page(message.sinceVersion, Number.MAX_SAFE_INTEGER));
        return;
      case 'compact':
        send(ws, { type: 'compacted', ...this.compactUpTo(message) });
        return;
    }
  }

  /**
   * Gives the push's changes their versions and, when those are reserved (RoomMemory.reservedVersion), fans them out
   * at once, before their write, held only behind commits already under way; then queues the push for the next
   * write. Ids are the pushing account's own: a re-pushed id keeps its original version, and another account's change
   * under the same id is another change. A change fanned out and then lost in a crash is pushed again by its sender,
   * whose outbox keeps it until acknowledged, and Yjs applies it twice as once.
   */
  private queuePush(push: QueuedPush): void {
    const memory = this.known()!;
    const entry = this.versionsOf(push, memory);
    entry.fannedOut = entry.latest <= memory.reservedVersion;
    if (entry.fannedOut && entry.fresh.length > 0) this.broadcast(entry.fresh, push.sender, entry.latest, memory);
    this.queued.push(entry);
    this.queuedChanges += push.changes.length;
    if (this.queuedChanges >= MAX_QUEUED_CHANGES) this.storeQueued();
    else this.storeTimer ??= setTimeout(() => this.storeQueued(), 0);
  }

  /**
   * Writes every queued push in one transaction, one INSERT per new change, then acknowledges each and fans out what
   * was not fanned out before. Acks go out after the transaction, and the output gate holds them until its commit is
   * durable: an ack is the promise that the change survives a crash. A transaction that fails stores none of them,
   * and every push in it is told to push again; its versions are not handed out again.
   */
  private storeQueued(): void {
    if (this.storeTimer) clearTimeout(this.storeTimer);
    this.storeTimer = null;
    const entries = this.queued;
    if (entries.length === 0) return;
    this.queued = [];
    this.queuedChanges = 0;
    this.unwritten.clear();
    const memory = this.known()!;
    const latest = memory.latestVersion;
    const reservation = latest + VERSIONS_RESERVED / 2 > memory.reservedVersion ? latest + VERSIONS_RESERVED : null;
    try {
      this.ctx.storage.transactionSync(() => {
        for (const { push, fresh } of entries) {
          for (const change of fresh) {
            this.sql.exec('INSERT INTO changes (version, account_id, id, data) VALUES (?, ?, ?, ?)', change.version, push.accountId, change.id, change.data);
          }
        }
        if (reservation !== null) this.sql.exec('INSERT OR REPLACE INTO version_reservation VALUES (0, ?)', reservation);
      });
    } catch (err) {
      for (const { push } of entries) push.settle(err as Error);
      return;
    }
    if (reservation !== null) memory.reservedVersion = reservation;
    for (const { push, result, fresh, latest: last, fannedOut } of entries) {
      push.settle(result);
      if (!fannedOut && fresh.length > 0) this.broadcast(fresh, push.sender, last, memory);
    }
  }

  /** The version of each of a push's changes, read without writing: a retry keeps its version, a new one gets the next. */
  private versionsOf(push: QueuedPush, memory: RoomMemory): StoredPush {
    const fresh: RoomChange[] = [];
    const versions = push.changes.map((change) => {
      const key = `${push.accountId}\n${change.id}`;
      const known =
        this.unwritten.get(key) ??
        this.sql.exec<{ version: number }>('SELECT version FROM changes WHERE account_id = ? AND id = ?', push.accountId, change.id).toArray()[0]?.version;
      if (known !== undefined) return known;
      const version = ++memory.latestVersion;
      this.unwritten.set(key, version);
      fresh.push({ id: change.id, data: 'bytes' in change ? bytesOf(change.bytes) : change.encryptedData, version, author: push.author });
      return version;
    });
    return { push, fresh, latest: memory.latestVersion, fannedOut: false, result: { ids: push.changes.map((change) => change.id), versions } };
  }

  /** Sends new changes to every joined socket but their sender's, checking each one's token and membership first. */
  private broadcast(changes: RoomChange[], sender: WebSocket | null, latestVersion: number, memory: RoomMemory): void {
    // Each form is made once, and only if some socket wants it.
    let text: string | undefined;
    let frame: Uint8Array | undefined;
    const page: RoomPage = { changes, latestVersion, more: false };
    const now = Date.now();
    for (const socket of this.ctx.getWebSockets()) {
      if (socket === sender) continue;
      const state = this.stateOf(socket);
      if (!state?.joined) continue;
      if (now >= state.tokenExpiresAt) {
        this.sendError(socket, this.expire(socket, state));
        socket.close(CLOSE_CODE.policyViolation, 'UNAUTHORIZED');
      } else if (!state.accountId || !memory.members.has(state.accountId)) {
        // Removed while its socket was open: it sees nothing written after the removal.
        this.refuse(socket, new ProtocolError('NOT_FOUND', 'workspace not found'), CLOSE_CODE.policyViolation);
      } else if (state.binary) safeSend(socket, (frame ??= binaryPage(page)));
      else safeSend(socket, (text ??= jsonPage(page)));
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
  private page(sinceVersion: number, limit: number): RoomPage {
    const page: RoomChange[] = [];
    let bytes = 0;
    let from = sinceVersion;
    const snapshot = this.sql.exec<{ id: string; data: string; version: number }>('SELECT id, data, version FROM snapshot').toArray()[0];
    if (snapshot && sinceVersion < snapshot.version) {
      page.push({ id: snapshot.id, data: snapshot.data, version: snapshot.version, snapshot: true });
      bytes += snapshot.data.length;
      from = snapshot.version;
    }
    let more = false;
    const rows = this.sql.exec<{ id: string; data: string | ArrayBuffer; version: number; author: string | null }>(
      'SELECT id, data, version, tag AS author FROM changes LEFT JOIN authors USING (account_id) WHERE version > ? ORDER BY version',
      from,
    );
    for (const { author, ...row } of rows) {
      // Counted as JSON would carry it, so that a page fits a message in either form.
      const size = base64urlLength(row.data) + row.id.length + 64;
      if (page.length >= limit || (page.length > 0 && bytes + size > PAGE_BYTE_BUDGET)) {
        more = true;
        break;
      }
      // knowStoredAuthors and the push path store every tag first, so this is a bug, not input.
      if (author === null) throw new Error('a stored change has an author not worked out');
      page.push({ ...row, author });
      bytes += size;
    }
    return { changes: page, latestVersion: this.known()!.latestVersion, more };
  }

  private compactUpTo({ snapshot, upToVersion }: CompactRequest): CompactResult {
    const current = this.sql.exec<{ id: string; version: number }>('SELECT id, version FROM snapshot').toArray()[0];
    if (current?.id === snapshot.id && current.version === upToVersion) return { upToVersion };
    if (upToVersion > this.known()!.latestVersion) {
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

  /** The room's memory, read from SQLite on first use after a wake (and brought to the current schema). */
  private known(): RoomMemory | null {
    if (this.memory !== undefined) return this.memory;
    const exists = this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'workspace'").toArray().length > 0;
    if (!exists) return null;
    this.scopeChangeIdsByAccount();
    this.createReservationAndAuthorTables();
    const row = this.sql.exec<{ id: string; name: string; created_at: number }>('SELECT id, name, created_at FROM workspace').one();
    const members = this.sql.exec<{ account_id: string }>('SELECT account_id FROM members').toArray();
    const { latest } = this.sql
      .exec<{ latest: number }>(
        `SELECT MAX(COALESCE((SELECT MAX(version) FROM changes), 0), COALESCE((SELECT version FROM snapshot), 0),
          COALESCE((SELECT up_to FROM version_reservation), 0)) AS latest`,
      )
      .one();
    // Versions up to the last reservation may have been fanned out and lost in a crash: the room starts past them.
    this.memory = {
      workspace: { id: row.id, name: row.name, createdAt: row.created_at },
      members: new Set(members.map((member) => member.account_id)),
      latestVersion: latest,
      reservedVersion: latest,
    };
    return this.memory;
  }

  /**
   * Change ids are unique per account, so that no account can take another's next id (issue 15). Versions are
   * handed out by the room, never reused: the next is one more than the highest stored or compacted.
   */
  private createChangesTable(name: string): void {
    this.sql.exec(`CREATE TABLE ${name} (
      version INTEGER PRIMARY KEY, account_id TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (account_id, id))`);
  }

  /**
   * Rooms made before versions were reserved, or tags stored, get these tables on their first wake after. Looked up
   * first: a CREATE, even one that creates nothing, is a write, which holds the room's output behind a commit.
   */
  private createReservationAndAuthorTables(): void {
    const tables = new Set(
      this.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('version_reservation', 'authors')").toArray().map((row) => row.name),
    );
    if (!tables.has('version_reservation')) this.sql.exec('CREATE TABLE version_reservation (slot INTEGER PRIMARY KEY CHECK (slot = 0), up_to INTEGER NOT NULL)');
    if (!tables.has('authors')) this.sql.exec('CREATE TABLE authors (account_id TEXT PRIMARY KEY, tag TEXT NOT NULL)');
  }

  /**
   * Rooms made before ids were scoped keep their changes, under no account: a change pushed again from then is
   * stored once more, which Yjs applies as a no-op.
   */
  private scopeChangeIdsByAccount(): void {
    const scoped = this.sql.exec("SELECT 1 FROM pragma_table_info('changes') WHERE name = 'account_id'").toArray().length > 0;
    if (scoped) return;
    this.ctx.storage.transactionSync(() => {
      this.createChangesTable('changes_by_account');
      this.sql.exec("INSERT INTO changes_by_account (version, account_id, id, data) SELECT version, '', id, data FROM changes");
      this.sql.exec('DROP TABLE changes');
      this.sql.exec('ALTER TABLE changes_by_account RENAME TO changes');
    });
  }

  /** The account's tag: from memory, else from the `authors` table, else worked out and stored there. */
  private async authorOf(accountId: string): Promise<string> {
    let author =
      this.authors.get(accountId) ?? this.sql.exec<{ tag: string }>('SELECT tag FROM authors WHERE account_id = ?', accountId).toArray()[0]?.tag;
    if (author === undefined) {
      author = await authorTag(this.known()!.workspace.id, accountId);
      this.sql.exec('INSERT OR IGNORE INTO authors VALUES (?, ?)', accountId, author);
    }
    // Most recent last, so that the first is the one to drop.
    this.authors.delete(accountId);
    this.authors.set(accountId, author);
    if (this.authors.size > MAX_CACHED_AUTHORS) this.authors.delete(this.authors.keys().next().value!);
    return author;
  }

  /** Works out, once per wake, the tag of every account with a change stored before tags were (rooms made before). */
  private knowStoredAuthors(): Promise<void> {
    this.storedAuthorsKnown ??= (async () => {
      const accounts = this.sql
        .exec<{ account_id: string }>('SELECT DISTINCT account_id FROM changes WHERE account_id NOT IN (SELECT account_id FROM authors)')
        .toArray();
      await Promise.all(accounts.map((account) => this.authorOf(account.account_id)));
    })();
    return this.storedAuthorsKnown;
  }

  /** Non-members get the same answer as for a workspace that does not exist. */
  private assertMember(accountId: string): void {
    if (!this.known()?.members.has(accountId)) throw new ProtocolError('NOT_FOUND', 'workspace not found');
  }

  private sendError(ws: WebSocket, error: ProtocolError): void {
    safeSend(ws, JSON.stringify({ type: 'error', code: error.code, message: error.message } satisfies SyncServerMessage));
  }
}

function send(ws: WebSocket, message: SyncServerMessage): void {
  safeSend(ws, JSON.stringify(message));
}

function sendPage(ws: WebSocket, state: SocketState, page: RoomPage): void {
  safeSend(ws, state.binary ? binaryPage(page) : jsonPage(page));
}

function jsonPage(page: RoomPage): string {
  return JSON.stringify({ type: 'changes', ...page, changes: page.changes.map(asJsonChange) } satisfies SyncServerMessage);
}

function binaryPage(page: RoomPage): Uint8Array {
  return encodeChangesFrame(page.changes.map(asRawChange), page.latestVersion, page.more);
}

function asJsonChange({ id, version, data, snapshot, author }: RoomChange): StoredChange {
  const encryptedData = typeof data === 'string' ? data : encodeBase64url(new Uint8Array(data));
  if (snapshot) return { id, encryptedData, version, snapshot };
  return author === undefined ? { id, encryptedData, version } : { id, encryptedData, version, author };
}

/** Text that is not base64url (the server never checked more than its alphabet) travels as its own bytes. */
function asRawChange({ id, version, data, snapshot, author }: RoomChange): StoredRawChange {
  const bytes = typeof data === 'string' ? (decodeBase64url(data) ?? new TextEncoder().encode(data)) : new Uint8Array(data);
  if (snapshot) return { id, bytes, version, snapshot };
  return author === undefined ? { id, bytes, version } : { id, bytes, version, author };
}

/**
 * Who pushed a change, as readers see it: the first 16 bytes of SHA-256(workspace id ':' account id), base64url,
 * so that readers can keep one account's parts apart from another's without learning account ids or matching them
 * across workspaces. Changes stored before ids were scoped have no account ('').
 */
async function authorTag(workspaceId: string, accountId: string): Promise<string> {
  if (accountId === '') return LEGACY_AUTHOR;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${workspaceId}:${accountId}`));
  return encodeBase64url(new Uint8Array(digest, 0, 16));
}

/** A frame's bytes as SQLite stores a BLOB: a buffer of their own, not a view into the frame. */
function bytesOf(view: Uint8Array): ArrayBuffer {
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer;
}

function base64urlLength(data: string | ArrayBuffer): number {
  return typeof data === 'string' ? data.length : Math.ceil((data.byteLength * 4) / 3);
}
