import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { GENESIS_EPOCH } from '../src/core/org/membership-records.ts';
import { assertKitCurrent, exportRecoveryKit, openRecoveryKit, type RecoveryKitContents } from '../src/core/org/recovery-kit.ts';
import { currentMembers, foundOrg, idsOf, noticesOf, openDevice, settle, syncDoc, type TestDevice, type TestOrg } from './membership-fixtures.ts';

const PASSPHRASE = 'correct horse battery';

function kitContents(org: TestOrg, device: TestDevice): RecoveryKitContents {
  const { epoch, epochKey } = device.membership.view;
  return {
    org: { id: org.orgId, name: 'Clinic', color: '#112233', roomId: 'room-of-the-clinic' },
    orgKey: org.orgKey,
    epoch: { id: epoch.id, number: epoch.number, key: epochKey },
  };
}

/** A new device restoring `kit`: it holds the kit's keys and nothing else. */
async function restore(kit: string, passphrase = PASSPHRASE): Promise<{ device: TestDevice; contents: RecoveryKitContents }> {
  const contents = await openRecoveryKit(kit, passphrase);
  const org = { orgId: contents.org.id, orgKey: contents.orgKey };
  const keys = contents.epoch.number === 0 ? [] : [{ orgId: org.orgId, epoch: contents.epoch.id, number: contents.epoch.number, key: contents.epoch.key }];
  return { device: await openDevice(org, 'restored', { keys }), contents };
}

describe('recovery kit', () => {
  it('gives back the org and its current key for the passphrase, and the restored device joins as a new device', async () => {
    const { org, devices } = await foundOrg(['ana', 'rex']);
    const [ana, rex] = devices as [TestDevice, TestDevice];
    await ana.membership.remove([rex.identity.deviceId]);
    await settle(devices);
    const kit = await exportRecoveryKit(kitContents(org, ana), PASSPHRASE);

    const { device, contents } = await restore(` ${kit.slice(0, 40)}\n${kit.slice(40)} `);
    expect(contents.org).toEqual(kitContents(org, ana).org);
    expect(contents.epoch.key).toEqual(ana.membership.view.epochKey);
    // What the relay would bring back: the org's document as a member left it.
    syncDoc(ana.doc, device.doc);
    await settle([ana, device]);
    expect(device.membership.view.status).toBe('member');
    expect(() => assertKitCurrent(device.membership.view.membership, contents, device.identity.deviceId)).not.toThrow();
    expect(currentMembers(ana)).toEqual(idsOf(ana, device));
  });

  it('refuses a wrong passphrase with WRONG_PASSPHRASE, and a cut or altered kit with MALFORMED_KIT', async () => {
    const { org, devices } = await foundOrg(['ana']);
    const kit = await exportRecoveryKit(kitContents(org, devices[0]!), PASSPHRASE);
    await expect(openRecoveryKit(kit, 'correct horse battery!')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    const altered = kit.slice(0, -5) + (kit.at(-5) === 'A' ? 'B' : 'A') + kit.slice(-4);
    await expect(openRecoveryKit(altered, PASSPHRASE)).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    for (const broken of [kit.slice(0, kit.lastIndexOf('.')), 'p2pkit1.e30.AAAA', 'hello', `${kit}.more`]) {
      await expect(openRecoveryKit(broken, PASSPHRASE)).rejects.toMatchObject({ code: 'MALFORMED_KIT' });
    }
  });

  it('refuses a passphrase shorter than 12 characters', async () => {
    const { org, devices } = await foundOrg(['ana']);
    await expect(exportRecoveryKit(kitContents(org, devices[0]!), 'short pass')).rejects.toMatchObject({ code: 'PASSPHRASE_TOO_SHORT' });
  });

  it('refuses a kit made before a rotation with KIT_REPLACED, and a new kit works', async () => {
    const { org, devices } = await foundOrg(['ana', 'ben', 'rex']);
    const [ana, ben, rex] = devices as [TestDevice, TestDevice, TestDevice];
    const oldKit = await exportRecoveryKit(kitContents(org, ben), PASSPHRASE);
    await ana.membership.remove([rex.identity.deviceId]);
    await settle([ana, ben]);

    // The old epoch's workspace holds the org as it was, and the notices of the rotation.
    const { device, contents } = await restore(oldKit);
    syncDoc(rex.doc, device.doc);
    for (const notice of noticesOf(ana, GENESIS_EPOCH)) Y.applyUpdate(device.doc, notice);
    await device.membership.refresh();
    expect(() => assertKitCurrent(device.membership.view.membership, contents, device.identity.deviceId)).toThrow(
      expect.objectContaining({ code: 'KIT_REPLACED', message: expect.stringContaining('new key') }),
    );
    expect(device.membership.view.status).not.toBe('member');

    const { device: second, contents: fresh } = await restore(await exportRecoveryKit(kitContents(org, ben), PASSPHRASE));
    syncDoc(ben.doc, second.doc);
    await settle([ana, ben, second]);
    expect(second.membership.view.status).toBe('member');
    expect(() => assertKitCurrent(second.membership.view.membership, fresh, second.identity.deviceId)).not.toThrow();
  });
});
