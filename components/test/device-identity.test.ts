import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '#protocol';
import { openSealedToKeyPair, sealToPublicKey, signTranscript, verifyTranscript } from '../src/core/crypto/device-keys.ts';
import { DEVICE_DATABASE, deviceIdFor, generateDeviceIdentity, loadDeviceIdentity } from '../src/core/org/device-identity.ts';
import { ascii, relayContext } from './crypto-fixtures.ts';

const envelopeContext = relayContext({ purpose: 'epoch-key', scope: '1:device' });

describe('device identity', () => {
  it('keeps one identity per device, its private keys non-extractable', async () => {
    indexedDB.deleteDatabase(DEVICE_DATABASE);
    const [first, raced] = await Promise.all([loadDeviceIdentity(), loadDeviceIdentity()]);
    const again = await loadDeviceIdentity();
    expect(raced.deviceId).toBe(first.deviceId);
    expect(again.deviceId).toBe(first.deviceId);
    for (const pair of [again.keys.signing, again.keys.sealing]) {
      expect(pair.privateKey.extractable).toBe(false);
      await expect(crypto.subtle.exportKey('pkcs8', pair.privateKey)).rejects.toThrow();
    }
    // The stored keys still work after the round trip through IndexedDB.
    const signature = await signTranscript(again.keys.signing.privateKey, 'label', ['x']);
    expect(await verifyTranscript(decodeBase64url(first.signingKey)!, signature, 'label', ['x'])).toBe(true);
  });

  it('names a device by the hash of its two public keys', async () => {
    const identity = await generateDeviceIdentity();
    const both = Buffer.concat([decodeBase64url(identity.signingKey)!, decodeBase64url(identity.sealingKey)!]);
    expect(identity.deviceId).toBe(encodeBase64url(new Uint8Array(createHash('sha256').update(both).digest()).slice(0, 16)));
    expect(await deviceIdFor(decodeBase64url(identity.sealingKey)!, decodeBase64url(identity.signingKey)!)).not.toBe(identity.deviceId);
  });

  it('verifies a signature only under its key, for its label and fields', async () => {
    const [signer, other] = [await generateDeviceIdentity(), await generateDeviceIdentity()];
    const signature = await signTranscript(signer.keys.signing.privateKey, 'p2p-clinic/v1/membership', ['org', 'body']);
    const key = decodeBase64url(signer.signingKey)!;
    expect(await verifyTranscript(key, signature, 'p2p-clinic/v1/membership', ['org', 'body'])).toBe(true);
    expect(await verifyTranscript(decodeBase64url(other.signingKey)!, signature, 'p2p-clinic/v1/membership', ['org', 'body'])).toBe(false);
    expect(await verifyTranscript(key, signature, 'p2p-clinic/v1/other', ['org', 'body'])).toBe(false);
    expect(await verifyTranscript(key, signature, 'p2p-clinic/v1/membership', ['or', 'gbody'])).toBe(false);
    const flipped = signature.slice();
    flipped[10]! ^= 1;
    expect(await verifyTranscript(key, flipped, 'p2p-clinic/v1/membership', ['org', 'body'])).toBe(false);
    expect(await verifyTranscript(new Uint8Array(31), signature, 'p2p-clinic/v1/membership', ['org', 'body'])).toBe(false);
  });

  it('seals a key that only its recipient opens, and only in its context', async () => {
    const [recipient, other] = [await generateDeviceIdentity(), await generateDeviceIdentity()];
    const envelope = await sealToPublicKey(decodeBase64url(recipient.sealingKey)!, ascii('the new org key'), envelopeContext);
    expect(new TextDecoder().decode(await openSealedToKeyPair(recipient.keys.sealing, envelope, envelopeContext))).toBe('the new org key');
    await expect(openSealedToKeyPair(other.keys.sealing, envelope, envelopeContext)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    await expect(openSealedToKeyPair(recipient.keys.sealing, envelope, { ...envelopeContext, scope: '1:another' })).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    for (const index of [0, 31, 40, envelope.byteLength - 1]) {
      const altered = envelope.slice();
      altered[index]! ^= 1;
      await expect(openSealedToKeyPair(recipient.keys.sealing, altered, envelopeContext)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    }
    await expect(openSealedToKeyPair(recipient.keys.sealing, envelope.slice(0, 32), envelopeContext)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
  });

  it('uses a fresh ephemeral key for every envelope', async () => {
    const recipient = await generateDeviceIdentity();
    const seal = () => sealToPublicKey(decodeBase64url(recipient.sealingKey)!, ascii('same'), envelopeContext);
    const [a, b] = [await seal(), await seal()];
    expect(encodeBase64url(a.slice(0, 32))).not.toBe(encodeBase64url(b.slice(0, 32)));
  });
});
