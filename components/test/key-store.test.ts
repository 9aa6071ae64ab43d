import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { deleteOrgKey, loadOrgKey, saveOrgKey } from '../src/core/crypto/key-store.ts';
import { generateOrgKey } from '../src/core/crypto/org-key.ts';
import { CryptoError } from '../src/core/crypto/crypto-error.ts';

const newOrgId = () => crypto.randomUUID();

describe('key store', () => {
  it('returns the saved org key byte for byte', async () => {
    const orgId = newOrgId();
    const key = await generateOrgKey();
    await saveOrgKey(orgId, key);
    expect(await loadOrgKey(orgId)).toEqual(key);
  });

  it('has no key for an org it never saw', async () => {
    expect(await loadOrgKey(newOrgId())).toBeUndefined();
  });

  it('forgets a deleted org key and keeps the others', async () => {
    const [leaving, staying] = [newOrgId(), newOrgId()];
    const stayingKey = await generateOrgKey();
    await saveOrgKey(leaving, await generateOrgKey());
    await saveOrgKey(staying, stayingKey);
    await deleteOrgKey(leaving);
    expect(await loadOrgKey(leaving)).toBeUndefined();
    expect(await loadOrgKey(staying)).toEqual(stayingKey);
  });

  it('refuses to store a key that is not 32 bytes', async () => {
    const orgId = newOrgId();
    await expect(saveOrgKey(orgId, new Uint8Array(16))).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_KEY' });
    await expect(saveOrgKey(orgId, new Uint8Array(16))).rejects.toBeInstanceOf(CryptoError);
    expect(await loadOrgKey(orgId)).toBeUndefined();
  });

  it('generates a fresh 32-byte org key each time', async () => {
    const [a, b] = [await generateOrgKey(), await generateOrgKey()];
    expect(a.byteLength).toBe(32);
    expect(a).not.toEqual(b);
  });
});
