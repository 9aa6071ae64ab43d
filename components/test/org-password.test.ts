import { pbkdf2Sync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { assessOrgPassword, deriveInviteKeys, ORG_PASSWORD_ITERATIONS, type InviteKeys } from '../src/core/crypto/org-password.ts';
import { open, seal } from '../src/core/crypto/aead.ts';
import { createChallenge, respondToChallenge, verifyChallengeResponse } from '../src/core/crypto/challenge-response.ts';
import { ascii, nodeHmac, nodeOpen, sealedAssociatedData, toHex } from './crypto-fixtures.ts';

const ORG_ID = 'b6f0c1de-2d4e-4c55-9a61-3f5f0e7c9d10';
const PASSWORD = 'violet tram ledger 42';
const inviteContext = { orgId: ORG_ID, purpose: 'invite-org' as const, scope: 'invite-room-1' };

/** node's PBKDF2-HMAC-SHA256 at the documented iteration count: an independent implementation. */
const nodePbkdf2 = (password: string, salt: string) => pbkdf2Sync(password, salt, 600_000, 32, 'sha256');

let keys: InviteKeys;
beforeAll(async () => {
  keys = await deriveInviteKeys(PASSWORD, ORG_ID);
});

describe('deriveInviteKeys (PBKDF2-HMAC-SHA256)', () => {
  it('runs 600,000 iterations, OWASP’s figure for PBKDF2-HMAC-SHA256', () => {
    expect(ORG_PASSWORD_ITERATIONS).toBe(600_000);
  });

  it('derives authKey as PBKDF2(password, orgId + ":auth", 600,000) used as an HMAC-SHA256 key', async () => {
    const data = ascii('transcript');
    expect(toHex(await crypto.subtle.sign('HMAC', keys.authKey, data))).toBe(nodeHmac(nodePbkdf2(PASSWORD, `${ORG_ID}:auth`), data));
  });

  it('derives encryptionKey as PBKDF2(password, orgId + ":encrypt", 600,000) used as an AES-256-GCM key', async () => {
    const sealed = await seal(keys.encryptionKey, ascii('org key'), inviteContext);
    expect(nodeOpen(nodePbkdf2(PASSWORD, `${ORG_ID}:encrypt`), sealed, sealedAssociatedData(inviteContext)).toString()).toBe('org key');
  });

  it("gives a wrong password an authKey that cannot answer the inviter's challenge", async () => {
    const wrong = await deriveInviteKeys('violet tram ledger 43', ORG_ID);
    const [inviter, invitee] = [createChallenge(), createChallenge()];
    const proof = await respondToChallenge(wrong.authKey, { purpose: 'invite-auth', ours: invitee, theirs: inviter });
    expect(await verifyChallengeResponse(keys.authKey, { purpose: 'invite-auth', ours: inviter, theirs: invitee }, proof)).toBe(false);
  });

  it('gives a wrong password an encryptionKey that cannot open the invite', async () => {
    const wrong = await deriveInviteKeys('violet tram ledger 43', ORG_ID);
    const sealed = await seal(keys.encryptionKey, ascii('org key'), inviteContext);
    await expect(open(wrong.encryptionKey, sealed, inviteContext)).rejects.toMatchObject({ name: 'CryptoError', code: 'DECRYPT_FAILED' });
  });

  it('derives the same keys from a password typed in composed or decomposed Unicode', async () => {
    const [composed, decomposed] = [await deriveInviteKeys('café au lait 1914', ORG_ID), await deriveInviteKeys('cafe\u0301 au lait 1914', ORG_ID)];
    const sealed = await seal(composed.encryptionKey, ascii('org key'), inviteContext);
    expect(await open(decomposed.encryptionKey, sealed, inviteContext)).toEqual(ascii('org key'));
  });

  it('makes both keys non-extractable', () => {
    expect([keys.authKey.extractable, keys.encryptionKey.extractable]).toEqual([false, false]);
  });

  it('refuses an empty password', async () => {
    await expect(deriveInviteKeys('', ORG_ID)).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_KEY' });
  });
});

describe('assessOrgPassword', () => {
  it('accepts a password of 12 or more varied characters', () => {
    expect(assessOrgPassword('violet tram ledger')).toEqual({ meetsRecommendation: true, problems: [], length: 18 });
  });

  it('flags a password shorter than 12 characters', () => {
    expect(assessOrgPassword('Tr4m-l3dger')).toMatchObject({ meetsRecommendation: false, problems: ['TOO_SHORT'] });
  });

  it('flags a long password made of a few characters repeated', () => {
    expect(assessOrgPassword('abcabcabcabcabc')).toMatchObject({ meetsRecommendation: false, problems: ['FEW_DISTINCT_CHARACTERS'] });
  });

  it('counts characters as a person does, not UTF-16 units', () => {
    expect(assessOrgPassword('🦊🐻🐼🐨🐯🦁🐮🐷🐸🐵🐔').length).toBe(11);
    expect(assessOrgPassword('🦊🐻🐼🐨🐯🦁🐮🐷🐸🐵🐔').problems).toEqual(['TOO_SHORT']);
  });
});
