/**
 * The relay workspace's join verifier: what the Worker stores so it can check a join secret without keeping it.
 * The Worker computes exactly this in `SyncRoom.join` (worker/src/sync-room.ts); a 256-bit secret makes a bare
 * SHA-256 enough (there is nothing to guess, so no salt or stretching).
 */
import { decodeBase64url, encodeBase64url } from '#protocol';
import { CryptoError } from './crypto-error.ts';

/** deriveOrgSubkeys makes 32-byte join secrets; anything else is a caller's mistake, not a secret. */
const JOIN_SECRET_BYTES = 32;

export async function joinVerifierFor(joinSecret: string): Promise<string> {
  const secret = decodeBase64url(joinSecret);
  if (secret === null || secret.byteLength !== JOIN_SECRET_BYTES) throw new CryptoError('INVALID_KEY', `a join secret is ${JOIN_SECRET_BYTES} bytes in base64url`);
  return encodeBase64url(new Uint8Array(await crypto.subtle.digest('SHA-256', secret.slice())));
}
