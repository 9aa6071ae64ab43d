/**
 * The org password guards invites only (see org-key.ts for why it derives nothing else). It enters the invite's
 * PAKE (invite-exchange.ts) as CPace's password-related string:
 *   stretched = PBKDF2-HMAC-SHA256(password, orgId + ":invite", 600,000)
 *   pakeSecret = HKDF-SHA256(stretched, salt = orgId, info = "p2p-clinic/v1/invite-pake")
 * One PBKDF2, not one per key: an attacker who could test guesses pays one stretch per guess, so the inviter and
 * invitee should pay no more than that either. Nothing sealed or sent derives from the password alone: the
 * payload key and the confirmation keys come from the PAKE's session key.
 */
import { CryptoError } from './crypto-error.ts';

/**
 * OWASP's current figure for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet). Browsers, unlike the Workers runtime
 * (capped at 100,000), run it at full strength, and it is paid once per invite on each side.
 */
export const ORG_PASSWORD_ITERATIONS = 600_000;
/** Invites refuse shorter org passwords (`Invitation.create`); `generateOrgPassword` offers one that passes. */
export const ORG_PASSWORD_MIN_LENGTH = 12;
/** A password of a few characters repeated (`abcabcabcabc`) is long but guessable early. */
const MIN_DISTINCT_CHARACTERS = 5;

/** HKDF `info` of the invite's PAKE secret: part of the protocol. */
export const INVITE_PAKE_INFO = 'p2p-clinic/v1/invite-pake';
const PAKE_SECRET_BITS = 256;

export interface InviteKeys {
  /** CPace's PRS for the invite's key exchange (raw bytes: CPace hashes it into its generator). */
  pakeSecret: Uint8Array;
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
  const material = await crypto.subtle.importKey('raw', utf8.encode(normalisePassword(password)), 'PBKDF2', false, ['deriveBits']);
  const pbkdf2 = { name: 'PBKDF2', hash: 'SHA-256', salt: utf8.encode(`${orgId}:invite`), iterations: ORG_PASSWORD_ITERATIONS };
  const stretchedBits = await crypto.subtle.deriveBits(pbkdf2, material, PAKE_SECRET_BITS);
  const stretched = await crypto.subtle.importKey('raw', stretchedBits, 'HKDF', false, ['deriveBits']);
  const hkdf = { name: 'HKDF', hash: 'SHA-256', salt: utf8.encode(orgId), info: utf8.encode(INVITE_PAKE_INFO) };
  return { pakeSecret: new Uint8Array(await crypto.subtle.deriveBits(hkdf, stretched, PAKE_SECRET_BITS)) };
}

/** Letters and digits nobody misreads when a password is read out on a call (no 0/O, 1/l/I). */
const GENERATED_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const GENERATED_GROUPS = 4;
const GENERATED_GROUP_LENGTH = 4;

/**
 * A password to offer instead of making one up: four groups of four from a 32-character alphabet, 80 random bits
 * (`k7qm-x3vt-9pfw-ha2e`), easy to read out and far beyond any online guessing.
 */
export function generateOrgPassword(): string {
  const random = crypto.getRandomValues(new Uint8Array(GENERATED_GROUPS * GENERATED_GROUP_LENGTH));
  // 256 is a multiple of 32, so taking each byte modulo the alphabet's size is uniform.
  const characters = [...random].map((byte) => GENERATED_ALPHABET[byte % GENERATED_ALPHABET.length]!);
  return Array.from({ length: GENERATED_GROUPS }, (_, group) =>
    characters.slice(group * GENERATED_GROUP_LENGTH, (group + 1) * GENERATED_GROUP_LENGTH).join(''),
  ).join('-');
}

export function assessOrgPassword(password: string): OrgPasswordAssessment {
  const characters = [...normalisePassword(password)];
  const problems: OrgPasswordProblem[] = [];
  if (characters.length < ORG_PASSWORD_MIN_LENGTH) problems.push('TOO_SHORT');
  if (new Set(characters).size < MIN_DISTINCT_CHARACTERS) problems.push('FEW_DISTINCT_CHARACTERS');
  return { meetsRecommendation: problems.length === 0, problems, length: characters.length };
}
