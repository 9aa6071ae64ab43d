/**
 * A recovery kit in real browsers: exported on a member's device, restored on a new device (a fresh browser
 * context with an account of its own) while no member is online, the org comes back from the relay; a kit made
 * before a rotation is refused with KIT_REPLACED once the device reads the rotation's notice.
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import {
  contactNames,
  createOrg,
  exportKit,
  openMember,
  restoreKit,
  signedUpDevice,
  stopSync,
  syncStatus,
  waitForContacts,
  waitForEpoch,
  waitForMembers,
  writeContact,
  type MemberWindow,
} from './membership-pages.ts';

const lab = useDeviceLab();
const PASSPHRASE = 'heron at the mill pond';


describe('recovery kit', () => {
  it('brings the org back from the relay on a new device, and refuses a kit made before a rotation', async () => {
    const [ana, ben] = [await signedUpDevice(lab, 'ana'), await signedUpDevice(lab, 'ben')];
    const org = await createOrg(ana);
    await openMember(ana, org, 'ana');
    const benId = await openMember(ben, org, 'ben');
    await Promise.all([waitForMembers(ana, 2), waitForMembers(ben, 2)]);
    await writeContact(ana, 'Before');
    const oldKit = await exportKit(ana, PASSPHRASE);

    await ana.evaluate((benId) => (window as unknown as MemberWindow).membership.remove([benId]), benId);
    await waitForEpoch(ana, 1);
    await writeContact(ana, 'Afterrotation');
    const kit = await exportKit(ana, PASSPHRASE);
    await ana.evaluate(() => (window as unknown as MemberWindow).sync!.flush());
    for (const page of [ana, ben]) await stopSync(page);

    // A new device, with nobody online to sync with: everything comes from the relay.
    const nia = await signedUpDevice(lab, 'nia');
    expect(await restoreKit(nia, kit, 'not the passphrase', 'nia')).toEqual({ refused: 'WRONG_PASSPHRASE' });
    expect((await restoreKit(nia, kit, PASSPHRASE, 'nia')).orgId).toBe(org.id);
    await waitForEpoch(nia, 1);
    await waitForContacts(nia, ['Before', 'Afterrotation']);
    await nia.waitFor('nia a member', () => (window as unknown as MemberWindow).membership.view.status === 'member');
    expect((await syncStatus(nia)).peers).toBe(0);
    expect(await contactNames(nia)).toEqual(['Afterrotation', 'Before']);

    // The kit from before the rotation: the old workspace's notice says the org moved on without it.
    const oli = await signedUpDevice(lab, 'oli');
    expect((await restoreKit(oli, oldKit, PASSPHRASE, 'oli')).orgId).toBe(org.id);
    await oli.waitFor('the rotation read from the old workspace', () => (window as unknown as MemberWindow).membership.view.membership.chain.length > 1);
    const refusal = await oli.evaluate(() => {
      const w = window as unknown as MemberWindow;
      try {
        w.core.assertKitCurrent(w.membership.view.membership, w.kit!, w.identity.deviceId);
        return null;
      } catch (err) {
        return { code: (err as { code: string }).code, message: (err as Error).message };
      }
    });
    expect(refusal?.code).toBe('KIT_REPLACED');
    expect(refusal?.message).toContain('new key');
    expect(await contactNames(oli)).not.toContain('Afterrotation');
    for (const page of [nia, oli]) await stopSync(page);
  });
});
