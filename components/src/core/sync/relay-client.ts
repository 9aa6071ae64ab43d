import * as Y from 'yjs';
import { ObservableV2 } from 'lib0/observable';
import {
  MAX_CHANGE_BYTES,
  MAX_CHANGES_PER_PUSH,
  MAX_PULL_LIMIT,
  MAX_SYNC_MESSAGE_BYTES,
  SYNC_PING,
  decodeBase64url,
  encodeBase64url,
  type EncryptedChange,
  type PushResult,
  type StoredChange,
  type SyncRequest,
} from '#protocol';
import type { BoundCipher } from '../crypto/aead.ts';
import { RECONNECT_BACKOFF, backoffDelay, type BackoffPolicy } from './backoff.ts';
import { RelayApiError, type RelayApi } from './relay-api.ts';
import type { RelayBatch, RelayEnvelope, RelaySnapshot } from './relay-envelope.ts';
import { RelayIntegrity, type IntegrityReport, type IntegrityState } from './relay-integrity.ts';
import { PartJoiner, splitIntoParts } from './relay-parts.ts';
import { EnvelopeRefused, type RelayEnvelopeSigning } from './relay-signatures.ts';
import type { PushBatch, RelayOutbox } from './relay-outbox.ts';
import { decodeSyncMessage, encodeSyncRequest, isBinary, openSyncSocket, type SyncSocketMessage } from './sync-socket-codec.ts';

export interface RelayStatus {
  /** `websocket` when live, `polling` while the socket cannot connect, `offline` when neither works. */
  transport: 'websocket' | 'polling' | 'offline' | 'stopped';
  /** Local changes not yet acknowledged by the relay. */
  pending: number;
  /** The last time the relay confirmed this device is up to date (ms since the epoch). */
  lastSyncedAt: number | null;
  lastError: string | null;
  /** What this device caught the relay doing that an honest relay never does: for the user to see (relay-integrity.ts). */
  integrity: IntegrityReport[];
}

export interface RelayClientOptions {
  api: RelayApi;
  workspaceId: string;
  /** A valid token for the signed-in account; asked for before every request and every connection. */
  getToken(): Promise<string>;
  /** `bindCipher(relayKey, { orgId, purpose: 'relay-update', scope: workspaceId })`, as `openRelayWorkspace` returns it. */
  cipher: BoundCipher;
  /** Signs this device's envelopes and checks everyone's (relay-signatures.ts), for the same workspace. */
  signing: RelayEnvelopeSigning;
  outbox: RelayOutbox;
  /** Which document updates to send. Default: updates made by this device's own code (no provider origin). */
  shouldRelay?(origin: unknown): boolean;
  /** Defaults to the global WebSocket (browsers); Node passes `ws`'s. */
  WebSocket?: typeof WebSocket;
  pollIntervalMs?: number;
  reconnectBackoff?: BackoffPolicy;
  /** Compact the workspace after this many changes read or written since the last compaction. */
  compactAfter?: number;
  /**
   * How long a change's missing parts, a change that cannot be opened or a gap in a device's sequence are waited
   * for before they are reported as given up and stop holding back the read position and compaction.
   */
  waitLimitMs?: number;
}

export interface RelayEvents {
  status: (status: RelayStatus) => void;
  /** A blob that failed to decrypt, verify or apply: skipped, never applied. */
  'undecryptable-change': (change: { id: string; version: number; reason: string }) => void;
  /**
   * Changes signed by these devices were accepted within LIVE_WINDOW_MS of the relay storing them: the devices were
   * at work a moment ago. Changes read long after they were written (a backlog, a reread) are not told: neither the
   * envelope nor the relay says when they were written, and the time they arrived says nothing of it.
   */
  'signers-seen': (signers: string[]) => void;
}

// Ciphertexts grow by a third in base64url; leave room for the JSON around them.
const PUSH_BUDGET_BYTES = MAX_SYNC_MESSAGE_BYTES - 64 * 1024;
/** Outbox entries merged into one change before encryption (Y.mergeUpdates keeps it one valid update). */
const MERGE_BUDGET_BYTES = 128 * 1024;
/** Bounds how many outbox entries one batch reads; the byte budget usually stops it first. */
const MAX_ENTRIES_PER_BATCH = 1000;
/** After this many failed socket attempts in a row, poll over REST while the socket keeps retrying. */
const SOCKET_FAILURES_BEFORE_POLLING = 2;
/** Long enough for a device that has a change's other parts, or a newer app that can open it, to come back online. */
const WAIT_LIMIT_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * A change read from the relay less than this after this device last read everything the relay held was stored in
 * that interval: the time it arrives is then the time it was written, give or take this much. Above the polling
 * interval, so that a device that polls reads its changes as live.
 */
const LIVE_WINDOW_MS = 2 * 60_000;
/** Below Cloudflare's idle timeout for WebSockets (100 s); two silent intervals mean the connection is dead. */
const KEEPALIVE_MS = 25_000;

const READ_VERSION = 'lastVersion';
const DEVICE_ID = 'deviceId';
const CHANGES_SINCE_COMPACTION = 'changesSinceCompaction';
const INTEGRITY = 'integrity';
/** The document's Yjs snapshot (state vector and delete set) when the client last stopped or started. */
const DOCUMENT_STATE = 'documentState';

/** One WebSocket connection and how far it got. */
interface Connection {
  socket: WebSocket;
  /** The `seq` of the last message sent: the relay handles a socket's messages in this order, whatever the network does. */
  sentSeq: number;
  joined: boolean;
  /**
   * True once everything stored before the join has been pulled. From then on the relay sends this socket every
   * other device's change in version order, so each broadcast may move the read position forward.
   */
  caughtUp: boolean;
  lastHeardAt: number;
  keepalive: ReturnType<typeof setInterval> | null;
}

/** An opened blob's envelope and the device that signed it. */
interface OpenedEnvelope {
  signer: string;
  envelope: RelayBatch | RelaySnapshot;
}

interface PendingAck {
  resolve(result: PushResult): void;
  reject(err: Error): void;
}

/**
 * Keeps one org document in step with its relay workspace. Local updates go to an IndexedDB outbox first, then
 * are encrypted and pushed (WebSocket, or REST when the socket cannot connect) until acknowledged; remote changes
 * are pulled from the last version read, decrypted and applied. A batch is recorded before it is sent, so a retry,
 * even after a reload, sends the same ids and bytes and the relay stores it once.
 *
 * Start it once the document has loaded from IndexedDB: whatever the document holds that the relay may lack
 * (edits made while the client was stopped, or everything, the first time) is queued on start.
 */
export class RelayClient extends ObservableV2<RelayEvents> {
  private readonly current: RelayStatus = { transport: 'stopped', pending: 0, lastSyncedAt: null, lastError: null, integrity: [] };
  private readonly options: Required<RelayClientOptions>;
  private connection: Connection | null = null;
  private stopped = true;
  private socketFailures = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  /** Every version up to this one has been applied (or was this device's own). */
  private readVersion = 0;
  /** When this device last held everything the relay held (a pull that ended, a message on a caught-up socket); null until it has. */
  private currentAt: number | null = null;
  /** `readVersion`, held back below changes whose parts are still incomplete: where a reload resumes. */
  private safeVersion = 0;
  private deviceId = '';
  private changesSinceCompaction = 0;
  private integrity = RelayIntegrity.restore(undefined);
  /** Set when a batch reveals a gap: the relay is read again from the start once, in case it was only late. */
  private rereadWanted = false;
  /** Serialises everything that touches the outbox, the document and the read position. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Parts of changes not read whole yet. */
  private readonly parts = new PartJoiner();
  private pendingAck: PendingAck | null = null;

  private readonly onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this || !this.options.shouldRelay(origin)) return;
    void this.serially(async () => {
      await this.options.outbox.add(update);
      await this.refreshPending();
      // Without a transport the outbox waits: joining or the next poll pushes it.
      if (this.connection?.joined || this.pollTimer) {
        await this.pushOutbox();
        await this.maybeCompact();
      }
    }).catch((err: Error) => this.setStatus({ lastError: err.message }));
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
      reconnectBackoff: RECONNECT_BACKOFF,
      compactAfter: 500,
      waitLimitMs: WAIT_LIMIT_MS,
      ...options,
    };
  }

  get status(): RelayStatus {
    return { ...this.current, integrity: [...this.current.integrity] };
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.socketFailures = 0;
    await this.serially(async () => {
      const { outbox } = this.options;
      this.readVersion = this.safeVersion = (await outbox.getState<number>(READ_VERSION)) ?? 0;
      this.changesSinceCompaction = (await outbox.getState<number>(CHANGES_SINCE_COMPACTION)) ?? 0;
      const integrity = await outbox.getState<IntegrityState>(INTEGRITY);
      this.integrity = RelayIntegrity.restore(integrity);
      this.deviceId = this.options.signing.relayDeviceId;
      const storedDeviceId = await outbox.getState<string>(DEVICE_ID);
      // A device from before signed envelopes had a random relay device id: it starts a new sequence under the one
      // its signature vouches for, and what it knew of others' sequences came from envelopes no one can trust.
      const unsignedBefore = storedDeviceId !== undefined && storedDeviceId !== this.deviceId;
      if (unsignedBefore) {
        await outbox.restartSequence();
        this.integrity = RelayIntegrity.restore(undefined);
      }
      await outbox.setState(DEVICE_ID, this.deviceId);
      await this.queueEditsMadeWhileStopped();
      // A device that read the relay before blobs carried envelopes: what it pushed then is unreadable to devices
      // that have moved on, so it offers its whole document once, in the new format; and it reads the history again
      // from the start, for the envelopes it could not read then and each device's sequence so far.
      if ((integrity === undefined || unsignedBefore) && this.readVersion > 0) {
        await this.republish();
        this.rereadWanted = true;
      }
      await this.refreshPending();
      this.setStatus({ integrity: this.integrity.reports });
    });
    this.setStatus({ transport: 'offline' });
    this.connect();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.doc.off('update', this.onUpdate);
    this.clearTimers();
    const connection = this.connection;
    this.connection = null;
    if (connection) {
      if (connection.keepalive) clearInterval(connection.keepalive);
      connection.socket.close(1000, 'stopped');
    }
    this.pendingAck?.reject(new Error('stopped'));
    await this.queue;
    await this.options.outbox.setState(DOCUMENT_STATE, Y.encodeSnapshot(Y.snapshot(this.doc)));
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

  /** The user has read the integrity reports: they are cleared (open gaps stay reported while they are open). */
  dismissIntegrityReports(): Promise<void> {
    return this.serially(async () => {
      this.integrity.dismissReports();
      await this.saveIntegrity();
    });
  }

  /** Each device's highest batch sequence this device has read from the relay: what it tells the peers it meets. */
  get relaySequences(): Record<string, number> {
    return Object.fromEntries(this.integrity.sequences);
  }

  /**
   * Compares with what a peer met over WebRTC has read from the same workspace. A batch the peer has and this device
   * lacks is pulled for; if the relay still does not serve it, the relay is showing the two devices different
   * histories (a fork), which is reported. This device's own sequence is left out: the peer may see a batch before
   * its acknowledgement reaches this device.
   */
  comparePeerSequences(peer: Record<string, number>): Promise<void> {
    const ahead = () =>
      Object.entries(peer).filter(
        ([deviceId, sequence]) => deviceId !== this.deviceId && Number.isSafeInteger(sequence) && sequence > (this.integrity.sequences.get(deviceId) ?? 0),
      );
    return this.serially(async () => {
      if (ahead().length === 0) return;
      await this.pullOverRest();
      const now = Date.now();
      for (const [deviceId, sequence] of ahead()) this.integrity.report({ problem: 'fork', deviceId, sequence }, now);
      await this.saveIntegrity();
    });
  }

  /**
   * Compares the document with its state when the client last stopped (or with nothing, the first time) and
   * queues the difference. Listens for updates in the same synchronous step, so nothing slips between the two.
   */
  private async queueEditsMadeWhileStopped(): Promise<void> {
    const { outbox } = this.options;
    const stored = await outbox.getState<Uint8Array>(DOCUMENT_STATE);
    const before = stored ? Y.decodeSnapshot(stored) : Y.emptySnapshot;
    const now = Y.snapshot(this.doc);
    const missing = Y.equalSnapshots(before, now) ? null : Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(before.sv));
    this.doc.on('update', this.onUpdate);
    if (missing) await outbox.add(missing);
    // A crash skips stop(); the next start then re-sends this session's edits, which Yjs applies idempotently.
    await outbox.setState(DOCUMENT_STATE, Y.encodeSnapshot(now));
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (this.stopped) return;
    let socket: WebSocket;
    try {
      socket = openSyncSocket(this.options.WebSocket, this.options.api.syncSocketUrl(this.options.workspaceId));
    } catch (err) {
      this.onConnectionLost(null, `cannot open a WebSocket: ${(err as Error).message}`);
      return;
    }
    const connection: Connection = { socket, sentSeq: 0, joined: false, caughtUp: false, lastHeardAt: Date.now(), keepalive: null };
    this.connection = connection;
    socket.onopen = () => void this.authenticate(connection);
    socket.onmessage = (event: MessageEvent) => this.onSocketMessage(connection, event.data);
    // A close event always follows an error event, and carries nothing less.
    socket.onerror = () => undefined;
    // Said as the reason, so that a status that turns offline always says why, not only once a reconnect fails.
    socket.onclose = (event: CloseEvent) => this.onConnectionLost(connection, `the relay connection closed (${event.code})`);
  }

  private async authenticate(connection: Connection): Promise<void> {
    let token: string;
    try {
      token = await this.options.getToken();
    } catch (err) {
      this.dropConnection(connection, `cannot sign in to the relay: ${(err as Error).message}`);
      return;
    }
    if (this.connection !== connection) return;
    // No need to wait for auth-ok: `seq` keeps the join behind the auth.
    send(connection, { type: 'auth', token });
    send(connection, { type: 'join', workspaceId: this.options.workspaceId });
  }

  private onSocketMessage(connection: Connection, data: unknown): void {
    if (this.connection !== connection) return;
    connection.lastHeardAt = Date.now();
    // A caught-up socket is sent every change as the relay stores it, in order: until this message, nothing was missed.
    if (connection.caughtUp) this.currentAt = connection.lastHeardAt;
    let message: SyncSocketMessage;
    try {
      message = decodeSyncMessage(data);
    } catch {
      this.dropConnection(connection, 'the relay sent a message that is neither JSON nor a changes frame');
      return;
    }
    switch (message.type) {
      // Acks and errors settle a push that is waiting inside the queue, so they must not wait behind it.
      case 'ack':
        this.pendingAck?.resolve(message);
        return;
      case 'error':
        return this.onRelayError(connection, `${message.code}: ${message.message}`);
      case 'joined':
        connection.joined = true;
        this.socketFailures = 0;
        connection.keepalive = setInterval(() => this.keepAlive(connection), KEEPALIVE_MS);
        void this.serially(() => this.catchUp(connection)).catch((err: Error) => this.setStatus({ lastError: err.message }));
        return;
      case 'changes': {
        const { changes } = message;
        void this.serially(async () => {
          // Read at run time: a broadcast queued behind the catch-up counts once the catch-up has finished.
          await this.applyChanges(changes, connection.caughtUp, connection.caughtUp ? this.readVersion : null);
          if (connection.caughtUp) this.setStatus({ lastSyncedAt: Date.now() });
          await this.rereadAfterGap();
          await this.maybeCompact();
        }).catch((err: Error) => this.setStatus({ lastError: err.message }));
        return;
      }
      default:
        return;
    }
  }

  /**
   * Pulls over REST everything stored before the join, then pushes the outbox. A pull page and a broadcast look
   * alike on the socket; pulling over REST keeps the socket's stream made only of broadcasts, which arrive in
   * version order once the join has happened.
   */
  private async catchUp(connection: Connection): Promise<void> {
    if (this.connection !== connection) return;
    try {
      await this.pullOverRest();
      await this.checkNewSnapshot();
    } catch (err) {
      this.dropConnection(connection, `cannot catch up with the relay: ${(err as Error).message}`);
      return;
    }
    connection.caughtUp = true;
    this.stopPolling();
    this.setStatus({ transport: 'websocket', lastError: null });
    await this.pushOutbox();
    await this.maybeCompact();
  }

  private onRelayError(connection: Connection, description: string): void {
    this.setStatus({ lastError: description });
    // The relay closes a socket that has not joined after its first error.
    if (!connection.joined) this.dropConnection(connection, description);
    else this.pendingAck?.reject(new Error(description));
  }

  private keepAlive(connection: Connection): void {
    if (Date.now() - connection.lastHeardAt > 2 * KEEPALIVE_MS) this.dropConnection(connection, 'the relay stopped answering');
    else connection.socket.send(SYNC_PING);
  }

  /** Gives up on a connection now, without waiting for a closing handshake that may never come. */
  private dropConnection(connection: Connection, reason: string): void {
    if (this.connection !== connection) return;
    connection.socket.close();
    this.onConnectionLost(connection, reason);
  }

  private onConnectionLost(connection: Connection | null, reason?: string): void {
    if (connection) {
      if (this.connection !== connection) return;
      this.connection = null;
      if (connection.keepalive) clearInterval(connection.keepalive);
      this.pendingAck?.reject(new Error('the connection closed before the relay acknowledged'));
    }
    if (this.stopped) return;
    if (reason) this.setStatus({ lastError: reason });
    this.socketFailures = connection?.joined ? 1 : this.socketFailures + 1;
    if (this.socketFailures >= SOCKET_FAILURES_BEFORE_POLLING) this.startPolling();
    else if (!this.pollTimer) this.setStatus({ transport: 'offline' });
    const delay = backoffDelay(this.socketFailures - 1, this.options.reconnectBackoff);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Sends the outbox in batches that respect the relay's limits; each batch is removed once acknowledged. */
  private async pushOutbox(): Promise<void> {
    for (let batch = await this.nextBatch(); batch; batch = await this.nextBatch()) {
      const versions: number[] = [];
      for (const group of groupForPush(batch.changes)) {
        const result = this.connection?.joined ? await this.pushOverSocket(this.connection, group) : await this.pushOverRest(group);
        versions.push(...acknowledgedVersions(result, group));
      }
      await this.options.outbox.acknowledge(batch);
      await this.recordOwnBatch(batch, Math.max(...versions));
      await this.countTowardsCompaction(batch.changes.length);
      await this.refreshPending();
    }
    this.setStatus({ lastSyncedAt: Date.now() });
  }

  /**
   * The batch already sent and not acknowledged, or else the leading outbox entries merged into one update,
   * encrypted, split if large, and recorded as in flight before anything is sent.
   */
  private async nextBatch(): Promise<PushBatch | null> {
    const { outbox } = this.options;
    const inFlight = await outbox.inFlight();
    if (inFlight) return inFlight;
    const entries = await outbox.oldest(MAX_ENTRIES_PER_BATCH);
    if (entries.length === 0) return null;
    const taken = [entries[0]!];
    let size = taken[0]!.update.byteLength;
    for (const entry of entries.slice(1)) {
      if (size + entry.update.byteLength > MERGE_BUDGET_BYTES) break;
      taken.push(entry);
      size += entry.update.byteLength;
    }
    const first = taken[0]!;
    const last = taken.at(-1)!;
    const update = taken.length === 1 ? first.update : Y.mergeUpdates(taken.map((entry) => entry.update));
    const sequence = (await outbox.lastAcknowledgedSequence()) + 1;
    const sealed = await this.seal({ kind: 'batch', deviceId: this.deviceId, sequence, update });
    // A random tag ends the id, so that no other account can push under it before this device does. Junk under its
    // later parts, once the first are seen, is another author's, which readers never join with these (relay-parts.ts).
    const id = `${this.deviceId}-${first.seq}-${last.seq}-${randomTag()}`;
    const batch: PushBatch = { lastSeq: last.seq, sequence, changes: splitIntoParts(id, sealed, MAX_CHANGE_BYTES) };
    await outbox.setInFlight(batch);
    return batch;
  }

  private async pushOverSocket(connection: Connection, changes: EncryptedChange[]): Promise<PushResult> {
    const acknowledged = new Promise<PushResult>((resolve, reject) => {
      this.pendingAck = { resolve, reject };
    });
    try {
      send(connection, { type: 'push', changes });
      return await acknowledged;
    } finally {
      this.pendingAck = null;
    }
  }

  private async pushOverRest(changes: EncryptedChange[]): Promise<PushResult> {
    return this.options.api.pushChanges(await this.options.getToken(), this.options.workspaceId, changes);
  }

  /** This device's own batch counts in its sequence once the relay holds it: a snapshot that drops it is refused. */
  private async recordOwnBatch(batch: PushBatch, version: number): Promise<void> {
    // A batch left in flight by a version of the app from before envelopes has none: nothing to record.
    const opened = await this.openEnvelope(batch.changes.map((change) => change.encryptedData).join('')).catch(() => null);
    const envelope = opened?.envelope;
    if (envelope?.kind === 'batch') this.integrity.recordBatch(envelope, version, Date.now());
    await this.saveIntegrity();
  }

  /** Pulls everything after `from` (by default, what this device has not read yet) and applies it. */
  private async pullOverRest(from = this.readVersion): Promise<void> {
    const token = await this.options.getToken();
    const askedAt = Date.now();
    // What is above the read position was stored since this device last held everything, if that was a moment ago.
    const liveAbove = this.currentAt !== null && askedAt - this.currentAt <= LIVE_WINDOW_MS ? this.readVersion : null;
    for (let since = from; ; ) {
      // Compared with what was read before asking: a relay's answer is never older than its question.
      const readBefore = this.readVersion;
      const page = await this.options.api.pullChanges(token, this.options.workspaceId, since, MAX_PULL_LIMIT);
      if (page.latestVersion < readBefore) await this.reportStaleHead(page.latestVersion, readBefore);
      await this.applyChanges(page.changes, true, liveAbove);
      if (!page.more || page.changes.length === 0) break;
      since = page.changes.at(-1)!.version;
    }
    this.currentAt = Math.max(this.currentAt ?? 0, askedAt);
    this.setStatus({ lastSyncedAt: Date.now() });
    await this.rereadAfterGap();
  }

  /** Once per gap, the relay is read again from the start: a batch it was only late with arrives; one it dropped stays reported. */
  private async rereadAfterGap(): Promise<void> {
    if (!this.rereadWanted) return;
    this.rereadWanted = false;
    await this.pullOverRest(0);
  }

  /**
   * A relay whose history ends below what this device has read has lost changes or is hiding them. Reported; the
   * device then follows the relay's history as it is now and offers it everything it has.
   */
  private async reportStaleHead(latestVersion: number, read: number): Promise<void> {
    this.integrity.report({ problem: 'stale-head', latestVersion, readVersion: read }, Date.now());
    this.readVersion = latestVersion;
    await this.saveReadPosition();
    await this.republish();
  }

  /** Queues this device's whole document for the relay, so that history the relay lost is back for everyone. */
  private async republish(): Promise<void> {
    await this.options.outbox.add(Y.encodeStateAsUpdate(this.doc));
    await this.saveIntegrity();
    await this.refreshPending();
  }

  /**
   * Applies changes in order; one that cannot be opened is reported and skipped, never applied. The signers of those
   * above `liveAbove` are told as seen.
   */
  private async applyChanges(changes: StoredChange[], advance: boolean, liveAbove: number | null): Promise<void> {
    const seen = new Set<string>();
    for (const change of changes) {
      const signer = await this.applyStored(change);
      if (signer !== null && liveAbove !== null && change.version > liveAbove) seen.add(signer);
      if (advance) this.readVersion = Math.max(this.readVersion, change.version);
    }
    if (seen.size > 0) this.emit('signers-seen', [[...seen]]);
    await this.saveReadPosition();
    await this.countTowardsCompaction(changes.length);
  }

  /** Never resumes past a change whose parts are incomplete (until given up on): after a reload it is fetched again. */
  private async saveReadPosition(): Promise<void> {
    const waiting = this.integrity.waitsOf('incomplete').map((wait) => wait.version - 1);
    this.safeVersion = Math.min(this.readVersion, ...waiting);
    await this.options.outbox.setState(READ_VERSION, this.safeVersion);
    await this.saveIntegrity();
  }

  /**
   * A change as the relay stores it: applied, or, if it is a part, applied once the parts join into a whole that
   * opens. Joins that do not open are reported unreadable, but their parts are kept: junk under the same author (the
   * account's own, or a relay's mislabelling) may have come before the real part, which is then tried too
   * (relay-parts.ts).
   */
  private async applyStored(change: StoredChange): Promise<string | null> {
    const arrival = this.parts.add(change);
    if (arrival.kind === 'whole') return this.applyChange(change);
    if (arrival.kind === 'ignored') return null;
    if (arrival.missing) {
      this.integrity.wait({ kind: 'incomplete', id: arrival.setId, version: change.version, since: Date.now() });
      return null;
    }
    let failed: { whole: StoredChange; error: Error } | null = null;
    for (const whole of arrival.wholes) {
      let envelope: OpenedEnvelope;
      try {
        envelope = await this.openEnvelope(whole.encryptedData);
      } catch (err) {
        failed = { whole, error: err as Error };
        continue;
      }
      for (const setId of this.parts.read(arrival.baseId)) this.integrity.stopWaiting('incomplete', setId);
      this.integrity.stopWaiting('unreadable', arrival.baseId);
      return this.applyOpened(whole, envelope);
    }
    if (!failed) return null;
    this.integrity.stopWaiting('incomplete', arrival.setId);
    await this.reportUnopened(failed.whole, failed.error);
    return null;
  }

  /** Applies a whole change; returns its signer if it shows the signer at work (see `applyOpened`). */
  private async applyChange(change: StoredChange): Promise<string | null> {
    let envelope: OpenedEnvelope;
    try {
      envelope = await this.openEnvelope(change.encryptedData);
    } catch (err) {
      await this.reportUnopened(change, err as Error);
      return null;
    }
    return this.applyOpened(change, envelope);
  }

  /**
   * A change this device did not apply. One that did not open may come from a newer app: it is waited for, and
   * history is not compacted over it meanwhile. One that opened but whose signer may not write it (forged, altered,
   * or from a removed device) is reported at once and never waited for; if it stood for the history as a snapshot,
   * this device's copy goes to the relay again, as for any snapshot it refuses.
   */
  private async reportUnopened(change: StoredChange, error: Error): Promise<void> {
    this.emit('undecryptable-change', [{ id: change.id, version: change.version, reason: error.message }]);
    this.setStatus({ lastError: `skipped change ${change.id}: ${error.message}` });
    if (!(error instanceof EnvelopeRefused)) {
      this.integrity.wait({ kind: 'unreadable', id: change.id, version: change.version, since: Date.now() });
      return;
    }
    this.integrity.report({ problem: 'refused-change', id: change.id, version: change.version, signer: error.signer, refusal: error.refusal }, Date.now());
    if (change.snapshot) {
      this.integrity.snapshotChecked(change.version);
      await this.republish();
    }
  }

  /**
   * Returns the signer if the change shows it at work: a batch beyond the signer's last (not one served again, or
   * late), or a compaction it made.
   */
  private async applyOpened(change: StoredChange, { signer, envelope }: OpenedEnvelope): Promise<string | null> {
    if (change.snapshot) return (await this.applySnapshot(change, envelope)) ? signer : null;
    // A snapshot served as an ordinary change is a member's genuine content: applying it twice changes nothing.
    Y.applyUpdate(this.doc, envelope.update, this);
    if (envelope.kind !== 'batch') return null;
    // Only a batch beyond its signer's last shows the signer at work now: one served again, or late, was written before.
    const advances = envelope.sequence > (this.integrity.sequences.get(envelope.deviceId) ?? 0);
    if (this.integrity.recordBatch(envelope, change.version, Date.now())) this.rereadWanted = true;
    return advances ? signer : null;
  }

  /**
   * A snapshot made while this device was reading live replaces history it has already read, so no pull serves it
   * to this device: asked for on every catch-up and whenever another member's compaction won, with one change's
   * worth of reading, and checked like any other. This is how a live device learns that its history was wiped.
   */
  private async checkNewSnapshot(): Promise<void> {
    const since = this.integrity.checkedSnapshot;
    const page = await this.options.api.pullChanges(await this.options.getToken(), this.options.workspaceId, since, 1);
    const [first] = page.changes;
    if (first?.snapshot && first.version > since && first.version <= this.readVersion) {
      await this.applyChange(first);
      await this.saveIntegrity();
    }
  }

  /** Applies a compaction snapshot only if it proves it covers what it replaces (relay-integrity.ts). */
  /** True if it was applied. */
  private async applySnapshot(change: StoredChange, envelope: RelayBatch | RelaySnapshot): Promise<boolean> {
    this.integrity.snapshotChecked(change.version);
    const refusal = envelope.kind === 'snapshot' ? this.integrity.refusalOf(envelope, change.version) : { reason: 'not-a-snapshot' as const };
    if (envelope.kind === 'snapshot' && refusal === null) {
      Y.applyUpdate(this.doc, envelope.update, this);
      this.integrity.recordSnapshot(envelope, change.version);
      return true;
    }
    // What this device has is sent to the relay again, so the history it lost is back for everyone.
    this.integrity.report({ problem: 'snapshot-refused', version: change.version, refusal: refusal! }, Date.now());
    await this.republish();
    return false;
  }

  private async openEnvelope(encryptedData: string): Promise<OpenedEnvelope> {
    const sealed = decodeBase64url(encryptedData);
    if (!sealed) throw new Error('the change is not base64url');
    return this.options.signing.openSigned(await this.options.cipher.open(sealed));
  }

  /** Signed by this device, then sealed under the relay key: base64url, as the relay stores it. */
  private async seal(envelope: RelayEnvelope): Promise<string> {
    return encodeBase64url(await this.options.cipher.seal(await this.options.signing.sign(envelope)));
  }

  private async saveIntegrity(): Promise<void> {
    await this.options.outbox.setState(INTEGRITY, this.integrity.saved);
    this.setStatus({ integrity: this.integrity.reports });
  }

  private async countTowardsCompaction(changes: number): Promise<void> {
    this.changesSinceCompaction += changes;
    await this.options.outbox.setState(CHANGES_SINCE_COMPACTION, this.changesSinceCompaction);
  }

  /**
   * Replaces the workspace's history with an encrypted snapshot of the document once it has grown. Any member may
   * do it; a member that loses the race gets CONFLICT, which is harmless. A member compacts only history it could
   * read in full: a change it could not open (say, from a newer version of the app) is never compacted away by it.
   */
  private async maybeCompact(): Promise<void> {
    if (this.stopped || this.changesSinceCompaction < this.options.compactAfter) return;
    await this.giveUpWaiting();
    const unreadable = this.integrity.waitsOf('unreadable').map((wait) => wait.version - 1);
    const upToVersion = Math.min(this.safeVersion, ...unreadable);
    // A device that misses batches would seal a snapshot claiming them: it leaves compaction to one that has them.
    if (upToVersion <= 0 || this.integrity.hasGaps || (await this.options.outbox.count()) > 0) return;
    // Nor before it has read as far as its own last batch: the snapshot holds its whole document, and readers take
    // all of it as held at `upToVersion`, so a later snapshot by a device that read only up to there, lacking the
    // batches this one wrote after, would be refused as dropping them.
    if (this.integrity.latestBatchVersion(this.deviceId) > upToVersion) return;
    const snapshot: RelaySnapshot = {
      kind: 'snapshot',
      deviceId: this.deviceId,
      upToVersion,
      sequences: this.integrity.sequences,
      stateVector: this.integrity.vouchedStateVector(upToVersion),
      update: Y.encodeStateAsUpdate(this.doc),
    };
    const sealed = await this.seal(snapshot);
    // Snapshots are single changes; a document too large for one is left uncompacted (docs/security.md).
    if (sealed.length > MAX_CHANGE_BYTES) return;
    const request = { snapshot: { id: `${this.deviceId}-snapshot-${upToVersion}`, encryptedData: sealed }, upToVersion };
    try {
      await this.options.api.compact(await this.options.getToken(), this.options.workspaceId, request);
    } catch (err) {
      if (!(err instanceof RelayApiError && err.code === 'CONFLICT')) {
        this.setStatus({ lastError: `compaction failed: ${(err as Error).message}` });
        return;
      }
      await this.checkNewSnapshot();
    }
    this.changesSinceCompaction = 0;
    await this.options.outbox.setState(CHANGES_SINCE_COMPACTION, 0);
  }

  /** Reports and drops every wait older than the limit; parts given up on no longer hold back the read position. */
  private async giveUpWaiting(): Promise<void> {
    const expired = this.integrity.expireWaits(Date.now(), this.options.waitLimitMs);
    if (expired.length === 0) return;
    for (const wait of expired) if (wait.kind !== 'missing') this.parts.forget(wait.id);
    await this.saveReadPosition();
  }

  private startPolling(): void {
    if (this.pollTimer) return;
    this.setStatus({ transport: 'polling' });
    const poll = () =>
      void this.serially(async () => {
        if (this.stopped || this.connection?.caughtUp) return;
        await this.pullOverRest();
        await this.pushOutbox();
        await this.maybeCompact();
        if (!this.connection?.caughtUp) this.setStatus({ transport: 'polling', lastError: null });
      }).catch((err: Error) => this.setStatus({ transport: 'offline', lastError: err.message }));
    poll();
    this.pollTimer = setInterval(poll, this.options.pollIntervalMs);
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private clearTimers(): void {
    this.stopPolling();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private async refreshPending(): Promise<void> {
    this.setStatus({ pending: await this.options.outbox.count() });
  }

  private setStatus(patch: Partial<RelayStatus>): void {
    Object.assign(this.current, patch);
    this.emit('status', [this.status]);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * The versions the relay gave a push, once it has acknowledged exactly the ids it was sent. Anything else (an ack
 * for other ids, or missing versions) leaves the batch in the outbox to be sent again: an edit is never dropped on
 * an acknowledgement for something this device did not send.
 */
function acknowledgedVersions(result: PushResult, sent: EncryptedChange[]): number[] {
  const exact =
    result.ids.length === sent.length &&
    result.versions.length === sent.length &&
    sent.every((change, index) => result.ids[index] === change.id && Number.isSafeInteger(result.versions[index]) && result.versions[index]! > 0);
  if (!exact) throw new Error('the relay acknowledged other changes than it was sent; they will be sent again');
  return result.versions;
}

function send(connection: Connection, request: SyncRequest): void {
  connection.sentSeq += 1;
  connection.socket.send(encodeSyncRequest(request, connection.sentSeq, isBinary(connection.socket)));
}

/** Splits changes into pushes that fit the relay's message size and count limits. */
function groupForPush(changes: EncryptedChange[]): EncryptedChange[][] {
  const groups: EncryptedChange[][] = [];
  let current: EncryptedChange[] = [];
  let size = 0;
  for (const change of changes) {
    const bytes = change.encryptedData.length + change.id.length + 32;
    if (current.length > 0 && (size + bytes > PUSH_BUDGET_BYTES || current.length === MAX_CHANGES_PER_PUSH)) {
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

/** 64 random bits in hex: unguessable, and free of the `-` and `_` that the id and part patterns use. */
function randomTag(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
