import * as Y from 'yjs';
import { ObservableV2 } from 'lib0/observable';
import {
  MAX_CHANGE_BYTES,
  MAX_SYNC_MESSAGE_BYTES,
  SYNC_PING,
  decodeBase64url,
  encodeBase64url,
  type ChangesPage,
  type EncryptedChange,
  type StoredChange,
  type SyncServerMessage,
} from '#protocol';
import { backoffDelay } from './backoff.ts';
import { RelayApiError, type RelayApi } from './relay-api.ts';
import { joinParts, splitIntoParts } from './relay-parts.ts';
import type { OutboxEntry, RelayOutbox } from './relay-outbox.ts';

/** Encrypts and decrypts relay blobs; bound to one org and one workspace by the caller. */
export interface RelayCipher {
  seal(plaintext: Uint8Array): Promise<Uint8Array>;
  open(sealed: Uint8Array): Promise<Uint8Array>;
}

export interface RelayStatus {
  /** `websocket` when live, `polling` while the socket cannot connect, `offline` when neither works. */
  transport: 'websocket' | 'polling' | 'offline' | 'stopped';
  /** Local changes not yet acknowledged by the relay. */
  pending: number;
  /** The last time the relay confirmed this device is up to date (ms since the epoch). */
  lastSyncedAt: number | null;
  lastError: string | null;
}

export interface RelayClientOptions {
  api: RelayApi;
  workspaceId: string;
  /** A valid token for the signed-in account; called again after the relay refuses an expired one. */
  getToken(): Promise<string>;
  cipher: RelayCipher;
  outbox: RelayOutbox;
  /** Which document updates to send. Default: updates made by this device's own code (no provider origin). */
  shouldRelay?(origin: unknown): boolean;
  WebSocket?: typeof WebSocket;
  pollIntervalMs?: number;
  /** Compact the workspace after this many changes read or written since the last compaction. */
  compactAfter?: number;
}

export interface RelayEvents {
  status: (status: RelayStatus) => void;
  /** A blob that failed to decrypt or verify: skipped, never applied. */
  'undecryptable-change': (change: { id: string; version: number; reason: string }) => void;
}

// Ciphertexts grow by a third in base64url; leave room for the JSON around them.
const PUSH_BUDGET_BYTES = MAX_SYNC_MESSAGE_BYTES - 64 * 1024;
/** Outbox entries merged into one change before encryption (Y.mergeUpdates keeps it one valid update). */
const MERGE_BUDGET_BYTES = 128 * 1024;
/** After this many failed socket attempts in a row, poll over REST while the socket keeps retrying. */
const SOCKET_FAILURES_BEFORE_POLLING = 2;
const KEEPALIVE_MS = 25_000;
const LAST_VERSION = 'lastVersion';
const DEVICE_ID = 'deviceId';
const CHANGES_SINCE_COMPACTION = 'changesSinceCompaction';

/**
 * Keeps one org document in step with its relay workspace. Local updates go to an IndexedDB outbox first, then
 * are encrypted and pushed (WebSocket, or REST when the socket cannot connect) until acknowledged; remote changes
 * are pulled from the last version read, decrypted and applied. Re-pushes are idempotent: a change's id is derived
 * from the outbox entries it carries.
 */
export class RelayClient extends ObservableV2<RelayEvents> {
  readonly status: RelayStatus = { transport: 'offline', pending: 0, lastSyncedAt: null, lastError: null };
  private readonly options: Required<Omit<RelayClientOptions, 'WebSocket'>> & { WebSocket: typeof WebSocket };
  private socket: WebSocket | null = null;
  private joined = false;
  private stopped = true;
  private socketFailures = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private keepaliveTimer: ReturnType<typeof setInterval> | null = null;
  private lastVersion = 0;
  private deviceId = '';
  private changesSinceCompaction = 0;
  /** Serialises everything that touches the outbox, the document and the read position. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Parts of a change whose other parts have not arrived yet. */
  private readonly partial = new Map<string, StoredChange[]>();
  private pendingAck: { ids: Set<string>; resolve: () => void; reject: (err: Error) => void } | null = null;
  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this || !this.options.shouldRelay(origin)) return;
    void this.serially(async () => {
      await this.options.outbox.add(update);
      await this.refreshPending();
    }).then(() => this.scheduleFlush());
  };

  constructor(
    readonly doc: Y.Doc,
    options: RelayClientOptions,
  ) {
    super();
    this.options = {
      shouldRelay: (origin) => origin === null || origin === undefined || typeof origin === 'string',
      WebSocket: globalThis.WebSocket,
      pollIntervalMs: 5_000,
      compactAfter: 500,
      ...options,
    };
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    const { outbox } = this.options;
    this.lastVersion = (await outbox.getState<number>(LAST_VERSION)) ?? 0;
    this.changesSinceCompaction = (await outbox.getState<number>(CHANGES_SINCE_COMPACTION)) ?? 0;
    this.deviceId = (await outbox.getState<string>(DEVICE_ID)) ?? encodeBase64url(crypto.getRandomValues(new Uint8Array(9)));
    await outbox.setState(DEVICE_ID, this.deviceId);
    await this.refreshPending();
    this.doc.on('update', this.onUpdate);
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.doc.off('update', this.onUpdate);
    this.clearTimers();
    this.socket?.close(1000, 'stopped');
    this.socket = null;
    this.joined = false;
    this.pendingAck?.reject(new Error('stopped'));
    await this.queue.catch(() => undefined);
    this.setStatus({ transport: 'stopped' });
  }

  /** Pushes the outbox now (over the socket when joined, else over REST) and resolves once acknowledged. */
  flush(): Promise<void> {
    return this.serially(() => this.pushOutbox());
  }

  /** Pulls everything new over REST and applies it. */
  pull(): Promise<void> {
    return this.serially(() => this.pullOverRest());
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new this.options.WebSocket(this.options.api.syncSocketUrl(this.options.workspaceId));
    this.socket = socket;
    let opened = false;
    socket.onopen = async () => {
      opened = true;
      try {
        const token = await this.options.getToken();
        socket.send(JSON.stringify({ type: 'auth', token }));
        socket.send(JSON.stringify({ type: 'join', workspaceId: this.options.workspaceId }));
      } catch (err) {
        this.setStatus({ lastError: `cannot sign in to the relay: ${(err as Error).message}` });
        socket.close();
      }
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as SyncServerMessage | { type: 'pong' };
      // Acks and errors settle a push that is waiting inside the queue, so they must not wait behind it.
      if (message.type === 'ack' || message.type === 'error') return this.onSocketReply(message);
      void this.serially(() => this.onSocketMessage(message)).catch((err: Error) => this.setStatus({ lastError: err.message }));
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.joined = false;
      this.pendingAck?.reject(new Error('connection closed before the relay acknowledged'));
      if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
      if (this.stopped) return;
      this.socketFailures = opened ? 1 : this.socketFailures + 1;
      if (this.socketFailures >= SOCKET_FAILURES_BEFORE_POLLING) this.startPolling();
      else this.setStatus({ transport: 'offline' });
      this.reconnectTimer = setTimeout(() => this.connect(), backoffDelay(this.socketFailures - 1));
    };
  }

  private async onSocketMessage(message: SyncServerMessage | { type: 'pong' }): Promise<void> {
    switch (message.type) {
      case 'joined':
        this.joined = true;
        this.socketFailures = 0;
        this.stopPolling();
        this.setStatus({ transport: 'websocket', lastError: null });
        this.keepaliveTimer = setInterval(() => this.socket?.send(SYNC_PING), KEEPALIVE_MS);
        this.socket?.send(JSON.stringify({ type: 'pull', sinceVersion: this.lastVersion }));
        return;
      case 'changes':
        await this.applyChanges(message);
        if (message.more) {
          this.socket?.send(JSON.stringify({ type: 'pull', sinceVersion: this.lastVersion }));
        } else {
          this.setStatus({ lastSyncedAt: Date.now() });
          this.scheduleFlush();
          this.scheduleCompaction();
        }
        return;
      default:
        return;
    }
  }

  private onSocketReply(message: Extract<SyncServerMessage, { type: 'ack' | 'error' }>): void {
    if (message.type === 'ack') {
      if (this.pendingAck && message.ids.every((id) => this.pendingAck!.ids.has(id))) this.pendingAck.resolve();
      return;
    }
    const description = `${message.code}: ${message.message}`;
    this.setStatus({ lastError: description });
    this.pendingAck?.reject(new Error(description));
    if (!this.joined) this.socket?.close();
  }

  private scheduleFlush(): void {
    void this.serially(() => this.pushOutbox()).catch((err: Error) => this.setStatus({ lastError: err.message }));
  }

  /** Sends the outbox in batches that respect the relay's limits; each batch is removed once acknowledged. */
  private async pushOutbox(): Promise<void> {
    for (;;) {
      const entries = await this.options.outbox.list();
      if (entries.length === 0) break;
      const batch = await this.nextBatch(entries);
      if (this.joined && this.socket) await this.pushOverSocket(batch.changes);
      else await this.pushOverRest(batch.changes);
      await this.options.outbox.acknowledge(batch.lastSeq);
      await this.countTowardsCompaction(batch.changes.length);
      await this.refreshPending();
    }
    this.setStatus({ lastSyncedAt: Date.now() });
  }

  /** Merges leading outbox entries into one update, encrypts it, and splits the ciphertext if it is large. */
  private async nextBatch(entries: OutboxEntry[]): Promise<{ changes: EncryptedChange[]; lastSeq: number }> {
    const taken: OutboxEntry[] = [];
    let size = 0;
    for (const entry of entries) {
      if (taken.length > 0 && size + entry.update.byteLength > MERGE_BUDGET_BYTES) break;
      taken.push(entry);
      size += entry.update.byteLength;
    }
    const first = taken[0]!;
    const last = taken.at(-1)!;
    const update = taken.length === 1 ? first.update : Y.mergeUpdates(taken.map((entry) => entry.update));
    const sealed = encodeBase64url(await this.options.cipher.seal(update));
    const id = `${this.deviceId}-${first.seq}-${last.seq}`;
    const changes = splitIntoParts(id, sealed, MAX_CHANGE_BYTES);
    return { changes, lastSeq: last.seq };
  }

  private async pushOverSocket(changes: EncryptedChange[]): Promise<void> {
    for (const group of groupByBytes(changes, PUSH_BUDGET_BYTES)) {
      const acknowledged = new Promise<void>((resolve, reject) => {
        this.pendingAck = { ids: new Set(group.map((change) => change.id)), resolve, reject };
      });
      this.socket!.send(JSON.stringify({ type: 'push', changes: group }));
      await acknowledged.finally(() => (this.pendingAck = null));
    }
  }

  private async pushOverRest(changes: EncryptedChange[]): Promise<void> {
    const token = await this.options.getToken();
    for (const group of groupByBytes(changes, PUSH_BUDGET_BYTES)) {
      await this.options.api.pushChanges(token, this.options.workspaceId, group);
    }
  }

  private async pullOverRest(): Promise<void> {
    const token = await this.options.getToken();
    for (;;) {
      const page = await this.options.api.pullChanges(token, this.options.workspaceId, this.lastVersion);
      await this.applyChanges(page);
      if (!page.more) break;
    }
    this.setStatus({ lastSyncedAt: Date.now() });
  }

  /** Applies a page in order; a change that cannot be decrypted is reported and skipped. */
  private async applyChanges(page: ChangesPage): Promise<void> {
    let readUpTo = this.lastVersion;
    for (const change of page.changes) {
      readUpTo = Math.max(readUpTo, change.version);
      const whole = joinParts(change, this.partial);
      if (!whole) continue;
      try {
        const sealed = decodeBase64url(whole.encryptedData);
        if (!sealed) throw new Error('not base64url');
        Y.applyUpdate(this.doc, await this.options.cipher.open(sealed), this);
      } catch (err) {
        this.emit('undecryptable-change', [{ id: whole.id, version: whole.version, reason: (err as Error).message }]);
        this.setStatus({ lastError: `skipped change ${whole.id}: ${(err as Error).message}` });
      }
      if (change.snapshot) this.changesSinceCompaction = 0;
    }
    // Never read past a change whose parts are still incomplete: after a reload it must be fetched again.
    const waiting = [...this.partial.values()].flat().map((part) => part.version);
    this.lastVersion = waiting.length > 0 ? Math.min(readUpTo, Math.min(...waiting) - 1) : readUpTo;
    await this.options.outbox.setState(LAST_VERSION, this.lastVersion);
    await this.countTowardsCompaction(page.changes.length);
  }

  private async countTowardsCompaction(changes: number): Promise<void> {
    this.changesSinceCompaction += changes;
    await this.options.outbox.setState(CHANGES_SINCE_COMPACTION, this.changesSinceCompaction);
  }

  /**
   * Replaces the workspace's history with an encrypted snapshot of the document once it has grown. Any member may
   * do it; a member that loses the race gets CONFLICT, which is harmless.
   */
  private scheduleCompaction(): void {
    if (this.changesSinceCompaction < this.options.compactAfter) return;
    void this.serially(async () => {
      if ((await this.options.outbox.count()) > 0 || this.lastVersion === 0) return;
      const sealed = encodeBase64url(await this.options.cipher.seal(Y.encodeStateAsUpdate(this.doc)));
      // Snapshots are single changes; a document too large for one is left uncompacted (docs/security.md).
      if (sealed.length > MAX_CHANGE_BYTES) return;
      const snapshot = { id: `${this.deviceId}-snapshot-${this.lastVersion}`, encryptedData: sealed };
      try {
        await this.options.api.compact(await this.options.getToken(), this.options.workspaceId, { snapshot, upToVersion: this.lastVersion });
      } catch (err) {
        if (!(err instanceof RelayApiError && err.code === 'CONFLICT')) throw err;
      }
      this.changesSinceCompaction = 0;
      await this.options.outbox.setState(CHANGES_SINCE_COMPACTION, 0);
    }).catch((err: Error) => this.setStatus({ lastError: `compaction failed: ${err.message}` }));
  }

  private startPolling(): void {
    this.setStatus({ transport: 'polling' });
    if (this.pollTimer) return;
    const poll = () =>
      this.serially(async () => {
        await this.pullOverRest();
        await this.pushOutbox();
      }).then(
        () => this.setStatus({ transport: this.joined ? 'websocket' : 'polling', lastError: null }),
        (err: Error) => this.setStatus({ transport: 'offline', lastError: err.message }),
      );
    void poll();
    this.pollTimer = setInterval(poll, this.options.pollIntervalMs);
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private clearTimers(): void {
    this.stopPolling();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.reconnectTimer = null;
    this.keepaliveTimer = null;
  }

  private async refreshPending(): Promise<void> {
    this.setStatus({ pending: await this.options.outbox.count() });
  }

  private setStatus(patch: Partial<RelayStatus>): void {
    Object.assign(this.status, patch);
    this.emit('status', [{ ...this.status }]);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function groupByBytes(changes: EncryptedChange[], budget: number): EncryptedChange[][] {
  const groups: EncryptedChange[][] = [];
  let current: EncryptedChange[] = [];
  let size = 0;
  for (const change of changes) {
    const bytes = change.encryptedData.length + change.id.length + 32;
    if (current.length > 0 && size + bytes > budget) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(change);
    size += bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
