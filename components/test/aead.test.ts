import { describe, expect, it } from 'vitest';
import { bindCipher, open, seal, IV_BYTES, TAG_BYTES, SEALED_FORMAT_VERSION } from '../src/core/crypto/aead.ts';
import { ascii, newAesKey, newHmacKey, nodeOpen, relayContext, sealedAssociatedData } from './crypto-fixtures.ts';

const message = ascii('Dr Okafor, Tuesday 09:30, room 2');

/** A sealed message with one byte flipped at `index` (counted from the end when negative). */
function flipped(sealed: Uint8Array, index: number): Uint8Array {
  const copy = sealed.slice();
  copy[index < 0 ? copy.byteLength + index : index]! ^= 0x01;
  return copy;
}

const decryptFailed = { name: 'CryptoError', code: 'DECRYPT_FAILED' };

describe('seal and open (AES-256-GCM with a bound context)', () => {
  it('opens what it sealed under the same key and context', async () => {
    const key = await newAesKey();
    expect(await open(key, await seal(key, message, relayContext()), relayContext())).toEqual(message);
  });

  it('writes version ‖ IV ‖ ciphertext ‖ tag with the context as associated data, readable by another AES-GCM implementation', async () => {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const sealed = await seal(await newAesKey(raw), message, relayContext());
    expect(sealed[0]).toBe(SEALED_FORMAT_VERSION);
    expect(sealed.byteLength).toBe(1 + IV_BYTES + message.byteLength + TAG_BYTES);
    expect(new Uint8Array(nodeOpen(raw, sealed, sealedAssociatedData(relayContext())))).toEqual(message);
  });

  it('uses a fresh IV for every message, even the same plaintext', async () => {
    const key = await newAesKey();
    const sealed = await Promise.all(Array.from({ length: 64 }, () => seal(key, message, relayContext())));
    const ivs = new Set(sealed.map((s) => Buffer.from(s.subarray(1, 1 + IV_BYTES)).toString('hex')));
    expect(ivs.size).toBe(64);
  });

  it.each([
    ['the IV', 1],
    ['the ciphertext', 1 + IV_BYTES + 3],
    ['the tag', -1],
  ])('refuses a message with a flipped byte in %s', async (_part, index) => {
    const key = await newAesKey();
    const sealed = await seal(key, message, relayContext());
    await expect(open(key, flipped(sealed, index), relayContext())).rejects.toMatchObject(decryptFailed);
  });

  it('refuses a message whose version byte was changed, as an unsupported version', async () => {
    const key = await newAesKey();
    const sealed = await seal(key, message, relayContext());
    await expect(open(key, flipped(sealed, 0), relayContext())).rejects.toMatchObject({ name: 'CryptoError', code: 'UNSUPPORTED_VERSION' });
  });

  it.each([
    ['another org', { orgId: 'org-other' }],
    ['another purpose', { purpose: 'workspace-name' as const }],
    ['another workspace', { scope: 'workspace-other' }],
  ])('refuses a message sealed for %s', async (_name, mismatch) => {
    const key = await newAesKey();
    const sealed = await seal(key, message, relayContext());
    await expect(open(key, sealed, relayContext(mismatch))).rejects.toMatchObject(decryptFailed);
  });

  it('refuses a message sealed under another key', async () => {
    const sealed = await seal(await newAesKey(), message, relayContext());
    await expect(open(await newAesKey(), sealed, relayContext())).rejects.toMatchObject(decryptFailed);
  });

  it('refuses a message truncated anywhere, down to nothing', async () => {
    const key = await newAesKey();
    const sealed = await seal(key, message, relayContext());
    const outcomes = await Promise.allSettled(Array.from({ length: sealed.byteLength }, (_, length) => open(key, sealed.subarray(0, length), relayContext())));
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as { code?: string }).code === 'DECRYPT_FAILED')).toBe(true);
  });

  it('refuses to seal or open with a key that is not AES-256-GCM', async () => {
    const hmacKey = await newHmacKey();
    await expect(seal(hmacKey, message, relayContext())).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_KEY' });
    await expect(open(hmacKey, new Uint8Array(64), relayContext())).rejects.toMatchObject({ name: 'CryptoError', code: 'INVALID_KEY' });
  });

  it('seals and opens an empty plaintext', async () => {
    const key = await newAesKey();
    expect(await open(key, await seal(key, new Uint8Array(), relayContext()), relayContext())).toEqual(new Uint8Array());
  });
});

describe('bindCipher', () => {
  it('opens what it sealed', async () => {
    const cipher = bindCipher(await newAesKey(), relayContext());
    expect(await cipher.open(await cipher.seal(message))).toEqual(message);
  });

  it('refuses what a cipher bound to another workspace sealed under the same key', async () => {
    const key = await newAesKey();
    const sealed = await bindCipher(key, relayContext({ scope: 'workspace-a' })).seal(message);
    await expect(bindCipher(key, relayContext({ scope: 'workspace-b' })).open(sealed)).rejects.toMatchObject(decryptFailed);
  });

  it('keeps the context it was bound with when the caller later changes its object', async () => {
    const key = await newAesKey();
    const context = relayContext();
    const cipher = bindCipher(key, context);
    const sealed = await cipher.seal(message);
    context.scope = 'workspace-other';
    expect(await open(key, sealed, relayContext())).toEqual(message);
  });
});
