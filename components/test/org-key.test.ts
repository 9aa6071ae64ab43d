import { hkdfSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { deriveOrgSubkeys, generateOrgKey, ORG_ID_INFO, ORG_SUBKEY_INFO, orgIdFor, orgIdMatchesKey } from '../src/core/crypto/org-key.ts';
import { open, seal } from '../src/core/crypto/aead.ts';
import { createChallenge, respondToChallenge, verifyChallengeResponse } from '../src/core/crypto/challenge-response.ts';
import { ascii, nodeHmac, nodeOpen, nodeSubkey, relayContext, sealedAssociatedData, toHex } from './crypto-fixtures.ts';

const ORG_ID = 'b6f0c1de-2d4e-4c55-9a61-3f5f0e7c9d10';
const purposes = Object.keys(ORG_SUBKEY_INFO) as (keyof typeof ORG_SUBKEY_INFO)[];

describe('deriveOrgSubkeys (HKDF-SHA256, salt = org id, info per purpose)', () => {
  it('derives the signalling password as base64url of HKDF(org key, org id, its info)', async () => {
    const orgKey = await generateOrgKey();
    const { signallingPassword } = await deriveOrgSubkeys(orgKey, ORG_ID);
    expect(signallingPassword).toBe(nodeSubkey(orgKey, ORG_ID, 'signallingPassword').toString('base64url'));
  });

  it('derives the join secret as base64url of HKDF(org key, org id, its info)', async () => {
    const orgKey = await generateOrgKey();
    const { joinSecret } = await deriveOrgSubkeys(orgKey, ORG_ID);
    expect(joinSecret).toBe(nodeSubkey(orgKey, ORG_ID, 'joinSecret').toString('base64url'));
  });

  it('derives the relay workspace id as a v4 UUID of the first 16 bytes of HKDF(org key, org id, its info)', async () => {
    const orgKey = await generateOrgKey();
    const { relayWorkspaceId } = await deriveOrgSubkeys(orgKey, ORG_ID);
    const bytes = nodeSubkey(orgKey, ORG_ID, 'relayWorkspaceId').subarray(0, 16);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    expect(relayWorkspaceId.replaceAll('-', '')).toBe(bytes.toString('hex'));
    expect(relayWorkspaceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('derives the peer-auth key as the HMAC-SHA256 key HKDF(org key, org id, its info)', async () => {
    const orgKey = await generateOrgKey();
    const { peerAuthKey } = await deriveOrgSubkeys(orgKey, ORG_ID);
    const data = ascii('any message');
    expect(toHex(await crypto.subtle.sign('HMAC', peerAuthKey, data))).toBe(nodeHmac(nodeSubkey(orgKey, ORG_ID, 'peerAuthKey'), data));
  });

  it('derives the relay key as the AES-256-GCM key HKDF(org key, org id, its info)', async () => {
    const orgKey = await generateOrgKey();
    const { relayKey } = await deriveOrgSubkeys(orgKey, ORG_ID);
    const context = relayContext({ orgId: ORG_ID });
    const sealed = await seal(relayKey, ascii('relay blob'), context);
    expect(nodeOpen(nodeSubkey(orgKey, ORG_ID, 'relayKey'), sealed, sealedAssociatedData(context)).toString()).toBe('relay blob');
  });

  it('derives a different secret for every purpose', async () => {
    const orgKey = await generateOrgKey();
    // Which HKDF info each of deriveOrgSubkeys's own derivations used: one per purpose, none shared.
    const infos: string[] = [];
    const record = (algorithm: unknown) => {
      const { name, info } = algorithm as { name: string; info?: BufferSource };
      if (name === 'HKDF' && info) infos.push(new TextDecoder().decode(info));
    };
    const deriveBits = crypto.subtle.deriveBits.bind(crypto.subtle);
    const deriveKey = crypto.subtle.deriveKey.bind(crypto.subtle);
    vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation((algorithm, ...rest) => (record(algorithm), deriveBits(algorithm, ...rest)));
    vi.spyOn(crypto.subtle, 'deriveKey').mockImplementation((algorithm, ...rest) => (record(algorithm), deriveKey(algorithm, ...rest)));
    let subkeys;
    try {
      subkeys = await deriveOrgSubkeys(orgKey, ORG_ID);
    } finally {
      vi.restoreAllMocks();
    }
    expect(infos.sort()).toEqual(purposes.map((purpose) => ORG_SUBKEY_INFO[purpose]).sort());
    // And what comes out differs wherever it can be compared as bytes: the two secrets and the workspace id.
    const secretBytes = [subkeys.signallingPassword, subkeys.joinSecret].map((secret) => Buffer.from(secret, 'base64url').toString('hex'));
    const workspaceIdHex = subkeys.relayWorkspaceId.replaceAll('-', '');
    expect(new Set([...secretBytes, workspaceIdHex]).size).toBe(3);
    for (const hex of secretBytes) expect(hex.slice(0, 32)).not.toBe(workspaceIdHex);
  });

  it('gives every device the same subkeys for the same org key and org', async () => {
    const orgKey = await generateOrgKey();
    const [first, second] = [await deriveOrgSubkeys(orgKey, ORG_ID), await deriveOrgSubkeys(orgKey.slice(), ORG_ID)];
    expect(second.signallingPassword).toBe(first.signallingPassword);
    expect(second.joinSecret).toBe(first.joinSecret);
    const context = relayContext();
    expect(await open(second.relayKey, await seal(first.relayKey, ascii('x'), context), context)).toEqual(ascii('x'));
  });

  it('derives different subkeys for another org id under the same org key', async () => {
    const orgKey = await generateOrgKey();
    const [mine, other] = [await deriveOrgSubkeys(orgKey, ORG_ID), await deriveOrgSubkeys(orgKey, 'another-org')];
    expect(other.signallingPassword).not.toBe(mine.signallingPassword);
    expect(other.joinSecret).not.toBe(mine.joinSecret);
  });

  it("refuses another org's relay blobs even in an identical context", async () => {
    const [mine, other] = [await deriveOrgSubkeys(await generateOrgKey(), ORG_ID), await deriveOrgSubkeys(await generateOrgKey(), ORG_ID)];
    const context = relayContext({ orgId: ORG_ID });
    const sealed = await seal(other.relayKey, ascii('not yours'), context);
    await expect(open(mine.relayKey, sealed, context)).rejects.toMatchObject({ name: 'CryptoError', code: 'DECRYPT_FAILED' });
  });

  it("refuses another org's peer proof", async () => {
    const [mine, other] = [await deriveOrgSubkeys(await generateOrgKey(), ORG_ID), await deriveOrgSubkeys(await generateOrgKey(), ORG_ID)];
    const [a, b] = [createChallenge(), createChallenge()];
    const proof = await respondToChallenge(other.peerAuthKey, { purpose: 'peer-auth', ours: a, theirs: b });
    expect(await verifyChallengeResponse(mine.peerAuthKey, { purpose: 'peer-auth', ours: b, theirs: a }, proof)).toBe(false);
  });

  it('makes the CryptoKey subkeys non-extractable', async () => {
    const { peerAuthKey, relayKey } = await deriveOrgSubkeys(await generateOrgKey(), ORG_ID);
    expect([peerAuthKey.extractable, relayKey.extractable]).toEqual([false, false]);
    await expect(crypto.subtle.exportKey('raw', relayKey)).rejects.toThrow();
  });

  it('refuses an org key that is not 32 bytes', async () => {
    await expect(deriveOrgSubkeys(new Uint8Array(31), ORG_ID)).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_KEY' });
  });
});

describe('orgIdFor (an org id that commits to the org key)', () => {
  it('is a version-8 UUID of the first 16 bytes of HKDF(org key, no salt, its info)', async () => {
    const orgKey = await generateOrgKey();
    const orgId = await orgIdFor(orgKey);
    const bytes = Buffer.from(hkdfSync('sha256', orgKey, new Uint8Array(), ORG_ID_INFO, 16));
    bytes[6] = (bytes[6]! & 0x0f) | 0x80;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    expect(orgId.replaceAll('-', '')).toBe(bytes.toString('hex'));
    expect(orgId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('matches the key it was made from and no other', async () => {
    const orgKey = await generateOrgKey();
    const orgId = await orgIdFor(orgKey);
    expect(await orgIdMatchesKey(orgId, orgKey)).toBe(true);
    expect(await orgIdMatchesKey(orgId, await generateOrgKey())).toBe(false);
  });

  it('accepts any key for the random id of an org made before ids were commitments', async () => {
    expect(await orgIdMatchesKey(ORG_ID, await generateOrgKey())).toBe(true);
  });
});
