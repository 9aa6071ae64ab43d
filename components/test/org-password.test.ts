import { hkdfSync, pbkdf2Sync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assessOrgPassword,
  deriveInviteKeys,
  generateOrgPassword,
  INVITE_PAKE_INFO,
  ORG_PASSWORD_ITERATIONS,
  ORG_PASSWORD_MIN_LENGTH,
  type InviteKeys,
} from '../src/core/crypto/org-password.ts';
import { toHex } from './crypto-fixtures.ts';

const ORG_ID = 'b6f0c1de-2d4e-4c55-9a61-3f5f0e7c9d10';
const PASSWORD = 'violet tram ledger 42';

/** node's PBKDF2-HMAC-SHA256 at the documented iteration count, then its HKDF: an independent implementation. */
const nodePakeSecret = (password: string) =>
  Buffer.from(hkdfSync('sha256', pbkdf2Sync(password, `${ORG_ID}:invite`, 600_000, 32, 'sha256'), ORG_ID, INVITE_PAKE_INFO, 32));

let keys: InviteKeys;
beforeAll(async () => {
  keys = await deriveInviteKeys(PASSWORD, ORG_ID);
});

describe('deriveInviteKeys (one PBKDF2-HMAC-SHA256, then HKDF)', () => {
  it('runs 600,000 iterations, OWASP’s figure for PBKDF2-HMAC-SHA256', () => {
    expect(ORG_PASSWORD_ITERATIONS).toBe(600_000);
  });

  it('derives the PAKE secret as HKDF(PBKDF2(password, orgId + ":invite", 600,000), orgId, its info)', () => {
    expect(toHex(keys.pakeSecret)).toBe(nodePakeSecret(PASSWORD).toString('hex'));
  });

  it('gives another password another PAKE secret', async () => {
    expect(toHex((await deriveInviteKeys('violet tram ledger 43', ORG_ID)).pakeSecret)).not.toBe(toHex(keys.pakeSecret));
  });

  it('derives the same secret from a password typed in composed or decomposed Unicode', async () => {
    const [composed, decomposed] = [await deriveInviteKeys('café au lait 1914', ORG_ID), await deriveInviteKeys('cafe\u0301 au lait 1914', ORG_ID)];
    expect(toHex(decomposed.pakeSecret)).toBe(toHex(composed.pakeSecret));
  });

  it('refuses an empty password', async () => {
    await expect(deriveInviteKeys('', ORG_ID)).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_KEY' });
  });
});

describe('generateOrgPassword', () => {
  it('offers four groups of four unambiguous characters that meet the minimum', () => {
    const password = generateOrgPassword();
    expect(password).toMatch(/^[a-km-np-z2-9]{4}(-[a-km-np-z2-9]{4}){3}$/);
    expect(assessOrgPassword(password).length).toBeGreaterThanOrEqual(ORG_PASSWORD_MIN_LENGTH);
  });

  it('offers a different password each time', () => {
    expect(new Set(Array.from({ length: 20 }, generateOrgPassword)).size).toBe(20);
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
