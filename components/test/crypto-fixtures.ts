/** Small factories for the crypto tests, and node:crypto as an independent second implementation to check against. */
import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { IV_BYTES, SEALED_FORMAT_VERSION, TAG_BYTES, type EncryptionContext } from '../src/core/crypto/aead.ts';
import { encodeTranscript } from '../src/core/crypto/transcript.ts';
import { ORG_SUBKEY_INFO } from '../src/core/crypto/org-key.ts';

export function hex(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

export function toHex(bytes: Uint8Array | ArrayBuffer): string {
  return Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString('hex');
}

/** The bytes first, first+1, …, last: how RFC 5869 writes its longer inputs. */
export function byteRange(first: number, last: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export function repeated(byte: number, length: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(length).fill(byte);
}

export function ascii(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

export function relayContext(overrides: Partial<EncryptionContext> = {}): EncryptionContext {
  return { orgId: 'org-7f3a', purpose: 'relay-update', scope: 'workspace-51c2', ...overrides };
}

export function newAesKey(raw: Uint8Array<ArrayBuffer> = crypto.getRandomValues(new Uint8Array(32))): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export function newHmacKey(raw: Uint8Array<ArrayBuffer> = crypto.getRandomValues(new Uint8Array(32))): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** node's HKDF over the same inputs deriveOrgSubkeys documents. */
export function nodeSubkey(orgKey: Uint8Array, orgId: string, purpose: keyof typeof ORG_SUBKEY_INFO): Buffer {
  return Buffer.from(hkdfSync('sha256', orgKey, orgId, ORG_SUBKEY_INFO[purpose], 32));
}

export function nodeHmac(rawKey: Uint8Array, message: Uint8Array): string {
  return createHmac('sha256', rawKey).update(message).digest('hex');
}

/** Opens the documented sealed format (version ‖ IV ‖ ciphertext ‖ tag) with node's AES-256-GCM. */
export function nodeOpen(rawKey: Uint8Array, sealed: Uint8Array, associatedData: Uint8Array): Buffer {
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', rawKey, iv);
  decipher.setAAD(associatedData);
  decipher.setAuthTag(sealed.subarray(sealed.byteLength - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES, sealed.byteLength - TAG_BYTES)), decipher.final()]);
}

/** The associated data of a sealed message, as aead.ts documents it: label, version, org id, purpose, scope. */
export function sealedAssociatedData(context: EncryptionContext): Uint8Array {
  return encodeTranscript('p2p-clinic/v1/aead', [Uint8Array.of(SEALED_FORMAT_VERSION), context.orgId, context.purpose, context.scope]);
}
