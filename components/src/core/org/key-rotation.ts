/**
 * What a device signs into an org's member list, and how a new epoch's key reaches the devices that stay: a rotation
 * seals a fresh org key to each remaining device's X25519 key (crypto/device-keys.ts), commits to it, and is signed
 * by the remover; a recipient opens its envelope and accepts the key only if it matches the commitment, so a
 * remover cannot hand different keys to different devices.
 */
import { decodeBase64url, encodeBase64url } from '#protocol';
import { openSealedToKeyPair, sealToPublicKey } from '../crypto/device-keys.ts';
import { CryptoError } from '../crypto/crypto-error.ts';
import { generateOrgKey } from '../crypto/org-key.ts';
import type { DeviceIdentity } from './device-identity.ts';
import { enrolmentProof, epochKeyCommitment } from './key-epochs.ts';
import type { Membership } from './membership.ts';
import {
  signRecord,
  type DeviceBody,
  type GrantBody,
  type RotationBody,
  type SignedRecord,
  type VerifiedRecord,
} from './membership-records.ts';

export type RotationErrorCode =
  /** Only a member of the current epoch can remove anyone. */
  | 'NOT_A_MEMBER'
  /** Nobody to remove, someone who is not a member, or the remover itself. */
  | 'INVALID_REMOVAL'
  /** An envelope that does not open, or opens to a key other than the one the record commits to. */
  | 'KEY_MISMATCH';

export class RotationError extends Error {
  constructor(
    readonly code: RotationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RotationError';
  }
}

export interface DeviceProfile {
  memberId: string;
  memberName: string;
  name: string;
  /** The inviter's ticket, from the invite; none for an org's creator. */
  ticket?: SignedRecord;
}

const envelopeContext = (orgId: string, number: number, deviceId: string) => ({ orgId, purpose: 'epoch-key' as const, scope: `${number}:${deviceId}` });

/** This device's entry in an epoch whose key it holds. */
export async function enrolDevice(identity: DeviceIdentity, orgId: string, epoch: string, epochKey: Uint8Array, profile: DeviceProfile): Promise<VerifiedRecord> {
  const body: DeviceBody = {
    kind: 'device',
    orgId,
    epoch,
    deviceId: identity.deviceId,
    memberId: profile.memberId,
    memberName: profile.memberName,
    name: profile.name,
    signingKey: identity.signingKey,
    sealingKey: identity.sealingKey,
    ...(profile.ticket ? { ticket: profile.ticket } : {}),
    addedAt: Date.now(),
    keyProof: await enrolmentProof(epochKey, orgId, epoch, identity),
  };
  return signRecord(identity, body);
}

/** An inviter's ticket, carried by the invite, which the invitee's entry names: "added by". */
export async function issueTicket(identity: DeviceIdentity, orgId: string, epoch: string): Promise<SignedRecord> {
  const ticketId = encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
  return (await signRecord(identity, { kind: 'ticket', orgId, epoch, inviter: identity.deviceId, ticketId, issuedAt: Date.now() })).signed;
}

/**
 * The ids of device entries whose key proof checks out under an epoch key this device holds. An entry in an epoch
 * whose key this device does not hold cannot be checked, and does not count here.
 */
export async function checkEnrolments(orgId: string, records: VerifiedRecord[], epochKeys: ReadonlyMap<string, Uint8Array>): Promise<Set<string>> {
  const enrolled = new Set<string>();
  for (const record of records) {
    if (record.body.kind !== 'device') continue;
    const key = epochKeys.get(record.body.epoch);
    if (key && (await enrolmentProof(key, orgId, record.body.epoch, record.body)) === record.body.keyProof) enrolled.add(record.id);
  }
  return enrolled;
}

/** A new epoch that removes `remove` from the current one: the signed record and the new key. */
export async function createRotation(
  identity: DeviceIdentity,
  membership: Membership,
  remove: string[],
): Promise<{ record: VerifiedRecord<RotationBody>; key: Uint8Array }> {
  const { orgId, current } = membership;
  if (!current.members.has(identity.deviceId)) throw new RotationError('NOT_A_MEMBER', 'This device is no longer a member of the org, so it cannot remove anyone.');
  const removed = [...new Set(remove)];
  if (removed.length === 0 || removed.includes(identity.deviceId) || removed.some((id) => !current.members.has(id))) {
    throw new RotationError('INVALID_REMOVAL', 'Only other current members can be removed.');
  }
  const key = await generateOrgKey();
  const number = current.number + 1;
  const recipients = [...current.members].filter((id) => !removed.includes(id) && membership.devices.has(id));
  const envelopes: Record<string, string> = {};
  for (const deviceId of recipients) {
    const sealingKey = deviceId === identity.deviceId ? identity.sealingKey : membership.devices.get(deviceId)!.sealingKey;
    envelopes[deviceId] = encodeBase64url(await sealToPublicKey(decodeBase64url(sealingKey)!, key, envelopeContext(orgId, number, deviceId)));
  }
  const body: RotationBody = {
    kind: 'rotation',
    orgId,
    base: current.id,
    number,
    author: identity.deviceId,
    removed,
    envelopes,
    keyCommitment: await epochKeyCommitment(key, orgId),
    createdAt: Date.now(),
  };
  return { record: (await signRecord(identity, body)) as VerifiedRecord<RotationBody>, key };
}

/** The new key from this device's envelope, checked against the rotation's commitment. */
export async function openRotation(identity: DeviceIdentity, rotation: RotationBody): Promise<Uint8Array> {
  const envelope = rotation.envelopes[identity.deviceId];
  if (envelope === undefined) throw new RotationError('KEY_MISMATCH', 'This rotation sealed no key to this device.');
  return openEnvelope(identity, rotation.orgId, rotation.number, envelope, rotation.keyCommitment);
}

/** The current key sealed to a device its inviter's epoch left out (see Membership.owedGrants). */
export async function createGrant(identity: DeviceIdentity, membership: Membership, epochKey: Uint8Array, deviceId: string): Promise<VerifiedRecord<GrantBody>> {
  const { orgId, current } = membership;
  const device = membership.devices.get(deviceId);
  if (!device) throw new RotationError('INVALID_REMOVAL', 'No such device in the list.');
  const envelope = await sealToPublicKey(decodeBase64url(device.sealingKey)!, epochKey, envelopeContext(orgId, current.number, deviceId));
  const body: GrantBody = { kind: 'grant', orgId, epoch: current.id, number: current.number, author: identity.deviceId, deviceId, envelope: encodeBase64url(envelope), at: Date.now() };
  return (await signRecord(identity, body)) as VerifiedRecord<GrantBody>;
}

export async function openGrant(identity: DeviceIdentity, grant: GrantBody, keyCommitment: string): Promise<Uint8Array> {
  return openEnvelope(identity, grant.orgId, grant.number, grant.envelope, keyCommitment);
}

async function openEnvelope(identity: DeviceIdentity, orgId: string, number: number, envelope: string, keyCommitment: string): Promise<Uint8Array> {
  const sealed = decodeBase64url(envelope);
  let key: Uint8Array;
  try {
    if (sealed === null) throw new CryptoError('DECRYPT_FAILED', 'not base64url');
    key = await openSealedToKeyPair(identity.keys.sealing, sealed, envelopeContext(orgId, number, identity.deviceId));
    if (key.byteLength !== 32 || (await epochKeyCommitment(key, orgId)) !== keyCommitment) throw new CryptoError('DECRYPT_FAILED', 'not the committed key');
  } catch (err) {
    if (!(err instanceof CryptoError)) throw err;
    throw new RotationError('KEY_MISMATCH', `The new org key sealed to this device did not open or did not match: ${err.message}`);
  }
  return key;
}
