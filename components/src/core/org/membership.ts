/**
 * Who is in an org, worked out from its signed records alone (membership-records.ts), the same way on every device:
 * the chain of epochs from the org's first key to its current one, the members of each, and what is left to do.
 *
 * - The first epoch's members are the devices that enrolled in it; a later epoch's are the recipients of the
 *   rotation that began it, the devices that enrolled in it (which needs its key), and those a member granted it to.
 * - A rotation counts only if its author is a member of its base epoch, it removes at least one member and not its
 *   author, and it seals the new key to members of the base only, the author among them.
 * - Of several rotations from one base (two removals at once, or a removed device answering its removal), the one
 *   acknowledged by more devices wins, counting only the acks of devices every one of them saw as members (kept or
 *   removed), so neither side can add voters of its own; equal counts go to the lowest rotation id.
 * - A losing rotation's removals are carried over by its author, if it is still a member (`followUps`); a device
 *   that was invited into the base epoch while the rotation was being made gets the new key from its inviter
 *   (`owedGrants`), unless the inviter was removed.
 */
import {
  GENESIS_EPOCH,
  type AckBody,
  type DeviceBody,
  type GrantBody,
  type RenameBody,
  type RotationBody,
  type TicketBody,
  type VerifiedRecord,
} from './membership-records.ts';

export interface Epoch {
  id: string;
  number: number;
  /** The rotation that began it; null for the first epoch. */
  rotation: VerifiedRecord<RotationBody> | null;
  members: Set<string>;
}

export interface DeviceInfo {
  deviceId: string;
  memberId: string;
  memberName: string;
  name: string;
  sealingKey: string;
  /** The inviter named by the device's invite ticket; null for the org's creator and devices enrolled without one. */
  addedBy: string | null;
  joinedAt: number;
}

export interface FollowUp {
  /** The rotation that lost, whose removals still wait. */
  lost: VerifiedRecord<RotationBody>;
  remove: string[];
}

export interface OwedGrant {
  deviceId: string;
  /** The inviter, who owes it the current key. */
  by: string;
}

export type MembershipStatus =
  /** A member of the current epoch. */
  | 'member'
  /** Removed by a rotation of the chain, and not back in since. */
  | 'removed'
  /** Left out of the current epoch by a rotation made while it was being invited: its inviter will grant it the key. */
  | 'waiting'
  /** Not in the list at all (the device has not enrolled yet). */
  | 'unknown';

export interface Membership {
  orgId: string;
  /** From the first epoch to the current one. */
  chain: Epoch[];
  current: Epoch;
  devices: Map<string, DeviceInfo>;
  /** For each epoch of the chain that had rotations from it: the one this device should acknowledge. */
  acksDue: Map<string, string>;
  followUps: FollowUp[];
  owedGrants: OwedGrant[];
  statusOf(deviceId: string): MembershipStatus;
}

/**
 * `records`: verified records. `enrolled`: the ids of device records whose key proof checked out under an epoch key
 * this device holds (`checkEnrolments`): a device's enrolment in an epoch counts only then.
 */
export function resolveMembership(orgId: string, records: VerifiedRecord[], enrolled: ReadonlySet<string>): Membership {
  const byKind = groupRecords(records);
  const entriesIn = (epoch: string) => byKind.device.filter((record) => record.body.epoch === epoch && enrolled.has(record.id));
  const grantsIn = (epoch: string) => byKind.grant.filter((record) => record.body.epoch === epoch);
  const membersOf = (epoch: string, recipients: Iterable<string>): Set<string> => {
    const members = new Set([...recipients, ...entriesIn(epoch).map((record) => record.body.deviceId)]);
    // A grant counts when its author is a member, which another grant may have made it: repeat until nothing changes.
    for (let grew = true; grew; ) {
      grew = false;
      for (const grant of grantsIn(epoch)) {
        if (members.has(grant.body.author) && !members.has(grant.body.deviceId) && byKind.device.some((entry) => entry.body.deviceId === grant.body.deviceId)) {
          members.add(grant.body.deviceId);
          grew = true;
        }
      }
    }
    return members;
  };
  const latestAcks = latestAckPerDevice(byKind.ack);

  const chain: Epoch[] = [{ id: GENESIS_EPOCH, number: 0, rotation: null, members: membersOf(GENESIS_EPOCH, []) }];
  const acksDue = new Map<string, string>();
  const lost: VerifiedRecord<RotationBody>[] = [];
  for (;;) {
    const base = chain.at(-1)!;
    const siblings = byKind.rotation.filter((record) => isValidRotation(record.body, base));
    if (siblings.length === 0) break;
    const winner = pickWinner(siblings, latestAcks.get(base.id) ?? new Map());
    acksDue.set(base.id, winner.id);
    lost.push(...siblings.filter((record) => record !== winner));
    chain.push({ id: winner.id, number: base.number + 1, rotation: winner, members: membersOf(winner.id, Object.keys(winner.body.envelopes)) });
  }
  const current = chain.at(-1)!;

  const followUps = lost
    .filter((rotation) => current.members.has(rotation.body.author))
    .map((rotation) => ({ lost: rotation, remove: rotation.body.removed.filter((id) => current.members.has(id)) }))
    .filter((followUp) => followUp.remove.length > 0);
  const awaitingRemoval = new Set(followUps.flatMap((followUp) => followUp.remove));
  const owedGrants = leftBehind(chain, byKind.device, enrolled).filter(({ deviceId, by }) => current.members.has(by) && !awaitingRemoval.has(deviceId));

  const devices = deviceInfo(byKind.device, byKind.rename, current.members);
  return {
    orgId,
    chain,
    current,
    devices,
    acksDue,
    followUps,
    owedGrants,
    statusOf(deviceId) {
      if (current.members.has(deviceId)) return 'member';
      if (owedGrants.some((grant) => grant.deviceId === deviceId)) return 'waiting';
      const removed = chain.some((epoch) => epoch.rotation?.body.removed.includes(deviceId));
      return removed ? 'removed' : 'unknown';
    },
  };
}

function isValidRotation(rotation: RotationBody, base: Epoch): boolean {
  const recipients = Object.keys(rotation.envelopes);
  return (
    rotation.base === base.id &&
    rotation.number === base.number + 1 &&
    base.members.has(rotation.author) &&
    rotation.removed.length > 0 &&
    rotation.removed.every((id) => base.members.has(id)) &&
    !rotation.removed.includes(rotation.author) &&
    recipients.includes(rotation.author) &&
    recipients.every((id) => base.members.has(id) && !rotation.removed.includes(id))
  );
}

/**
 * The sibling with the most acks from devices that every sibling saw as members (its recipients or its removed),
 * then the lowest id. Devices one sibling alone knows (say, ones a removed device enrolled after its removal) and
 * the authors and targets of the other side do not vote.
 */
function pickWinner(siblings: VerifiedRecord<RotationBody>[], acks: Map<string, AckBody>): VerifiedRecord<RotationBody> {
  const seenBy = (rotation: RotationBody) => new Set([...Object.keys(rotation.envelopes), ...rotation.removed]);
  const [first, ...others] = siblings.map((record) => seenBy(record.body));
  const voters = [...first!].filter((id) => others.every((seen) => seen.has(id)));
  const score = (record: VerifiedRecord<RotationBody>) =>
    voters.filter((id) => id in record.body.envelopes && acks.get(id)?.rotation === record.id).length;
  return siblings
    .map((record) => ({ record, score: score(record) }))
    .sort((a, b) => b.score - a.score || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0))[0]!.record;
}

function latestAckPerDevice(acks: VerifiedRecord<AckBody>[]): Map<string, Map<string, AckBody>> {
  const byBase = new Map<string, Map<string, AckBody>>();
  for (const { body } of acks) {
    const perDevice = byBase.get(body.base) ?? new Map<string, AckBody>();
    const previous = perDevice.get(body.deviceId);
    if (!previous || body.at > previous.at || (body.at === previous.at && body.rotation < previous.rotation)) perDevice.set(body.deviceId, body);
    byBase.set(body.base, perDevice);
  }
  return byBase;
}

/**
 * Devices a rotation left out though it did not remove them, whose invite ticket names an inviter: they were
 * being invited while the rotation was made. Only the base epoch's members enrolled with a ticket qualify, so a
 * device a removed member invites after its removal is owed nothing (its inviter is not a member).
 */
function leftBehind(chain: Epoch[], devices: VerifiedRecord<DeviceBody>[], enrolled: ReadonlySet<string>): OwedGrant[] {
  const owed: OwedGrant[] = [];
  const current = chain.at(-1)!;
  for (let index = 1; index < chain.length; index++) {
    const [base, epoch] = [chain[index - 1]!, chain[index]!];
    for (const entry of devices) {
      const { deviceId, epoch: enrolledIn, ticket } = entry.body;
      if (enrolledIn !== base.id || !enrolled.has(entry.id) || !ticket) continue;
      if (!base.members.has(deviceId) || epoch.members.has(deviceId) || current.members.has(deviceId)) continue;
      if (epoch.rotation!.body.removed.includes(deviceId)) continue;
      const inviter = (JSON.parse(ticket.body) as TicketBody).inviter;
      if (!owed.some((grant) => grant.deviceId === deviceId)) owed.push({ deviceId, by: inviter });
    }
  }
  return owed;
}

function deviceInfo(entries: VerifiedRecord<DeviceBody>[], renames: VerifiedRecord<RenameBody>[], members: Set<string>): Map<string, DeviceInfo> {
  const devices = new Map<string, DeviceInfo>();
  for (const { body } of [...entries].sort((a, b) => a.body.addedAt - b.body.addedAt)) {
    if (devices.has(body.deviceId)) continue;
    const addedBy = body.ticket ? (JSON.parse(body.ticket.body) as TicketBody).inviter : null;
    devices.set(body.deviceId, {
      deviceId: body.deviceId,
      memberId: body.memberId,
      memberName: body.memberName,
      name: body.name,
      sealingKey: body.sealingKey,
      addedBy,
      joinedAt: body.addedAt,
    });
  }
  // The latest rename by the device itself or a current member wins.
  const latest = new Map<string, RenameBody>();
  for (const { body, signed } of renames) {
    if (signed.signer !== body.deviceId && !members.has(signed.signer)) continue;
    const previous = latest.get(body.deviceId);
    if (!previous || body.at > previous.at) latest.set(body.deviceId, body);
  }
  for (const [deviceId, rename] of latest) {
    const device = devices.get(deviceId);
    if (device) device.name = rename.name;
  }
  return devices;
}

interface RecordsByKind {
  device: VerifiedRecord<DeviceBody>[];
  ticket: VerifiedRecord<TicketBody>[];
  rename: VerifiedRecord<RenameBody>[];
  rotation: VerifiedRecord<RotationBody>[];
  ack: VerifiedRecord<AckBody>[];
  grant: VerifiedRecord<GrantBody>[];
}

function groupRecords(records: VerifiedRecord[]): RecordsByKind {
  const byKind: RecordsByKind = { device: [], ticket: [], rename: [], rotation: [], ack: [], grant: [] };
  for (const record of records) (byKind[record.body.kind] as VerifiedRecord[]).push(record);
  return byKind;
}
