/**
 * One org's sync: the peer-to-peer path (y-webrtc, gated by the org key) and, when the user is signed in to the
 * deployment, the encrypted relay path, behind one observable status. Both carry the same Yjs updates; either
 * alone keeps the org's devices converging.
 *
 * With the org's member list (`membership`), both paths run in the current epoch (docs/security.md, "Members,
 * devices and key rotation"): its room, signalling password and peer-auth key, its relay workspace, key and join
 * secret. When the epoch changes they are stopped and started again in the new one, and each rotation of the
 * chain is published as a notice in the workspace of the epoch it replaced, where devices still on it read it.
 * A device the list says was removed stops syncing, and says so in its status.
 */
import type * as Y from 'yjs';
import { ObservableV2 } from 'lib0/observable';
import { challengeProofs } from '../crypto/challenge-response.ts';
import { deriveOrgSubkeys, type OrgSubkeys } from '../crypto/org-key.ts';
import type { OrgRegistry } from '../org/org-registry.ts';
import { loadDeviceIdentity } from '../org/device-identity.ts';
import { deriveEpochSubkeys } from '../org/key-epochs.ts';
import { GENESIS_EPOCH } from '../org/membership-records.ts';
import type { MembershipStatus } from '../org/membership.ts';
import type { MembershipView, OrgMembership } from '../org/org-membership.ts';
import { EpochNotices } from './epoch-notices.ts';
import { PeerEpochNotices } from './peer-epoch-notices.ts';
import { peerIdentification } from './peer-identity.ts';
import { PeerSync } from './peer-sync.ts';
import { RelayClient, type RelayClientOptions } from './relay-client.ts';
import type { IntegrityReport } from './relay-integrity.ts';
import { RelayOutbox } from './relay-outbox.ts';
import { RelayEnvelopeSigning } from './relay-signatures.ts';
import { shareRelayView } from './relay-peer-check.ts';
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
  /** The org's member list on this device: sync follows its epochs. Without it the org syncs under `orgKey` alone. */
  membership?: OrgMembership;
  /** Where outboxes are kept, and how the relay client connects: the defaults are the browser's (Node passes its own). */
  indexedDB?: IDBFactory;
  relayClient?: Pick<RelayClientOptions, 'WebSocket' | 'pollIntervalMs' | 'reconnectBackoff'>;
}

/** The epoch the paths run in, and its key: the relay's envelopes are signed as a member of it. */
interface SyncedEpoch {
  id: string;
  key: Uint8Array;
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
  /** What last went wrong, kept until something else does; null until anything has. */
  lastError: SyncProblem | null;
  /**
   * What the relay was caught doing that an honest relay never does (dropped changes, a history that went back, a
   * compaction that does not cover what it replaced): show these to the user; empty while all is well.
   */
  integrity: IntegrityReport[];
  /** This device's place in the member list; null without one. `removed`: it was removed, and syncs no more. */
  membership: MembershipStatus | null;
  /** The epoch the paths run in (0 for the org's first key); null without a member list. */
  epoch: number | null;
}

/**
 * What went wrong with sync, by the path it went wrong on: a code the UI words in the person's language, and the
 * lower layer's own words as `detail`, for whoever looks into it.
 */
export interface SyncProblem {
  code: 'PEERS' | 'RELAY' | 'RELAY_UNREACHABLE' | 'RELAY_CHANGE_SKIPPED' | 'REMOVED_FROM_ORG';
  detail?: string;
}

/** The `lastError` of a device that was removed from the org: the UI shows why sync stopped. */
export const REMOVED_FROM_ORG: SyncProblem = { code: 'REMOVED_FROM_ORG' };

export interface OrgSyncEvents {
  status: (status: OrgSyncStatus) => void;
}

export class OrgSync extends ObservableV2<OrgSyncEvents> {
  private current: OrgSyncStatus = {
    peers: 0,
    relay: 'off',
    pending: 0,
    lastSyncedAt: null,
    lastError: null,
    integrity: [],
    membership: null,
    epoch: null,
  };
  private peerSync: PeerSync | null = null;
  private relay: RelayClient | null = null;
  private stopSharingRelayView: (() => void) | null = null;
  private outbox: RelayOutbox | null = null;
  private relayWorkspaceId: string | null = null;
  private stopped = false;
  /** The epoch the paths run in, once started. */
  private epochId: string | null = null;
  /** Epoch changes are followed one at a time, in order. */
  private following: Promise<void> = Promise.resolve();
  private readonly onMembership = (view: MembershipView) => this.follow(view);
  /** Rotations and acks in the workspaces of the epochs they replace (epoch-notices.ts). */
  private notices: EpochNotices | null = null;
  /** The same notices in the room of the epoch the current one replaced, for devices that come back there (peer-epoch-notices.ts). */
  private peerNotices: PeerEpochNotices | null = null;
  /** The relay's start in the current epoch; it reports its failures in the status and never rejects. */
  private relayStarting: Promise<void> = Promise.resolve();

  private constructor(private readonly options: OrgSyncOptions) {
    super();
  }

  /** Starts both paths. The relay connects in the background; its failures show in the status, never throw here. */
  static async start(options: OrgSyncOptions): Promise<OrgSync> {
    const sync = new OrgSync(options);
    if (options.membership) {
      options.membership.on('change', sync.onMembership);
      await sync.follow(options.membership.view);
      return sync;
    }
    const subkeys = await deriveOrgSubkeys(options.orgKey, options.orgId);
    sync.startPaths(subkeys, options.roomId, { id: GENESIS_EPOCH, key: options.orgKey });
    return sync;
  }

  get status(): OrgSyncStatus {
    return { ...this.current };
  }

  /** The relay workspace this org syncs through, once known. */
  get workspaceId(): string | null {
    return this.relayWorkspaceId;
  }

  /** Clears the relay's integrity reports once the user has read them; gaps still open stay. */
  async dismissIntegrityReports(): Promise<void> {
    await this.relay?.dismissIntegrityReports();
  }

  /**
   * Pushes pending changes to the relay now, and the notices of rotations and acks to the workspaces of the epochs
   * they replace; resolves once acknowledged (or at once without a relay), rejects if the relay cannot be reached.
   */
  async flush(): Promise<void> {
    // A move to a new epoch under way is finished first, and its relay's start waited for: its pushes are what is flushed.
    await this.following;
    await this.relayStarting;
    await this.relay?.flush();
    await this.notices?.flush();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.options.membership?.off('change', this.onMembership);
    this.notices?.stop();
    this.peerNotices?.stop();
    await this.stopPaths();
    this.update({ peers: 0, relay: this.current.relay === 'off' ? 'off' : 'stopped' });
  }

  private startPaths(subkeys: OrgSubkeys, roomId: string, epoch: SyncedEpoch): void {
    if (this.options.peerToPeer ?? true) this.startPeerSync(subkeys, roomId);
    if (this.options.account) this.relayStarting = this.startRelay(this.options.account, subkeys, epoch);
  }

  private async stopPaths(): Promise<void> {
    this.stopSharingRelayView?.();
    this.stopSharingRelayView = null;
    this.peerSync?.destroy();
    this.peerSync = null;
    await this.relay?.stop();
    this.relay = null;
    // Closed so that leaving the org can delete its database.
    this.outbox?.close();
    this.outbox = null;
  }

  /** Moves the paths to the epoch the member list says this device is in, or stops them for a removed device. */
  private follow(view: MembershipView): Promise<void> {
    this.following = this.following.then(async () => {
      if (this.stopped) return;
      if (view.status === 'removed') {
        this.notices?.stop();
        this.peerNotices?.stop();
        if (this.epochId !== null || this.current.membership !== 'removed') await this.stopPaths();
        this.epochId = null;
        this.update({ membership: 'removed', peers: 0, relay: this.current.relay === 'off' ? 'off' : 'stopped', lastError: REMOVED_FROM_ORG });
        return;
      }
      this.update({ membership: view.status });
      if (this.options.account && this.options.membership) {
        this.notices ??= new EpochNotices({ account: this.options.account, orgId: this.options.orgId, doc: this.options.doc, membership: this.options.membership });
        void this.notices.follow(view);
      }
      if (this.options.membership && (this.options.peerToPeer ?? true)) {
        const { orgId, roomId, doc, membership, workerUrl, iceServers, account } = this.options;
        this.peerNotices ??= new PeerEpochNotices({
          orgId,
          roomId,
          doc,
          membership,
          workerUrl,
          ...(iceServers ? { iceServers } : {}),
          ...(account ? { getToken: () => account.getToken() } : {}),
        });
        await this.peerNotices.follow(view);
      }
      if (view.epoch.id === this.epochId) return;
      await this.stopPaths();
      this.epochId = view.epoch.id;
      const subkeys = await deriveEpochSubkeys(view.epochKey, this.options.orgId, view.epoch.number);
      this.update({ epoch: view.epoch.number, peers: 0 });
      this.startPaths(subkeys, subkeys.roomId ?? this.options.roomId, { id: view.epoch.id, key: view.epochKey });
    });
    return this.following;
  }

  private startPeerSync(subkeys: OrgSubkeys, roomId: string): void {
    const { doc, workerUrl, iceServers, account, membership, orgId } = this.options;
    // Peers say which device they are, so that the member list can show who is connected and when each was last seen.
    const identify = membership ? peerIdentification(membership.identity, orgId) : undefined;
    const lastSeen = membership?.lastSeen;
    const peerSync = new PeerSync({
      workerUrl,
      roomId,
      doc,
      signallingPassword: subkeys.signallingPassword,
      handshake: { ...challengeProofs(subkeys.peerAuthKey, 'peer-auth'), order: 'together', ...(identify ? { identify } : {}) },
      ...(lastSeen ? { onIdentified: (deviceId: string) => ({ received: () => lastSeen.seen(deviceId, 'peer'), closed: lastSeen.connected(deviceId) }) } : {}),
      ...(iceServers ? { iceServers } : {}),
      ...(account ? { getToken: () => account.getToken() } : {}),
    });
    peerSync.on('status', ({ peers, lastError }) => {
      const gainedPeer = peers > this.current.peers;
      this.update({ peers, ...(gainedPeer ? { lastSyncedAt: Date.now() } : {}), ...(lastError ? { lastError: { code: 'PEERS', detail: lastError } } : {}) });
    });
    this.peerSync = peerSync;
  }

  private async startRelay(account: RelayAccount, subkeys: OrgSubkeys, epoch: SyncedEpoch): Promise<void> {
    const { orgId, doc, membership } = this.options;
    const epochId = this.epochId;
    const firstEpoch = epoch.id === GENESIS_EPOCH;
    this.update({ relay: 'connecting' });
    try {
      // Only the first epoch's workspace is recorded in the document (orgs made before ids came from the key have a
      // random one); a later epoch's is always the one its key names.
      const workspace = await openRelayWorkspace(account, { orgId, subkeys }, firstEpoch ? doc : null);
      // Without a member list (an embed syncing under the org key alone) the device still signs, as itself.
      const signing = await RelayEnvelopeSigning.create({
        identity: membership?.identity ?? (await loadDeviceIdentity()),
        orgId,
        workspaceId: workspace.id,
        epoch,
        ...(membership ? { isRemoved: (deviceId: string) => membership.view.membership.statusOf(deviceId) === 'removed' } : {}),
      });
      const outbox = await RelayOutbox.open(orgId, workspace.id, this.options.indexedDB);
      if (this.stopped || this.epochId !== epochId) return outbox.close();
      this.outbox = outbox;
      this.relayWorkspaceId = workspace.id;
      const relay = new RelayClient(doc, {
        api: account.api,
        workspaceId: workspace.id,
        getToken: () => account.getToken(),
        cipher: workspace.cipher,
        signing,
        outbox,
        ...this.options.relayClient,
      });
      relay.on('status', ({ transport, pending, lastSyncedAt, lastError, integrity }) =>
        this.update({
          relay: transport,
          pending,
          integrity,
          lastSyncedAt: Math.max(lastSyncedAt ?? 0, this.current.lastSyncedAt ?? 0) || null,
          ...(lastError ? { lastError: { code: 'RELAY', detail: lastError } } : {}),
        }),
      );
      relay.on('undecryptable-change', ({ id, reason }) => this.update({ lastError: { code: 'RELAY_CHANGE_SKIPPED', detail: `${id}: ${reason}` } }));
      if (membership) relay.on('signers-seen', (signers) => signers.forEach((signer) => membership.lastSeen.seen(signer, 'relay')));
      this.relay = relay;
      // Peers compare what the relay showed them, so that a relay showing them different histories is caught.
      if (this.peerSync) this.stopSharingRelayView = shareRelayView(this.peerSync.awareness, workspace.id, relay);
      await relay.start();
    } catch (err) {
      this.update({ relay: 'offline', lastError: { code: 'RELAY_UNREACHABLE', detail: (err as Error).message } });
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
  // The current epoch's workspace and the first one's, which the document records, may differ after a rotation.
  const workspaceIds = new Set([sync?.workspaceId, doc ? relayWorkspaceIdOf(doc) : null].filter((id): id is string => id !== null && id !== undefined));
  await sync?.stop();
  for (const workspaceId of workspaceIds) await RelayOutbox.delete(orgId, workspaceId);
  await registry.leave(orgId);
}
