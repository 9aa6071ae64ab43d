/**
 * Signed relay changes in a real browser: a device syncing an org through the local Worker, as the app does (its
 * member list, the relay), and a former member who kept the org key (Node, outside any browser) pushing a change in
 * that device's name. The browser refuses it, says so in its sync status, and keeps syncing.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeBase64url } from '#protocol';
import { deriveOrgSubkeys } from '../src/core/crypto/org-key.ts';
import { generateDeviceIdentity } from '../src/core/org/device-identity.ts';
import { GENESIS_EPOCH } from '../src/core/org/membership-records.ts';
import { RelayEnvelopeSigning, relayDeviceIdFor } from '../src/core/sync/relay-signatures.ts';
import { relayUpdateCipher } from '../src/core/sync/relay-workspace.ts';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { createOrg, openMember, signedUpDevice, syncStatus, waitForContacts, writeContact, type MemberWindow } from './membership-pages.ts';
import { memberWithKey, newAccount } from './relay-fixtures.ts';

const lab = useDeviceLab();

describe('a relay change signed in another device’s name', () => {
  it('is refused by the device it names, reported in its sync status, never applied, and sync goes on', async () => {
    const front = await signedUpDevice(lab, 'front');
    const handle = await createOrg(front);
    const victim = await openMember(front, handle, 'Front desk');
    await writeContact(front, 'Ada');
    await front.waitFor('the contact reached the relay', () => {
      const status = (window as unknown as MemberWindow).sync?.status;
      return status?.relay === 'websocket' && status.pending === 0;
    });

    // Eve kept the org key when she left, and her account is still in the workspace.
    const key = Uint8Array.from(handle.key);
    const org = { orgId: handle.id, subkeys: await deriveOrgSubkeys(key, handle.id) };
    const workspaceId = org.subkeys.relayWorkspaceId;
    const eve = await memberWithKey(lab.workerUrl, await newAccount(lab.workerUrl), org, workspaceId);
    const signing = await RelayEnvelopeSigning.create({ identity: await generateDeviceIdentity(), orgId: org.orgId, workspaceId, epoch: { id: GENESIS_EPOCH, key } });
    const forged = new Y.Doc();
    forged.getMap('forged').set('appointment', 'cancelled');
    const plaintext = await signing.sign({
      kind: 'batch',
      deviceId: await relayDeviceIdFor(victim, workspaceId),
      sequence: 99,
      update: Y.encodeStateAsUpdate(forged),
    });
    const sealed = await relayUpdateCipher(org, workspaceId).seal(plaintext);
    await eve.push([{ id: `eve-${crypto.randomUUID().slice(0, 8)}`, encryptedData: encodeBase64url(sealed) }]);

    await front.waitFor('the refused change in the sync status', () =>
      (window as unknown as MemberWindow).sync?.status.integrity.some((report) => report.problem === 'refused-change'),
    );
    const [report] = (await syncStatus(front)).integrity;
    expect(report).toMatchObject({ problem: 'refused-change', refusal: 'not-its-sequence', signer: signing.signer });
    await writeContact(front, 'Grace');
    await front.waitFor('nothing left to send', () => (window as unknown as MemberWindow).sync?.status.pending === 0);
    await waitForContacts(front, ['Ada', 'Grace']);
    expect(await front.evaluate(() => (window as unknown as MemberWindow).session.doc.getMap('forged').size)).toBe(0);
  });
});
