/**
 * A device's two key pairs: Ed25519 to sign what it adds to an org's member list, X25519 to receive a new org key
 * sealed to it at a rotation. Both are Web Crypto's (Chromium, Firefox ESR and Node 20 have them natively); the
 * private halves are made non-extractable, so page code can use them but nothing can read their bytes.
 *
 * Sealing to a public key is HPKE's shape in base mode (RFC 9180: DHKEM(X25519) with HKDF-SHA256, then AES-256-GCM),
 * composed from Web Crypto's primitives: a fresh ephemeral X25519 key pair per message, HKDF over the shared secret
 * salted with both public keys, and the org's AEAD with its associated data, so an envelope opens only for its
 * recipient and only in the context it was sealed for.
 */
import { bindCipher, deriveAesGcmKey, type EncryptionContext } from './aead.ts';
import { CryptoError } from './crypto-error.ts';
import { encodeTranscript } from './transcript.ts';

export interface DeviceKeyPairs {
  signing: CryptoKeyPair;
  sealing: CryptoKeyPair;
}

/** Raw public keys: 32 bytes each for Ed25519 and X25519. */
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
const ENVELOPE_INFO = 'p2p-clinic/v1/epoch-envelope';

export async function generateDeviceKeyPairs(): Promise<DeviceKeyPairs> {
  const [signing, sealing] = await Promise.all([
    crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']) as Promise<CryptoKeyPair>,
    crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']) as Promise<CryptoKeyPair>,
  ]);
  return { signing, sealing };
}

export async function exportPublicKey(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey('raw', key));
}

async function importPublicKey(raw: Uint8Array, algorithm: 'Ed25519' | 'X25519'): Promise<CryptoKey> {
  if (raw.byteLength !== PUBLIC_KEY_BYTES) throw new CryptoError('INVALID_KEY', `an ${algorithm} public key is ${PUBLIC_KEY_BYTES} bytes`);
  try {
    return await crypto.subtle.importKey('raw', raw.slice(), { name: algorithm }, true, algorithm === 'Ed25519' ? ['verify'] : []);
  } catch {
    throw new CryptoError('INVALID_KEY', `not an ${algorithm} public key`);
  }
}

/** Ed25519 over a transcript of `label` and `fields`, so a signature made for one purpose never verifies for another. */
export async function signTranscript(privateKey: CryptoKey, label: string, fields: readonly (string | Uint8Array)[]): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, encodeTranscript(label, fields)));
}

/** False, never a throw, for a bad key or a bad signature: an unverifiable record is simply ignored. */
export async function verifyTranscript(
  publicKey: Uint8Array,
  signature: Uint8Array,
  label: string,
  fields: readonly (string | Uint8Array)[],
): Promise<boolean> {
  if (signature.byteLength !== SIGNATURE_BYTES) return false;
  try {
    const key = await importPublicKey(publicKey, 'Ed25519');
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature.slice(), encodeTranscript(label, fields));
  } catch {
    return false;
  }
}

function envelopeKey(sharedSecret: ArrayBuffer, ephemeral: Uint8Array, recipient: Uint8Array): Promise<CryptoKey> {
  return deriveAesGcmKey(sharedSecret, encodeTranscript(ENVELOPE_INFO, [ephemeral, recipient]), ENVELOPE_INFO);
}

/** Seals `plaintext` so that only the holder of the X25519 private key for `recipient` can open it: ephemeral key ‖ sealed. */
export async function sealToPublicKey(recipient: Uint8Array, plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
  const recipientKey = await importPublicKey(recipient, 'X25519');
  const ephemeral = (await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits'])) as CryptoKeyPair;
  const ephemeralRaw = await exportPublicKey(ephemeral.publicKey);
  const shared = await crypto.subtle.deriveBits({ name: 'X25519', public: recipientKey }, ephemeral.privateKey, 256);
  const sealed = await bindCipher(await envelopeKey(shared, ephemeralRaw, recipient), context).seal(plaintext);
  const envelope = new Uint8Array(PUBLIC_KEY_BYTES + sealed.byteLength);
  envelope.set(ephemeralRaw);
  envelope.set(sealed, PUBLIC_KEY_BYTES);
  return envelope;
}

/** Throws CryptoError `DECRYPT_FAILED` unless `envelope` was sealed to this key pair for exactly this context. */
export async function openSealedToKeyPair(keys: CryptoKeyPair, envelope: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
  if (envelope.byteLength <= PUBLIC_KEY_BYTES) throw new CryptoError('DECRYPT_FAILED', 'the envelope is truncated');
  const ephemeralRaw = envelope.slice(0, PUBLIC_KEY_BYTES);
  let shared: ArrayBuffer;
  try {
    shared = await crypto.subtle.deriveBits({ name: 'X25519', public: await importPublicKey(ephemeralRaw, 'X25519') }, keys.privateKey, 256);
  } catch {
    // A low-order ephemeral key gives an all-zero secret, which Web Crypto refuses: an altered envelope, like any other.
    throw new CryptoError('DECRYPT_FAILED', 'the envelope was altered, or sealed to another device');
  }
  const key = await envelopeKey(shared, ephemeralRaw, await exportPublicKey(keys.publicKey));
  return bindCipher(key, context).open(envelope.slice(PUBLIC_KEY_BYTES));
}
