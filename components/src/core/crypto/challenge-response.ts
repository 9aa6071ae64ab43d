/**
 * Mutual challenge-response over HMAC-SHA256, between an org's peers (key: the org's peerAuthKey). Invites, whose
 * secret is a password, run a PAKE instead (invite-exchange.ts).
 *
 * The handshake: each side sends a fresh 32-byte challenge; then each answers the other's with
 *   proof = HMAC(key, transcript(label, purpose, "prover", proverChallenge, "verifier", verifierChallenge)).
 * Each side's role is fixed by which challenge it answers and which it owns, so:
 * - a replayed proof fails, since it answers a challenge from another session, never the verifier's fresh one;
 * - a reflected proof (the verifier's own, sent back) fails, since its roles are the other way round;
 * - a proof made for one purpose never verifies for another.
 * Verification uses crypto.subtle.verify, which compares in constant time.
 */
import { CryptoError } from './crypto-error.ts';
import { encodeTranscript } from './transcript.ts';

export const CHALLENGE_BYTES = 32;
/** An HMAC-SHA256 output, untruncated. */
export const PROOF_BYTES = 32;
const LABEL = 'p2p-clinic/v1/challenge-response';

export type ChallengePurpose =
  /** Two devices of the same org, before any Yjs data flows between them. */
  | 'peer-auth'
  /**
   * Retired: invites proved the org password this way until they moved to a PAKE. The label stays reserved, so that
   * no later purpose signs transcripts an old client would have accepted as an invite's.
   */
  | 'invite-auth';

/** One side's view of a handshake: its own challenge and the one the other side sent. */
export interface HandshakeChallenges {
  purpose: ChallengePurpose;
  ours: Uint8Array;
  theirs: Uint8Array;
}

export function createChallenge(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(CHALLENGE_BYTES));
}

function assertChallenges({ ours, theirs }: HandshakeChallenges): void {
  if (ours.byteLength !== CHALLENGE_BYTES || theirs.byteLength !== CHALLENGE_BYTES) {
    throw new CryptoError('INVALID_CHALLENGE', `challenges are ${CHALLENGE_BYTES} bytes`);
  }
  // Equal challenges would make both roles' transcripts identical, so one side's proof would serve for the other.
  if (ours.every((byte, i) => byte === theirs[i])) throw new CryptoError('INVALID_CHALLENGE', 'the peer sent back our own challenge');
}

function transcript(purpose: ChallengePurpose, prover: Uint8Array, verifier: Uint8Array): Uint8Array<ArrayBuffer> {
  return encodeTranscript(LABEL, [purpose, 'prover', prover, 'verifier', verifier]);
}

function assertHmacKey(key: CryptoKey): void {
  const algorithm = key.algorithm as HmacKeyAlgorithm;
  if (algorithm.name !== 'HMAC' || algorithm.hash.name !== 'SHA-256') throw new CryptoError('INVALID_KEY', 'challenge-response needs an HMAC-SHA256 key');
}

/** Our proof, answering their challenge as the owner of ours. */
export async function respondToChallenge(key: CryptoKey, challenges: HandshakeChallenges): Promise<Uint8Array> {
  assertHmacKey(key);
  assertChallenges(challenges);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, transcript(challenges.purpose, challenges.ours, challenges.theirs)));
}

/** Whether `proof` is their answer to our challenge, made by the owner of theirs under the same key. */
export async function verifyChallengeResponse(key: CryptoKey, challenges: HandshakeChallenges, proof: Uint8Array): Promise<boolean> {
  assertHmacKey(key);
  assertChallenges(challenges);
  if (proof.byteLength !== PROOF_BYTES) return false;
  return crypto.subtle.verify('HMAC', key, proof.slice(), transcript(challenges.purpose, challenges.theirs, challenges.ours));
}

/** The two steps of one purpose under one key, in the shape a connection's handshake (e.g. the peer gate) calls them. */
export function challengeProofs(key: CryptoKey, purpose: ChallengePurpose) {
  assertHmacKey(key);
  return {
    prove: (ours: Uint8Array, theirs: Uint8Array) => respondToChallenge(key, { purpose, ours, theirs }),
    verify: (ours: Uint8Array, theirs: Uint8Array, proof: Uint8Array) => verifyChallengeResponse(key, { purpose, ours, theirs }, proof),
  };
}
