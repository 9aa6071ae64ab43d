/**
 * The org password guards invites only (see org-key.ts for why it derives nothing else). Per the seed:
 * authKey = PBKDF2(password, orgId + ":auth") proves the password in the invite handshake, and
 * encryptionKey = PBKDF2(password, orgId + ":encrypt") encrypts the org key sent to the invitee.
 */
import { CryptoError } from './crypto-error.ts';

/**
 * OWASP's current figure for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet). Browsers, unlike the Workers runtime
 * (capped at 100,000), run it at full strength, and it is paid once per invite on each side.
 */
export const ORG_PASSWORD_ITERATIONS = 600_000;
/** What the UI recommends; shorter passwords are allowed but flagged. */
export const ORG_PASSWORD_MIN_LENGTH = 12;
/** A password of a few characters repeated (`abcabcabcabc`) is long but guessable early. */
const MIN_DISTINCT_CHARACTERS = 5;

export interface InviteKeys {
  /** HMAC-SHA256: the invite's challenge-response. */
  authKey: CryptoKey;
  /** AES-256-GCM: seals the org and its key for the invitee. */
  encryptionKey: CryptoKey;
}

export type OrgPasswordProblem = 'TOO_SHORT' | 'FEW_DISTINCT_CHARACTERS';

export interface OrgPasswordAssessment {
  meetsRecommendation: boolean;
  problems: OrgPasswordProblem[];
  /** In characters as a person counts them (code points after normalisation), not UTF-16 units. */
  length: number;
}

const utf8 = new TextEncoder();

/**
 * NFC so that the same password typed on two systems (é as one code point, or e plus an accent) gives the same keys,
 * as RFC 8265's OpaqueString profile does.
 */
function normalisePassword(password: string): string {
  return password.normalize('NFC');
}

export async function deriveInviteKeys(password: string, orgId: string): Promise<InviteKeys> {
  if (password.length === 0) throw new CryptoError('INVALID_KEY', 'the org password is empty');
  const material = await crypto.subtle.importKey('raw', utf8.encode(normalisePassword(password)), 'PBKDF2', false, ['deriveKey']);
  const pbkdf2 = (salt: string) => ({ name: 'PBKDF2', hash: 'SHA-256', salt: utf8.encode(salt), iterations: ORG_PASSWORD_ITERATIONS });
  const [authKey, encryptionKey] = await Promise.all([
    crypto.subtle.deriveKey(pbkdf2(`${orgId}:auth`), material, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']),
    crypto.subtle.deriveKey(pbkdf2(`${orgId}:encrypt`), material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
  ]);
  return { authKey, encryptionKey };
}

export function assessOrgPassword(password: string): OrgPasswordAssessment {
  const characters = [...normalisePassword(password)];
  const problems: OrgPasswordProblem[] = [];
  if (characters.length < ORG_PASSWORD_MIN_LENGTH) problems.push('TOO_SHORT');
  if (new Set(characters).size < MIN_DISTINCT_CHARACTERS) problems.push('FEW_DISTINCT_CHARACTERS');
  return { meetsRecommendation: problems.length === 0, problems, length: characters.length };
}
