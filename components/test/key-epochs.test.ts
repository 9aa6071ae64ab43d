import 'fake-indexeddb/auto';
import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeBase64url, isRoomId } from '#protocol';
import { generateOrgKey, orgIdFor } from '../src/core/crypto/org-key.ts';
import { challengeProofs } from '../src/core/crypto/challenge-response.ts';
import { encodeTranscript } from '../src/core/crypto/transcript.ts';
import { bindCipher } from '../src/core/crypto/aead.ts';
import { EPOCH_INFO, deleteEpochKeys, deriveEpochSubkeys, enrolmentProof, epochKeyCommitment, loadEpochKeys, saveEpochKey } from '../src/core/org/key-epochs.ts';
import { relayContext } from './crypto-fixtures.ts';
import { OrgRegistry } from '../src/core/org/org-registry.ts';

const hkdf = (key: Uint8Array, orgId: string, info: string, bytes = 32) => new Uint8Array(hkdfSync('sha256', key, orgId, info, bytes));

describe('key epochs', () => {
  it('gives a new epoch a new room, password, peer-auth key, relay key, join secret and workspace id', async () => {
    const first = await generateOrgKey();
    const orgId = await orgIdFor(first);
    const [before, after] = [await deriveEpochSubkeys(first, orgId, 0), await deriveEpochSubkeys(await generateOrgKey(), orgId, 1)];
    expect(before.roomId).toBeNull();
    expect(isRoomId(after.roomId!)).toBe(true);
    expect(after.signallingPassword).not.toBe(before.signallingPassword);
    expect(after.joinSecret).not.toBe(before.joinSecret);
    expect(after.relayWorkspaceId).not.toBe(before.relayWorkspaceId);
    // The CryptoKeys cannot be compared, so each is shown to refuse the other's work.
    const sealed = await bindCipher(before.relayKey, relayContext()).seal(new Uint8Array([1, 2, 3]));
    await expect(bindCipher(after.relayKey, relayContext()).open(sealed)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    const [old, fresh] = [challengeProofs(before.peerAuthKey, 'peer-auth'), challengeProofs(after.peerAuthKey, 'peer-auth')];
    const [ours, theirs] = [crypto.getRandomValues(new Uint8Array(32)), crypto.getRandomValues(new Uint8Array(32))];
    const proof = await old.prove(theirs, ours);
    expect(await old.verify(ours, theirs, proof)).toBe(true);
    expect(await fresh.verify(ours, theirs, proof)).toBe(false);
  });

  it('derives the room as HKDF(epoch key, org id, its info), the commitment and the enrolment proof likewise', async () => {
    const key = await generateOrgKey();
    const orgId = await orgIdFor(key);
    const { roomId } = await deriveEpochSubkeys(key, orgId, 3);
    expect(roomId).toBe(`${orgId}.e3.${encodeBase64url(hkdf(key, orgId, EPOCH_INFO.signallingRoom, 16))}`);
    expect(await epochKeyCommitment(key, orgId)).toBe(encodeBase64url(hkdf(key, orgId, EPOCH_INFO.keyCommitment)));
    const device = { deviceId: 'd', signingKey: 's', sealingKey: 'x' };
    const expected = createHmac('sha256', hkdf(key, orgId, EPOCH_INFO.enrolment))
      .update(encodeTranscript(EPOCH_INFO.enrolment, [orgId, 'genesis', 'd', 's', 'x']))
      .digest();
    expect(await enrolmentProof(key, orgId, 'genesis', device)).toBe(encodeBase64url(new Uint8Array(expected)));
  });

  it('keeps every epoch key of an org, oldest first, and deletes them with the org alone', async () => {
    const [orgId, otherOrgId] = [crypto.randomUUID(), crypto.randomUUID()];
    const [k1, k2, other] = [await generateOrgKey(), await generateOrgKey(), await generateOrgKey()];
    await saveEpochKey({ orgId, epoch: 'second', number: 2, key: k2 });
    await saveEpochKey({ orgId, epoch: 'first', number: 1, key: k1 });
    await saveEpochKey({ orgId: otherOrgId, epoch: 'first', number: 1, key: other });
    expect((await loadEpochKeys(orgId)).map(({ epoch, key }) => [epoch, key])).toEqual([
      ['first', k1],
      ['second', k2],
    ]);
    await deleteEpochKeys(orgId);
    expect(await loadEpochKeys(orgId)).toEqual([]);
    expect(await loadEpochKeys(otherOrgId)).toHaveLength(1);
  });

  it('are deleted when the device leaves the org', async () => {
    const registry = await OrgRegistry.open();
    const org = await registry.create({ name: 'Leaving', color: '#123456' });
    await saveEpochKey({ orgId: org.id, epoch: 'first', number: 1, key: await generateOrgKey() });
    await registry.leave(org.id);
    expect(await loadEpochKeys(org.id)).toEqual([]);
    registry.close();
  });
});
