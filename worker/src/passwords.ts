import { decodeBase64url, encodeBase64url } from './protocol/index.ts';

/**
 * Account passwords are stored as PBKDF2-SHA256 hashes. 100,000 iterations is the most the Workers runtime
 * accepts in production (local workerd allows more, so a higher figure would pass tests and fail live).
 */
export const PBKDF2_ITERATIONS_WORKER = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

export interface PasswordHash {
  /** base64url */
  salt: string;
  /** base64url */
  hash: string;
  iterations: number;
}

export async function hashPassword(password: string, salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES))): Promise<PasswordHash> {
  const hash = await derive(password, salt, PBKDF2_ITERATIONS_WORKER);
  return { salt: encodeBase64url(salt), hash: encodeBase64url(hash), iterations: PBKDF2_ITERATIONS_WORKER };
}

/** Constant-time check of a password against a stored hash. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const salt = decodeBase64url(stored.salt);
  const expected = decodeBase64url(stored.hash);
  if (!salt || !expected) return false;
  const actual = await derive(password, salt, stored.iterations);
  return actual.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(actual, expected);
}

/**
 * A stand-in hash for unknown emails: verifying against it costs the same as a real verification,
 * so a login's timing does not tell whether the account exists.
 */
export const DECOY_PASSWORD_HASH: PasswordHash = {
  salt: 'AAAAAAAAAAAAAAAAAAAAAA',
  hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  iterations: PBKDF2_ITERATIONS_WORKER,
};

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, HASH_BITS);
  return new Uint8Array(bits);
}
