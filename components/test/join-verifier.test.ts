import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { joinVerifierFor } from '../src/core/crypto/join-verifier.ts';
import { deriveOrgSubkeys, generateOrgKey } from '../src/core/crypto/org-key.ts';

/** What the Worker's SyncRoom.join computes from a join secret: SHA-256 of its base64url-decoded bytes. */
const serverDigest = (joinSecret: string) => createHash('sha256').update(Buffer.from(joinSecret, 'base64url')).digest('base64url');

describe('joinVerifierFor', () => {
  it("is the base64url SHA-256 of the org's join secret, as the Worker computes it", async () => {
    const { joinSecret } = await deriveOrgSubkeys(await generateOrgKey(), 'org-1');
    expect(await joinVerifierFor(joinSecret)).toBe(serverDigest(joinSecret));
  });

  it('gives different orgs different verifiers', async () => {
    const [a, b] = [await deriveOrgSubkeys(await generateOrgKey(), 'org-1'), await deriveOrgSubkeys(await generateOrgKey(), 'org-1')];
    expect(await joinVerifierFor(a.joinSecret)).not.toBe(await joinVerifierFor(b.joinSecret));
  });

  it.each([
    ['not base64url', 'not*base64url+/'],
    ['empty', ''],
    ['shorter than 32 bytes', Buffer.alloc(16).toString('base64url')],
  ])('refuses a join secret that is %s', async (_name, joinSecret) => {
    await expect(joinVerifierFor(joinSecret)).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_KEY' });
  });
});
