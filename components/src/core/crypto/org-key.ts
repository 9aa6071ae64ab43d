/**
 * The org key: 256 random bits made on the device that creates an org. Every other org secret (signalling,
 * peer authentication, relay encryption, the relay join secret) is derived from it, so it is the one secret an
 * invite has to carry.
 */
import { CryptoError } from './crypto-error.ts';

/** AES-256 and HMAC-SHA256 both want 32 bytes; HKDF's input keying material should carry at least that much entropy. */
export const ORG_KEY_BYTES = 32;

export async function generateOrgKey(): Promise<Uint8Array> {
  return crypto.getRandomValues(new Uint8Array(ORG_KEY_BYTES));
}

export function assertOrgKey(orgKey: Uint8Array): void {
  if (!(orgKey instanceof Uint8Array) || orgKey.byteLength !== ORG_KEY_BYTES) {
    throw new CryptoError('INVALID_KEY', `an org key is ${ORG_KEY_BYTES} bytes`);
  }
}
