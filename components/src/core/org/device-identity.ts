/**
 * This device's identity: its Ed25519 and X25519 key pairs (crypto/device-keys.ts) and the id they give it, made on
 * first use and kept in an IndexedDB database of their own. One identity serves every org on the device: leaving an
 * org does not touch it. The private keys are stored as non-extractable CryptoKeys (IndexedDB keeps them by
 * structured clone), so they never leave the device, not even as bytes to page code.
 */
import * as idb from 'lib0/indexeddb';
import { encodeBase64url } from '#protocol';
import { exportPublicKey, generateDeviceKeyPairs, PUBLIC_KEY_BYTES, type DeviceKeyPairs } from '../crypto/device-keys.ts';

export const DEVICE_DATABASE = 'p2p-clinic-device';
const IDENTITY = 'identity';
const SELF = 'self';
/** 128 bits: ids are compared, never guessed, and a collision would need a second preimage of SHA-256's first half. */
const DEVICE_ID_BYTES = 16;

export interface DeviceIdentity {
  deviceId: string;
  keys: DeviceKeyPairs;
  /** base64url of the raw public keys, as the member list carries them. */
  signingKey: string;
  sealingKey: string;
}

/** base64url of the first 16 bytes of SHA-256(signing public key ‖ sealing public key): no entry can claim another's id. */
export async function deviceIdFor(signingKey: Uint8Array, sealingKey: Uint8Array): Promise<string> {
  const both = new Uint8Array(2 * PUBLIC_KEY_BYTES);
  both.set(signingKey);
  both.set(sealingKey, PUBLIC_KEY_BYTES);
  return encodeBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', both)).slice(0, DEVICE_ID_BYTES));
}

export async function identityOf(keys: DeviceKeyPairs): Promise<DeviceIdentity> {
  const [signing, sealing] = await Promise.all([exportPublicKey(keys.signing.publicKey), exportPublicKey(keys.sealing.publicKey)]);
  return { deviceId: await deviceIdFor(signing, sealing), keys, signingKey: encodeBase64url(signing), sealingKey: encodeBase64url(sealing) };
}

/** A new identity, not stored: for tests and for the device's first use (see loadDeviceIdentity). */
export async function generateDeviceIdentity(): Promise<DeviceIdentity> {
  return identityOf(await generateDeviceKeyPairs());
}

/** This device's identity, made and stored on first use. Two pages opening at once end with the same one. */
export async function loadDeviceIdentity(): Promise<DeviceIdentity> {
  const db = await idb.openDB(DEVICE_DATABASE, (database) => idb.createStores(database, [[IDENTITY]]));
  try {
    const stored = await readKeys(db);
    if (stored) return identityOf(stored);
    const fresh = await generateDeviceKeyPairs();
    // Keys are made outside the transaction (awaiting Web Crypto would end it); the transaction lets only the first
    // page's keys in, and every page reads back the same ones.
    const [store] = idb.transact(db, [IDENTITY]);
    const raced = (await idb.get(store!, SELF)) as unknown as DeviceKeyPairs | undefined;
    if (!raced) await idb.put(store!, fresh as never, SELF);
    return identityOf(raced ?? fresh);
  } finally {
    db.close();
  }
}

async function readKeys(db: IDBDatabase): Promise<DeviceKeyPairs | undefined> {
  const [store] = idb.transact(db, [IDENTITY], 'readonly');
  return (await idb.get(store!, SELF)) as unknown as DeviceKeyPairs | undefined;
}
