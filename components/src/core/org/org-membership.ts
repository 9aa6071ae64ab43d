/**
 * One org's member list on this device, kept current as its document changes: it verifies the records, works out
 * the epoch chain (membership.ts), opens the envelopes sealed to this device and keeps their keys (key-epochs.ts),
 * and does what falls to this device: enrol, acknowledge the rotation it follows, carry over a lost rotation's
 * removals, grant the key to a device it invited while a rotation was being made. The sync layer follows its
 * `change` events to the current epoch's room and workspace, and publishes the rotations and acks it finds in the
 * document in the old one (sync/epoch-notices.ts).
 */
import type * as Y from 'yjs';
import { ObservableV2 } from 'lib0/observable';
import type { DeviceIdentity } from './device-identity.ts';
import { loadEpochKeys, saveEpochKey, type StoredEpochKey } from './key-epochs.ts';
import { LastSeen, type LastSeenOptions } from './last-seen.ts';
import {
  checkEnrolments,
  createGrant,
  createRotation,
  enrolDevice,
  issueTicket,
  openGrant,
  openRotation,
  type DeviceProfile,
} from './key-rotation.ts';
import { refuseWritesAfterRemoval } from '../records/org-document.ts';
import { resolveMembership, type Epoch, type Membership, type MembershipStatus } from './membership.ts';
import {
  GENESIS_EPOCH,
  epochsEnrolledIn,
  membershipMap,
  readSignedRecords,
  signRecord,
  verifyRecords,
  writeRecord,
  type SignedRecord,
  type VerifiedRecord,
} from './membership-records.ts';

export interface MembershipView {
  status: MembershipStatus;
  membership: Membership;
  /** The latest epoch this device holds the key of, and that key: where it syncs. */
  epoch: Epoch;
  epochKey: Uint8Array;
}

export interface OrgMembershipEvents {
  change: (view: MembershipView) => void;
}

export interface OrgMembershipOptions {
  orgId: string;
  doc: Y.Doc;
  identity: DeviceIdentity;
  /** The org's first key (key-store.ts). */
  orgKey: Uint8Array;
  /** How this device enrols, if it has not yet. */
  profile: DeviceProfile;
  /** Where opened epoch keys are kept; IndexedDB unless given (tests give each simulated device its own). */
  keyStore?: EpochKeyStore;
  /** Where this device keeps when it last saw the others (last-seen.ts); in memory unless given. */
  lastSeen?: Omit<LastSeenOptions, 'self'>;
}

export interface EpochKeyStore {
  load(orgId: string): Promise<StoredEpochKey[]>;
  save(stored: StoredEpochKey): Promise<void>;
}

const indexedDbKeyStore: EpochKeyStore = { load: loadEpochKeys, save: saveEpochKey };

export class OrgMembership extends ObservableV2<OrgMembershipEvents> {
  readonly #options: OrgMembershipOptions;
  readonly #keyStore: EpochKeyStore;
  readonly #keys = new Map<string, Uint8Array>();
  /** The number of each epoch whose key this device holds, which the chain may not know yet (see #refreshNow). */
  readonly #numbers = new Map<string, number>([[GENESIS_EPOCH, 0]]);
  readonly #verified = new Map<string, VerifiedRecord | null>();
  #view: MembershipView | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #again = false;
  #closed = false;
  readonly #onChange = () => void this.refresh();
  readonly #lastSeen: LastSeen;

  private constructor(options: OrgMembershipOptions, lastSeen: LastSeen) {
    super();
    this.#options = options;
    this.#lastSeen = lastSeen;
    this.#keyStore = options.keyStore ?? indexedDbKeyStore;
    this.#keys.set(GENESIS_EPOCH, options.orgKey);
  }

  static async open(options: OrgMembershipOptions): Promise<OrgMembership> {
    const lastSeen = await LastSeen.open({ ...options.lastSeen, self: options.identity.deviceId });
    const membership = new OrgMembership(options, lastSeen);
    for (const stored of await membership.#keyStore.load(options.orgId)) membership.#keep(stored);
    // Watched before the first read, so that nothing a sync path writes while it runs goes unread.
    membershipMap(options.doc).observe(membership.#onChange);
    await membership.refresh();
    return membership;
  }

  /** This device's id in the list. */
  get deviceId(): string {
    return this.#options.identity.deviceId;
  }

  /** This device's identity: it signs what the device writes to the relay (sync/relay-signatures.ts). */
  get identity(): DeviceIdentity {
    return this.#options.identity;
  }

  /** When this device last saw each of the others, and which are connected now; the sync layer reports to it. */
  get lastSeen(): LastSeen {
    return this.#lastSeen;
  }

  get view(): MembershipView {
    return this.#view!;
  }

  /** The key of an epoch this device holds, if it does. */
  keyOf(epochId: string): Uint8Array | undefined {
    return this.#keys.get(epochId);
  }

  /** Re-reads the list; serialised, and coalesced while one runs. */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#again) return this.#queue as Promise<void>;
    this.#again = true;
    const run = this.#queue.then(async () => {
      this.#again = false;
      if (!this.#closed) await this.#refreshNow();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Removes devices from the org: a new epoch whose key only the others get. Resolves once it is written. */
  async remove(deviceIds: string[]): Promise<void> {
    await this.refresh();
    await this.#serially(() => this.#rotate(deviceIds));
    await this.refresh();
  }

  /** Every device of the member. */
  removeMember(memberId: string): Promise<void> {
    const { membership } = this.view;
    return this.remove([...membership.current.members].filter((id) => membership.devices.get(id)?.memberId === memberId));
  }

  async rename(deviceId: string, name: string): Promise<void> {
    const record = await signRecord(this.#options.identity, { kind: 'rename', orgId: this.#options.orgId, deviceId, name, at: Date.now() });
    writeRecord(this.#options.doc, record);
  }

  /** For an invite: whoever joins with it is listed as added by this device. */
  issueTicket(): Promise<SignedRecord> {
    return issueTicket(this.#options.identity, this.#options.orgId, this.view.epoch.id);
  }

  close(): void {
    this.#closed = true;
    membershipMap(this.#options.doc).unobserve(this.#onChange);
    // Closed with the org, whose database may be closing too: sightings not yet written are lost, as on a reload.
    void this.#lastSeen.close().catch(() => undefined);
    this.destroy();
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #refreshNow(): Promise<void> {
    const { orgId, doc, identity } = this.#options;
    let view = await this.#read();
    if (view.status === 'unknown' && view.epoch === view.membership.current && !(await epochsEnrolledIn(orgId, doc, identity)).has(view.epoch.id)) {
      await this.#write(enrolDevice(identity, orgId, view.epoch.id, view.epochKey, this.#options.profile));
      // Read again, so that the view this refresh gives already lists the device (a lone founder has no one else to
      // write a change that would).
      view = await this.#read();
    }
    if (view.status === 'member') await this.#doWhatFallsToThisDevice(view.membership);
    // What a removed device already had stays on it, read only, until its user leaves the org.
    if (view.status === 'removed') refuseWritesAfterRemoval(doc);
    this.#view = view;
    this.emit('change', [view]);
  }

  async #read(): Promise<MembershipView> {
    const { orgId, doc, identity } = this.#options;
    const held = await verifyRecords(orgId, readSignedRecords(doc), this.#verified);
    // The list only ever gains records, but the document can show a record's key empty for a moment: copies of a
    // record under its id from several Yjs clients (the notices, epoch-notices.ts) replace one another, and a copy
    // that waits on an earlier change of its client has already deleted the one it replaces. What verified once counts.
    const seen = [...this.#verified.values()].filter((record): record is VerifiedRecord => record !== null && !held.includes(record));
    const records = [...held, ...seen];
    let membership = await this.#resolve(records);
    // Keys opened from envelopes can make more of the chain checkable: resolve until no new key opens.
    while (await this.#openEnvelopes(membership, records)) membership = await this.#resolve(records);
    const epoch = this.#heldEpoch(membership, records);
    return { status: membership.statusOf(identity.deviceId), membership, epoch, epochKey: this.#keys.get(epoch.id)! };
  }

  /**
   * The latest epoch this device holds the key of. Usually one of the chain's; but a device given a later epoch's
   * key by an invite or a kit, whose document does not hold that epoch's rotation yet, starts there: its records
   * come with the document, which only that epoch's room and workspace still receive. A key of a rotation that is
   * off the chain for good is no such epoch: a device that carried its removals over on a branch that then lost
   * holds that follow-up's key, and syncing there it would meet no one, nor ever hear of the chain's next epoch.
   */
  #heldEpoch(membership: Membership, records: VerifiedRecord[]): Epoch {
    const inChain = [...membership.chain].reverse().find((epoch) => this.#keys.has(epoch.id))!;
    const offTheChain = lostBranches(membership, records);
    let ahead: Epoch | undefined;
    for (const [id, number] of this.#numbers) {
      const known = membership.chain.some((epoch) => epoch.id === id);
      if (!known && !offTheChain.has(id) && number > (ahead ?? inChain).number) ahead = { id, number, rotation: null, members: new Set() };
    }
    return ahead ?? inChain;
  }

  #keep(stored: StoredEpochKey): void {
    this.#keys.set(stored.epoch, stored.key);
    this.#numbers.set(stored.epoch, stored.number);
  }

  async #resolve(records: VerifiedRecord[]): Promise<Membership> {
    return resolveMembership(this.#options.orgId, records, await checkEnrolments(this.#options.orgId, records, this.#keys));
  }

  /** Opens rotations and grants of the chain sealed to this device whose keys it lacks; true if any opened. */
  async #openEnvelopes(membership: Membership, records: VerifiedRecord[]): Promise<boolean> {
    const { identity, orgId } = this.#options;
    let opened = false;
    for (const epoch of membership.chain) {
      if (this.#keys.has(epoch.id) || !epoch.rotation || !epoch.members.has(identity.deviceId)) continue;
      const rotation = epoch.rotation.body;
      let key: Uint8Array | null = null;
      if (identity.deviceId in rotation.envelopes) key = await openRotation(identity, rotation).catch(() => null);
      for (const record of records) {
        if (key) break;
        const grant = record.body;
        if (grant.kind === 'grant' && grant.epoch === epoch.id && grant.deviceId === identity.deviceId) {
          key = await openGrant(identity, grant, rotation.keyCommitment).catch(() => null);
        }
      }
      if (!key) continue;
      const stored = { orgId, epoch: epoch.id, number: epoch.number, key };
      await this.#keyStore.save(stored);
      this.#keep(stored);
      opened = true;
    }
    return opened;
  }

  async #doWhatFallsToThisDevice(membership: Membership): Promise<void> {
    const { identity, orgId } = this.#options;
    const me = identity.deviceId;
    for (const [base, rotation] of membership.acksDue) {
      const epoch = membership.chain.find((each) => each.id === rotation)!;
      if (!(me in epoch.rotation!.body.envelopes) || this.#latestAck(base) === rotation) continue;
      await this.#write(signRecord(identity, { kind: 'ack', orgId, base, rotation, deviceId: me, at: Date.now() }));
    }
    const currentKey = this.#keys.get(membership.current.id);
    if (!currentKey) return;
    const followUp = membership.followUps.find((each) => each.lost.body.author === me);
    if (followUp) await this.#rotate(followUp.remove, membership);
    for (const grant of membership.owedGrants.filter((each) => each.by === me)) {
      await this.#write(createGrant(identity, membership, currentKey, grant.deviceId));
    }
  }

  #latestAck(base: string): string | undefined {
    const { doc, identity } = this.#options;
    let latest: { at: number; rotation: string } | undefined;
    for (const signed of readSignedRecords(doc)) {
      if (signed.signer !== identity.deviceId) continue;
      const body = JSON.parse(signed.body) as { kind: string; base?: string; at: number; rotation: string };
      if (body.kind === 'ack' && body.base === base && (!latest || body.at >= latest.at)) latest = body;
    }
    return latest?.rotation;
  }

  async #rotate(remove: string[], membership = this.view.membership): Promise<void> {
    const { identity, orgId, doc } = this.#options;
    const { record, key } = await createRotation(identity, membership, remove);
    const stored = { orgId, epoch: record.id, number: record.body.number, key };
    await this.#keyStore.save(stored);
    this.#keep(stored);
    writeRecord(doc, record);
  }

  async #write(record: Promise<VerifiedRecord>): Promise<void> {
    writeRecord(this.#options.doc, await record);
  }
}

/**
 * The rotations the document holds that are off the chain as it stands: one that lost to a sibling the chain
 * follows, and every rotation built on one of those.
 */
function lostBranches(membership: Membership, records: VerifiedRecord[]): Set<string> {
  const inChain = new Set(membership.chain.map((epoch) => epoch.id));
  const followed = new Set(membership.chain.flatMap((epoch) => (epoch.rotation ? [epoch.rotation.body.base] : [])));
  const baseOf = new Map<string, string>();
  for (const { id, body } of records) if (body.kind === 'rotation') baseOf.set(id, body.base);
  const lost = new Set<string>();
  const isLost = (id: string, seen: Set<string>): boolean => {
    if (lost.has(id)) return true;
    const base = baseOf.get(id);
    if (base === undefined || inChain.has(id) || seen.has(id)) return false;
    seen.add(id);
    const off = followed.has(base) || isLost(base, seen);
    if (off) lost.add(id);
    return off;
  };
  for (const id of baseOf.keys()) isLost(id, new Set());
  return lost;
}
