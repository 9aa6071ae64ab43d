/**
 * One org's sync: the peer-to-peer path (y-webrtc, gated by the org key) and, when the user is signed in to the
 * deployment, the encrypted relay path, behind one observable status. Both carry the same Yjs updates; either
 * alone keeps the org's devices converging.
 */
import type * as Y from 'yjs';
import { ObservableV2 } from 'lib0/observable';
import { challengeProofs } from '../crypto/challenge-response.ts';
import { deriveOrgSubkeys, type OrgSubkeys } from '../crypto/org-key.ts';
import type { OrgRegistry } from '../org/org-registry.ts';
import { PeerSync } from './peer-sync.ts';
import { RelayClient } from './relay-client.ts';
import type { IntegrityReport } from './relay-integrity.ts';
import { RelayOutbox } from './relay-outbox.ts';
import { openRelayWorkspace, relayWorkspaceIdOf, type RelayAccount } from './relay-workspace.ts';

export interface OrgSyncOptions {
  orgId: string;
  /** The org's signalling room (`Org.roomId`). */
  roomId: string;
  doc: Y.Doc;
  orgKey: Uint8Array;
  /** This deployment's Worker, e.g. `https://p2p-clinic.example.workers.dev`. */
  workerUrl: string;
  /** The signed-in account, if any: without one the org syncs peer to peer only. */
  account?: RelayAccount | null;
  /** Peer-to-peer sync; on unless turned off (e.g. a network that forbids WebRTC). */
  peerToPeer?: boolean;
  iceServers?: RTCIceServer[];
}

export interface OrgSyncStatus {
  /** Authenticated peers connected right now. */
  peers: number;
  /** The relay's transport, or `off` when the user is not signed in. */
  relay: 'off' | 'connecting' | 'websocket' | 'polling' | 'offline' | 'stopped';
  /** Local changes the relay has not acknowledged yet. */
  pending: number;
  /** The last time this device was known to be up to date with the relay or a peer (ms since the epoch). */
  lastSyncedAt: number | null;
  lastError: string | null;
  /**
   * What the relay was caught doing that an honest relay never does (dropped changes, a history that went back, a
   * compaction that does not cover what it replaced): show these to the user; empty while all is well.
   */
  integrity: IntegrityReport[];
}

export interface OrgSyncEvents {
  status: (status: OrgSyncStatus) => void;
}

export class OrgSync extends ObservableV2<OrgSyncEvents> {
  private current: OrgSyncStatus = { peers: 0, relay: 'off', pending: 0, lastSyncedAt: null, lastError: null, integrity: [] };
  private peerSync: PeerSync | null = null;
  private relay: RelayClient | null = null;
  private outbox: RelayOutbox | null = null;
  private relayWorkspaceId: string | null = null;
  private stopped = false;

  private constructor(private readonly options: OrgSyncOptions) {
    super();
  }

  /** Starts both paths. The relay connects in the background; its failures show in the status, never throw here. */
  static async start(options: OrgSyncOptions): Promise<OrgSync> {
    const sync = new OrgSync(options);
    const subkeys = await deriveOrgSubkeys(options.orgKey, options.orgId);
    if (options.peerToPeer ?? true) sync.startPeerSync(subkeys);
    if (options.account) void sync.startRelay(options.account, subkeys);
    return sync;
  }

  get status(): OrgSyncStatus {
    return { ...this.current };
  }

  /** The relay workspace this org syncs through, once known. */
  get workspaceId(): string | null {
    return this.relayWorkspaceId;
  }

  /** Pushes pending changes to the relay now; resolves once acknowledged (or at once without a relay). */
  async flush(): Promise<void> {
    await this.relay?.flush();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.peerSync?.destroy();
    this.peerSync = null;
    await this.relay?.stop();
    this.relay = null;
    // Closed so that leaving the org can delete its database.
    this.outbox?.close();
    this.outbox = null;
    this.update({ peers: 0, relay: this.current.relay === 'off' ? 'off' : 'stopped' });
  }

  private startPeerSync(subkeys: OrgSubkeys): void {
    const { roomId, doc, workerUrl, iceServers } = this.options;
    const peerSync = new PeerSync({
      workerUrl,
      roomId,
      doc,
      signallingPassword: subkeys.signallingPassword,
      handshake: { ...challengeProofs(subkeys.peerAuthKey, 'peer-auth'), order: 'together' },
      ...(iceServers ? { iceServers } : {}),
    });
    peerSync.on('status', ({ peers, lastError }) => {
      const gainedPeer = peers > this.current.peers;
      this.update({ peers, ...(gainedPeer ? { lastSyncedAt: Date.now() } : {}), ...(lastError ? { lastError } : {}) });
    });
    this.peerSync = peerSync;
  }

  private async startRelay(account: RelayAccount, subkeys: OrgSubkeys): Promise<void> {
    const { orgId, doc } = this.options;
    this.update({ relay: 'connecting' });
    try {
      const workspace = await openRelayWorkspace(account, { orgId, subkeys }, doc);
      const outbox = await RelayOutbox.open(orgId, workspace.id);
      if (this.stopped) return outbox.close();
      this.outbox = outbox;
      this.relayWorkspaceId = workspace.id;
      const relay = new RelayClient(doc, {
        api: account.api,
        workspaceId: workspace.id,
        getToken: () => account.getToken(),
        cipher: workspace.cipher,
        outbox,
      });
      relay.on('status', ({ transport, pending, lastSyncedAt, lastError, integrity }) =>
        this.update({
          relay: transport,
          pending,
          integrity,
          lastSyncedAt: Math.max(lastSyncedAt ?? 0, this.current.lastSyncedAt ?? 0) || null,
          ...(lastError ? { lastError } : {}),
        }),
      );
      relay.on('undecryptable-change', ({ id, reason }) => this.update({ lastError: `skipped relay change ${id}: ${reason}` }));
      this.relay = relay;
      await relay.start();
    } catch (err) {
      this.update({ relay: 'offline', lastError: (err as Error).message });
    }
  }

  private update(change: Partial<OrgSyncStatus>): void {
    this.current = { ...this.current, ...change };
    this.emit('status', [this.status]);
  }
}

/**
 * Leaves an org on this device: stops its sync, deletes its relay outbox, then its document, keys and registry
 * entry (OrgRegistry.leave). Other members and the relay workspace are untouched. Close the org's session first.
 */
export async function leaveOrg(
  registry: OrgRegistry,
  orgId: string,
  { sync = null, doc = null }: { sync?: OrgSync | null; doc?: Y.Doc | null } = {},
): Promise<void> {
  const workspaceId = sync?.workspaceId ?? (doc ? relayWorkspaceIdOf(doc) : null);
  await sync?.stop();
  if (workspaceId) await RelayOutbox.delete(orgId, workspaceId);
  await registry.leave(orgId);
}
