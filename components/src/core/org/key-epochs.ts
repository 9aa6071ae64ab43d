/**
 * An org's epochs: each rotation gives the org a new org key, and everything follows from it as from the first
 * (`deriveOrgSubkeys`: signalling password, peer-auth key, relay key, join secret, workspace id), plus a signalling
 * room of its own, so a removed device knows none of them. The first epoch keeps the room the org always had.
 *
 * Every epoch key a device has held is kept, in an IndexedDB database of their own beside the org keys: a recovery
 * kit, or a device that was offline during a rotation, may still need an older one.
 */
import * as idb from 'lib0/indexeddb';
import { encodeBase64url } from '#protocol';
import { assertOrgKey, deriveOrgSubkeys, type OrgSubkeys } from '../crypto/org-key.ts';
import { encodeTranscript } from '../crypto/transcript.ts';

export const EPOCH_KEY_DATABASE = 'p2p-clinic-epoch-keys';
const EPOCH_KEYS = 'epochKeys';

export const EPOCH_INFO = {
  signallingRoom: 'p2p-clinic/v1/signalling-room',
  keyCommitment: 'p2p-clinic/v1/epoch-commitment',
  enrolment: 'p2p-clinic/v1/enrolment',
} as const;

export interface EpochSubkeys extends OrgSubkeys {
  /** The epoch's signalling room; null for the first epoch, which keeps the org's own (`Org.roomId`). */
  roomId: string | null;
}

export interface StoredEpochKey {
  orgId: string;
  epoch: string;
  number: number;
  key: Uint8Array;
}

const utf8 = new TextEncoder();

async function hkdfBits(key: Uint8Array, orgId: string, info: string, bits = 256): Promise<Uint8Array> {
  assertOrgKey(key);
  const ikm = await crypto.subtle.importKey('raw', key.slice(), 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: utf8.encode(orgId), info: utf8.encode(info) }, ikm, bits));
}

export async function deriveEpochSubkeys(key: Uint8Array, orgId: string, number: number): Promise<EpochSubkeys> {
  const [subkeys, room] = await Promise.all([deriveOrgSubkeys(key, orgId), number === 0 ? null : hkdfBits(key, orgId, EPOCH_INFO.signallingRoom, 128)]);
  return { ...subkeys, roomId: room && `${orgId}.e${number}.${encodeBase64url(room)}` };
}

/** What a rotation publishes about its key: recipients check theirs against it, so all of them get the same one. */
export async function epochKeyCommitment(key: Uint8Array, orgId: string): Promise<string> {
  return encodeBase64url(await hkdfBits(key, orgId, EPOCH_INFO.keyCommitment));
}

/**
 * A device's proof that it holds an epoch's key when it enrols in that epoch: HMAC-SHA256 under a key from the
 * epoch's org key, over the org, the epoch and the device's public keys. A removed device cannot make one for an
 * epoch it has no key to, so it cannot enrol itself (or anyone) there.
 */
export async function enrolmentProof(key: Uint8Array, orgId: string, epoch: string, device: { deviceId: string; signingKey: string; sealingKey: string }): Promise<string> {
  const macKey = await crypto.subtle.importKey('raw', (await hkdfBits(key, orgId, EPOCH_INFO.enrolment)).slice(), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const transcript = encodeTranscript(EPOCH_INFO.enrolment, [orgId, epoch, device.deviceId, device.signingKey, device.sealingKey]);
  return encodeBase64url(new Uint8Array(await crypto.subtle.sign('HMAC', macKey, transcript)));
}

async function withEpochKeys<T>(access: 'readonly' | 'readwrite', use: (store: IDBObjectStore) => Promise<T>): Promise<T> {
  const db = await idb.openDB(EPOCH_KEY_DATABASE, (database) => idb.createStores(database, [[EPOCH_KEYS]]));
  try {
    const [store] = idb.transact(db, [EPOCH_KEYS], access);
    return await use(store!);
  } finally {
    db.close();
  }
}

const storageKey = (orgId: string, epoch: string) => `${orgId}/${epoch}`;

export async function saveEpochKey(stored: StoredEpochKey): Promise<void> {
  assertOrgKey(stored.key);
  await withEpochKeys('readwrite', (store) => idb.put(store, { ...stored, key: new Uint8Array(stored.key) } as never, storageKey(stored.orgId, stored.epoch)));
}

/** Every epoch key this device holds for an org, oldest epoch first. */
export async function loadEpochKeys(orgId: string): Promise<StoredEpochKey[]> {
  const prefix = `${orgId}/`;
  const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
  const all = (await withEpochKeys('readonly', (store) => idb.getAll(store, range))) as StoredEpochKey[];
  return all.sort((a, b) => a.number - b.number);
}

export async function deleteEpochKeys(orgId: string): Promise<void> {
  const prefix = `${orgId}/`;
  await withEpochKeys('readwrite', (store) => idb.del(store, IDBKeyRange.bound(prefix, `${prefix}\uffff`)));
}
