/**
 * Authenticated encryption for everything an org stores or sends through others: AES-256-GCM with a fresh random
 * 96-bit IV per message, and associated data that binds the ciphertext to its context, so a blob copied from one
 * workspace, org or purpose into another fails to open instead of being applied there.
 *
 * Sealed format: version (1 byte) ‖ IV (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes). The version byte lets the
 * format change without guessing; it is covered by the associated data, so it cannot be swapped either.
 */
import { CryptoError } from './crypto-error.ts';
import { encodeTranscript } from './transcript.ts';

/** What a sealed message is for. Each purpose is a distinct associated-data label. */
export type EncryptionPurpose =
  /** A Yjs update or snapshot pushed to the relay. */
  | 'relay-update'
  /** A relay workspace's name, encrypted before the Worker stores it. */
  | 'workspace-name'
  /** The org (id, name, colour, room id) and org key sent to an invitee. */
  | 'invite-org'
  /** A new epoch's org key sealed to one remaining device at a rotation. */
  | 'epoch-key'
  /** An epoch's org key in a recovery kit, sealed under a key from the kit's passphrase. */
  | 'recovery-kit';

export interface EncryptionContext {
  orgId: string;
  purpose: EncryptionPurpose;
  /** What inside the org the message belongs to: the relay workspace id, the invite room id; '' when nothing narrower exists. */
  scope: string;
}

/** A key bound to one context: what a relay client or an invite needs, with nothing left to get wrong. */
export interface BoundCipher {
  seal(plaintext: Uint8Array): Promise<Uint8Array>;
  open(sealed: Uint8Array): Promise<Uint8Array>;
}

export const SEALED_FORMAT_VERSION = 1;
/** 96 bits is GCM's native IV size (NIST SP 800-38D §8.2); random IVs keep the collision risk negligible below 2^32 messages per key. */
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;
const AAD_LABEL = 'p2p-clinic/v1/aead';

function associatedData(version: number, context: EncryptionContext): Uint8Array<ArrayBuffer> {
  return encodeTranscript(AAD_LABEL, [Uint8Array.of(version), context.orgId, context.purpose, context.scope]);
}

function assertAesGcmKey(key: CryptoKey): void {
  const algorithm = key.algorithm as AesKeyAlgorithm;
  if (algorithm.name !== 'AES-GCM' || algorithm.length !== 256) throw new CryptoError('INVALID_KEY', 'sealing needs an AES-256-GCM key');
}

export async function seal(key: CryptoKey, plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
  assertAesGcmKey(key);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const additionalData = associatedData(SEALED_FORMAT_VERSION, context);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData, tagLength: TAG_BYTES * 8 }, key, plaintext.slice()));
  const sealed = new Uint8Array(HEADER_BYTES + ciphertext.byteLength);
  sealed[0] = SEALED_FORMAT_VERSION;
  sealed.set(iv, 1);
  sealed.set(ciphertext, HEADER_BYTES);
  return sealed;
}

/** Throws a CryptoError unless `sealed` was made by `seal` under this key for exactly this context, unaltered. */
export async function open(key: CryptoKey, sealed: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
  assertAesGcmKey(key);
  if (sealed.byteLength < HEADER_BYTES + TAG_BYTES) throw new CryptoError('DECRYPT_FAILED', 'the sealed message is truncated');
  const version = sealed[0]!;
  if (version !== SEALED_FORMAT_VERSION) throw new CryptoError('UNSUPPORTED_VERSION', `sealed format version ${version} is not supported`);
  const iv = sealed.slice(1, HEADER_BYTES);
  const additionalData = associatedData(version, context);
  try {
    const ciphertext = sealed.slice(HEADER_BYTES);
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData, tagLength: TAG_BYTES * 8 }, key, ciphertext));
  } catch {
    // Web Crypto's OperationError says only that authentication failed; which part was wrong is not knowable (by design).
    throw new CryptoError('DECRYPT_FAILED', 'the sealed message was altered, or belongs to another key or context');
  }
}

/** A non-extractable AES-256-GCM key as HKDF-SHA256(secret, salt, info): how every key of this module is made from a shared secret. */
export async function deriveAesGcmKey(secret: BufferSource, salt: Uint8Array, info: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  const hkdf = { name: 'HKDF', hash: 'SHA-256', salt: salt.slice(), info: new TextEncoder().encode(info) };
  return crypto.subtle.deriveKey(hkdf, ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export function bindCipher(key: CryptoKey, context: EncryptionContext): BoundCipher {
  assertAesGcmKey(key);
  const bound = { ...context };
  return {
    seal: (plaintext) => seal(key, plaintext, bound),
    open: (sealed) => open(key, sealed, bound),
  };
}
