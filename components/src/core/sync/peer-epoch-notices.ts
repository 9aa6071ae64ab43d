/**
 * An org's notices over the peer path: a device that was offline while someone was removed comes back in the epoch
 * the removal replaced, whose room the remaining members have left. So each member also keeps a peer connection in
 * the rooms of the epochs before its current one (the last OLD_ROOMS of them), for notices only: a document of its
 * own in each holds the rotation and acknowledgement records of that epoch, with the enrolments they stand on (as the
 * relay's old workspace does, epoch-notices.ts), and whoever meets the member there gets them, the device that was
 * offline takes the new key from its envelope and moves on, and a removed device learns it was removed. Members that two removals made at once
 * sent down different branches meet again in the room of the epoch where the branches part, and settle there.
 *
 * Everyone in the old room held the old key, the removed devices too: they get nothing there but these records,
 * which seal the new key to the remaining devices only. What they send is read for rotations and acks of that epoch
 * alone, copied into the org document where the member list verifies them like any other record; the rest of what
 * arrives stays in the notices' document, which is dropped with the connection.
 */
import * as Y from 'yjs';
import { challengeProofs } from '../crypto/challenge-response.ts';
import { deriveEpochSubkeys } from '../org/key-epochs.ts';
import type { Epoch } from '../org/membership.ts';
import { membershipMap } from '../org/membership-records.ts';
import type { MembershipView, OrgMembership } from '../org/org-membership.ts';
import { noticeOf, noticeRecords } from './epoch-notices.ts';
import { PeerSync } from './peer-sync.ts';

export interface PeerEpochNoticesOptions {
  orgId: string;
  /** The org's own signalling room (`Org.roomId`): the first epoch's. */
  roomId: string;
  doc: Y.Doc;
  membership: OrgMembership;
  workerUrl: string;
  iceServers?: RTCIceServer[];
  getToken?: () => Promise<string>;
}

/**
 * How many earlier epochs' rooms a member keeps a notices connection in: a connection each, and a device offline
 * across more rotations than this, or a race settled further back, needs the relay.
 */
export const OLD_ROOMS = 3;

interface OldRoom {
  base: string;
  notices: Y.Doc;
  peerSync: PeerSync | null;
  stop(): void;
}

export class PeerEpochNotices {
  readonly #options: PeerEpochNoticesOptions;
  readonly #rooms = new Map<string, OldRoom>();

  constructor(options: PeerEpochNoticesOptions) {
    this.#options = options;
  }

  /** Keeps connections in the rooms of the last OLD_ROOMS epochs before the device's current one. */
  async follow(view: MembershipView): Promise<void> {
    const chain = view.membership.chain;
    const index = chain.findIndex((epoch) => epoch.id === view.epoch.id);
    const wanted = index > 0 ? chain.slice(Math.max(0, index - OLD_ROOMS), index) : [];
    for (const [id, room] of this.#rooms) {
      if (wanted.some((epoch) => epoch.id === id)) continue;
      room.stop();
      this.#rooms.delete(id);
    }
    for (const base of wanted) if (!this.#rooms.has(base.id)) await this.#open(base);
  }

  stop(): void {
    for (const room of this.#rooms.values()) room.stop();
    this.#rooms.clear();
  }

  async #open(base: Epoch): Promise<void> {
    const { orgId, doc, membership, workerUrl, iceServers, getToken } = this.#options;
    const key = membership.keyOf(base.id);
    if (!key) return;
    const records = membershipMap(doc);
    const notices = new Y.Doc();
    const held = membershipMap(notices);
    const offer = () => {
      for (const [id, json] of noticeRecords(records, base.id)) if (!held.has(id)) held.set(id, json);
    };
    const take = () => {
      for (const [id, json] of held.entries()) if (typeof json === 'string' && noticeOf(json)?.base === base.id && !records.has(id)) records.set(id, json);
    };
    offer();
    records.observe(offer);
    held.observe(take);
    const room: OldRoom = {
      base: base.id,
      notices,
      peerSync: null,
      stop: () => {
        records.unobserve(offer);
        room.peerSync?.destroy();
        notices.destroy();
      },
    };
    this.#rooms.set(base.id, room);
    const subkeys = await deriveEpochSubkeys(key, orgId, base.number);
    // Stopped, or no longer wanted, while the subkeys were derived.
    if (this.#rooms.get(base.id) !== room) return;
    room.peerSync = new PeerSync({
      workerUrl,
      roomId: subkeys.roomId ?? this.#options.roomId,
      doc: notices,
      signallingPassword: subkeys.signallingPassword,
      handshake: { ...challengeProofs(subkeys.peerAuthKey, 'peer-auth'), order: 'together' },
      ...(iceServers ? { iceServers } : {}),
      ...(getToken ? { getToken } : {}),
    });
  }
}
