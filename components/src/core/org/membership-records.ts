/**
 * The records of an org's member and device list, as they travel in the org document's `membership` map: each a
 * JSON body signed with Ed25519 by the device it names as its signer, keyed by its own id (the SHA-256 of its signed
 * form), so honest writers never overwrite one another. What the records mean together is membership.ts's job;
 * this module makes them and checks them one by one.
 *
 * A record is kept only if it parses, names this org, and its signature verifies under the signing key that the
 * list's own device entries give for its signer (an entry's keys hash to its device id, so no entry can lend
 * another device its keys). Anything else is ignored, never thrown: anyone who can write to the document can
 * write junk into it.
 */
import type * as Y from 'yjs';
import { decodeBase64url, encodeBase64url } from '#protocol';
import { signTranscript, verifyTranscript } from '../crypto/device-keys.ts';
import { deviceIdFor, type DeviceIdentity } from './device-identity.ts';

/** The first epoch of every org: its original org key. Later epochs are named by the rotation that began them. */
export const GENESIS_EPOCH = 'genesis';
const SIGNATURE_LABEL = 'p2p-clinic/v1/membership';
const MEMBERSHIP_MAP = 'membership';

/** A device enrolling itself in an epoch, proving with `keyProof` that it holds the epoch's key. */
export interface DeviceBody {
  kind: 'device';
  orgId: string;
  epoch: string;
  deviceId: string;
  /** One person's devices share a member id; removing a member removes them all. */
  memberId: string;
  memberName: string;
  /** The device's own name, e.g. "Front desk PC". */
  name: string;
  signingKey: string;
  sealingKey: string;
  /** The invite ticket that brought this device in, signed by its inviter; absent for the org's creator and devices enrolled before invites carried one. */
  ticket?: SignedRecord;
  addedAt: number;
  /** HMAC-SHA256 under a key derived from the epoch's org key (key-epochs.ts): only holders of that key can enrol. */
  keyProof: string;
}

/** An inviter's word that whoever holds this ticket was invited by it. */
export interface TicketBody {
  kind: 'ticket';
  orgId: string;
  epoch: string;
  inviter: string;
  ticketId: string;
  issuedAt: number;
}

export interface RenameBody {
  kind: 'rename';
  orgId: string;
  deviceId: string;
  name: string;
  at: number;
}

/** A new epoch: its key sealed to each recipient (`envelopes`), the removed devices left out. */
export interface RotationBody {
  kind: 'rotation';
  orgId: string;
  /** The epoch this rotation replaces. */
  base: string;
  /** The base's number plus one: how many rotations the org has been through. */
  number: number;
  author: string;
  removed: string[];
  /** Recipient device id → envelope (base64url), see key-rotation.ts. The author is one of them. */
  envelopes: Record<string, string>;
  /** base64url HKDF(new key, orgId, its info): every recipient checks its key against the one commitment. */
  keyCommitment: string;
  createdAt: number;
}

/** Which of a base epoch's rotations the signer follows. Its latest (by `at`) counts. */
export interface AckBody {
  kind: 'ack';
  orgId: string;
  base: string;
  rotation: string;
  deviceId: string;
  at: number;
}

/** The key of `epoch` sealed to a device a rotation left out though it was invited before (see membership.ts). */
export interface GrantBody {
  kind: 'grant';
  orgId: string;
  epoch: string;
  number: number;
  author: string;
  deviceId: string;
  envelope: string;
  at: number;
}

export type MembershipBody = DeviceBody | TicketBody | RenameBody | RotationBody | AckBody | GrantBody;

export interface SignedRecord {
  body: string;
  signer: string;
  signature: string;
}

/** A record whose signature checked out, with its body parsed. */
export interface VerifiedRecord<B extends MembershipBody = MembershipBody> {
  id: string;
  signed: SignedRecord;
  body: B;
}

export async function signRecord(identity: DeviceIdentity, body: MembershipBody): Promise<VerifiedRecord> {
  const text = JSON.stringify(body);
  const signature = await signTranscript(identity.keys.signing.privateKey, SIGNATURE_LABEL, [body.orgId, text]);
  const signed: SignedRecord = { body: text, signer: identity.deviceId, signature: encodeBase64url(signature) };
  return { id: await recordIdOf(signed), signed, body };
}

export async function recordIdOf(signed: SignedRecord): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify([signed.body, signed.signer, signed.signature]));
  return encodeBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

export const membershipMap = (doc: Y.Doc) => doc.getMap<string>(MEMBERSHIP_MAP);

export function writeRecord(doc: Y.Doc, record: VerifiedRecord): void {
  const map = membershipMap(doc);
  if (!map.has(record.id)) map.set(record.id, JSON.stringify(record.signed));
}

/** Every record of the document, unchecked: verifyRecords decides which count. */
export function readSignedRecords(doc: Y.Doc): SignedRecord[] {
  const records: SignedRecord[] = [];
  for (const text of membershipMap(doc).values()) {
    const signed = parseSigned(text);
    if (signed) records.push(signed);
  }
  return records;
}

function parseSigned(value: unknown): SignedRecord | null {
  if (typeof value !== 'string' || value.length > MAX_RECORD_CHARS) return null;
  try {
    const parsed = JSON.parse(value) as Partial<SignedRecord> | null;
    if (typeof parsed?.body !== 'string' || typeof parsed.signer !== 'string' || typeof parsed.signature !== 'string') return null;
    return { body: parsed.body, signer: parsed.signer, signature: parsed.signature };
  } catch {
    return null;
  }
}

/** A rotation of a 200-device org with its envelopes is about 30 KB; anything much larger is junk. */
const MAX_RECORD_CHARS = 256 * 1024;

/**
 * The records that verify, each once. `known` carries results from earlier calls (by record id), so a document
 * that grows by one record costs one verification, not one per record. A record whose signer (or whose ticket's
 * inviter) has no entry in the list yet is left out without a verdict, and checked again by the next call: an
 * invitee's entry usually reaches a document before its inviter's does.
 */
export async function verifyRecords(orgId: string, records: SignedRecord[], known = new Map<string, VerifiedRecord | null>()): Promise<VerifiedRecord[]> {
  const parsed = records.map((signed) => ({ signed, body: parseBody(signed.body, orgId) }));
  const signingKeys = new Map<string, string>();
  for (const { body } of parsed) {
    if (body?.kind === 'device' && !signingKeys.has(body.deviceId)) {
      const [signing, sealing] = [decodeBase64url(body.signingKey), decodeBase64url(body.sealingKey)];
      if (signing?.byteLength === 32 && sealing?.byteLength === 32 && (await deviceIdFor(signing, sealing)) === body.deviceId) {
        signingKeys.set(body.deviceId, body.signingKey);
      }
    }
  }
  const verified: VerifiedRecord[] = [];
  for (const { signed, body } of parsed) {
    const id = await recordIdOf(signed);
    let record = known.get(id);
    if (record === undefined) {
      const verdict = body ? await verdictOn(orgId, signed, body, signingKeys) : 'invalid';
      record = verdict === 'valid' ? { id, signed, body: body! } : null;
      if (verdict !== 'undecided') known.set(id, record);
    }
    if (record && !verified.some((other) => other.id === id)) verified.push(record);
  }
  return verified;
}

/** `undecided`: a key the verdict needs belongs to a device the list has no entry for yet. */
type Verdict = 'valid' | 'invalid' | 'undecided';

async function verdictOn(orgId: string, signed: SignedRecord, body: MembershipBody, signingKeys: Map<string, string>): Promise<Verdict> {
  const signer = signerOf(body);
  const signature = decodeBase64url(signed.signature);
  if ((signer !== null && signed.signer !== signer) || signature === null) return 'invalid';
  const key = signingKeys.get(signed.signer);
  if (key === undefined) return 'undecided';
  if (!(await verifyTranscript(decodeBase64url(key)!, signature, SIGNATURE_LABEL, [orgId, signed.body]))) return 'invalid';
  return body.kind === 'device' && body.ticket !== undefined ? ticketVerdict(orgId, body.ticket, signingKeys) : 'valid';
}

async function ticketVerdict(orgId: string, ticket: SignedRecord, signingKeys: Map<string, string>): Promise<Verdict> {
  const body = parseBody(ticket.body, orgId);
  return body?.kind === 'ticket' ? verdictOn(orgId, ticket, body, signingKeys) : 'invalid';
}

/**
 * The epochs in which the document holds an entry of this device's own, checked against its own key alone: until
 * its inviter's entry arrives, the list cannot verify an invitee's entry (its ticket), and the device must not take
 * that for having no entry and enrol again.
 */
export async function epochsEnrolledIn(orgId: string, doc: Y.Doc, identity: DeviceIdentity): Promise<Set<string>> {
  const epochs = new Set<string>();
  const signingKey = decodeBase64url(identity.signingKey)!;
  for (const signed of readSignedRecords(doc)) {
    if (signed.signer !== identity.deviceId) continue;
    const body = parseBody(signed.body, orgId);
    const signature = decodeBase64url(signed.signature);
    if (body?.kind !== 'device' || body.deviceId !== identity.deviceId || signature === null) continue;
    if (await verifyTranscript(signingKey, signature, SIGNATURE_LABEL, [orgId, signed.body])) epochs.add(body.epoch);
  }
  return epochs;
}

/** Who must have signed a body: the device it is about, or the one that acted. Renames may come from any member. */
function signerOf(body: MembershipBody): string | null {
  switch (body.kind) {
    case 'device':
    case 'ack':
      return body.deviceId;
    case 'ticket':
      return body.inviter;
    case 'rotation':
    case 'grant':
      return body.author;
    case 'rename':
      return null;
  }
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isTime = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** The body if it is well formed for this org; null for anything else. */
function parseBody(text: string, orgId: string): MembershipBody | null {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || body.orgId !== orgId) return null;
  switch (body.kind) {
    case 'device':
      return [body.epoch, body.deviceId, body.memberId, body.memberName, body.name, body.signingKey, body.sealingKey, body.keyProof].every(isString) &&
        isTime(body.addedAt) &&
        (body.ticket === undefined || parseSigned(JSON.stringify(body.ticket)) !== null)
        ? (body as unknown as DeviceBody)
        : null;
    case 'ticket':
      return [body.epoch, body.inviter, body.ticketId].every(isString) && isTime(body.issuedAt) ? (body as unknown as TicketBody) : null;
    case 'rename':
      return [body.deviceId, body.name].every(isString) && isTime(body.at) ? (body as unknown as RenameBody) : null;
    case 'rotation':
      return [body.base, body.author, body.keyCommitment].every(isString) &&
        isTime(body.number) &&
        isTime(body.createdAt) &&
        Array.isArray(body.removed) &&
        body.removed.every(isString) &&
        typeof body.envelopes === 'object' &&
        body.envelopes !== null &&
        Object.values(body.envelopes).every(isString)
        ? (body as unknown as RotationBody)
        : null;
    case 'ack':
      return [body.base, body.rotation, body.deviceId].every(isString) && isTime(body.at) ? (body as unknown as AckBody) : null;
    case 'grant':
      return [body.epoch, body.author, body.deviceId, body.envelope].every(isString) && isTime(body.number) && isTime(body.at)
        ? (body as unknown as GrantBody)
        : null;
    default:
      return null;
  }
}
