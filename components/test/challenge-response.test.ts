import { describe, expect, it } from 'vitest';
import {
  challengeProofs,
  createChallenge,
  respondToChallenge,
  verifyChallengeResponse,
  CHALLENGE_BYTES,
  type ChallengePurpose,
  type HandshakeChallenges,
} from '../src/core/crypto/challenge-response.ts';
import { newAesKey, newHmacKey } from './crypto-fixtures.ts';

/** Both sides' views of one handshake: each has sent its own challenge and received the other's. */
function newSession(purpose: ChallengePurpose = 'peer-auth'): { alice: HandshakeChallenges; bob: HandshakeChallenges } {
  const [a, b] = [createChallenge(), createChallenge()];
  return { alice: { purpose, ours: a, theirs: b }, bob: { purpose, ours: b, theirs: a } };
}

describe('challenge-response', () => {
  it('makes 32-byte challenges, fresh every time', () => {
    const challenges = Array.from({ length: 64 }, createChallenge);
    expect(challenges.every((c) => c.byteLength === CHALLENGE_BYTES)).toBe(true);
    expect(new Set(challenges.map((c) => Buffer.from(c).toString('hex'))).size).toBe(64);
  });

  it('verifies both directions of a handshake when both hold the key', async () => {
    const key = await newHmacKey();
    const { alice, bob } = newSession();
    const [aliceProof, bobProof] = [await respondToChallenge(key, alice), await respondToChallenge(key, bob)];
    expect(await verifyChallengeResponse(key, bob, aliceProof)).toBe(true);
    expect(await verifyChallengeResponse(key, alice, bobProof)).toBe(true);
  });

  it('refuses a proof made with another key', async () => {
    const { alice, bob } = newSession();
    const proof = await respondToChallenge(await newHmacKey(), alice);
    expect(await verifyChallengeResponse(await newHmacKey(), bob, proof)).toBe(false);
  });

  it('refuses a proof replayed from an earlier session', async () => {
    const key = await newHmacKey();
    const earlier = newSession();
    const recorded = await respondToChallenge(key, earlier.alice);
    // The attacker reuses Alice's old challenge too; only Bob's fresh challenge differs.
    const replay: HandshakeChallenges = { purpose: 'peer-auth', ours: createChallenge(), theirs: earlier.alice.ours };
    expect(await verifyChallengeResponse(key, replay, recorded)).toBe(false);
  });

  it("refuses a verifier's own proof reflected back to it", async () => {
    const key = await newHmacKey();
    const { bob } = newSession();
    const bobsProof = await respondToChallenge(key, bob);
    expect(await verifyChallengeResponse(key, bob, bobsProof)).toBe(false);
  });

  it('refuses to answer or verify when the peer sent back our own challenge', async () => {
    const key = await newHmacKey();
    const ours = createChallenge();
    const reflected: HandshakeChallenges = { purpose: 'peer-auth', ours, theirs: ours.slice() };
    await expect(respondToChallenge(key, reflected)).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_CHALLENGE' });
    await expect(verifyChallengeResponse(key, reflected, new Uint8Array(32))).rejects.toMatchObject({ code: 'INVALID_CHALLENGE' });
  });

  it('refuses a proof made for another purpose under the same key', async () => {
    const key = await newHmacKey();
    const { alice, bob } = newSession('invite-auth');
    const proof = await respondToChallenge(key, alice);
    expect(await verifyChallengeResponse(key, { ...bob, purpose: 'peer-auth' }, proof)).toBe(false);
  });

  it('refuses a proof with one bit flipped', async () => {
    const key = await newHmacKey();
    const { alice, bob } = newSession();
    const proof = await respondToChallenge(key, alice);
    proof[17]! ^= 0x80;
    expect(await verifyChallengeResponse(key, bob, proof)).toBe(false);
  });

  it('refuses a truncated or empty proof', async () => {
    const key = await newHmacKey();
    const { alice, bob } = newSession();
    const proof = await respondToChallenge(key, alice);
    expect(await verifyChallengeResponse(key, bob, proof.subarray(0, 16))).toBe(false);
    expect(await verifyChallengeResponse(key, bob, new Uint8Array())).toBe(false);
  });

  it('refuses challenges that are not 32 bytes', async () => {
    const key = await newHmacKey();
    const short: HandshakeChallenges = { purpose: 'peer-auth', ours: createChallenge(), theirs: new Uint8Array(16) };
    await expect(respondToChallenge(key, short)).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_CHALLENGE' });
  });

  it('refuses a key that is not HMAC-SHA256', async () => {
    await expect(respondToChallenge(await newAesKey(), newSession().alice)).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_KEY' });
  });

  it("completes a mutual handshake through challengeProofs, each side calling with its own (ours, theirs)", async () => {
    const key = await newHmacKey();
    const [alice, bob] = [challengeProofs(key, 'peer-auth'), challengeProofs(key, 'peer-auth')];
    const [a, b] = [createChallenge(), createChallenge()];
    expect(await bob.verify(b, a, await alice.prove(a, b))).toBe(true);
    expect(await alice.verify(a, b, await bob.prove(b, a))).toBe(true);
  });
});
