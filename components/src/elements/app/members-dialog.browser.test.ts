/**
 * `<p2p-members-dialog>` over a real org of two devices (two browser contexts, the local Worker): the list, a
 * rename that reaches the other device, a removal after a confirmation that says what it can and cannot do, the
 * removed device told so, a recovery kit made (its QR code and its printed sheet read back as a phone would) and
 * restored on a third device; axe in every state.
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import { expectNoAxeViolations } from '../../../../scripts/device-lab/axe.ts';
import { createOrg, deviceWithoutAccount, openMember, signedUpDevice, stopSync, waitForEpoch, waitForMembers } from '../../../test/membership-pages.ts';
import jsQR from 'jsqr';
import { MembersDialogPage, type QrPixels } from './members-dialog.page.ts';

const lab = useDeviceLab();
const PASSPHRASE = 'otters under the bridge';

/** What a phone's reader makes of a code: jsQR, another library than the one that drew it. */
const scan = (code: QrPixels) => jsQR(Uint8ClampedArray.from(code.data), code.width, code.height)?.data;


describe('<p2p-members-dialog>', () => {
  it('lists members and devices, renames, removes after a confirmation, tells the removed device, and makes a kit another device restores', async () => {
    const [ana, ben] = [await signedUpDevice(lab, 'ana'), await signedUpDevice(lab, 'ben')];
    const org = await createOrg(ana);
    await openMember(ana, org, 'ana');
    const benId = await openMember(ben, org, 'ben');
    await Promise.all([waitForMembers(ana, 2), waitForMembers(ben, 2)]);
    const [anaDialog, benDialog] = [new MembersDialogPage(ana), new MembersDialogPage(ben)];
    await anaDialog.open();
    await benDialog.open();

    expect(await anaDialog.memberNames()).toEqual(['ana', 'ben']);
    expect(await anaDialog.deviceNames()).toEqual(["ana's device (this device)", "ben's device"]);
    await expectNoAxeViolations(ana, ['p2p-members-dialog']);

    await anaDialog.rename(benId, 'Front desk PC');
    await benDialog.waitForDevice('Front desk PC (this device)');

    const explained = (await anaDialog.askToRemove(benId)).join(' ');
    expect(explained).toContain('nothing');
    expect(explained).toContain('cannot take back');
    await expectNoAxeViolations(ana, ['p2p-members-dialog']);
    await anaDialog.confirmRemoval();
    await waitForEpoch(ana, 1);
    await anaDialog.waitForDevice("ana's device (this device)");
    expect(await anaDialog.deviceNames()).toEqual(["ana's device (this device)"]);
    await benDialog.waitForNotice('removed from the org');
    await expectNoAxeViolations(ben, ['p2p-members-dialog']);

    expect((await anaDialog.kitsReplacedNotice()).join(' ')).toContain('recovery kits made before then no longer open it');
    expect((await anaDialog.makeKit('too short')).error).toContain('at least 12');
    const { kit } = await anaDialog.makeKit(PASSPHRASE);
    expect(kit).toMatch(/^p2pkit1\./);
    expect(await anaDialog.kitsReplacedNotice()).toEqual([]);
    expect(scan(await anaDialog.kitQrCode())).toBe(kit);
    await expectNoAxeViolations(ana, ['p2p-members-dialog']);

    const sheet = await anaDialog.printKit();
    expect(sheet.title).toBe(`Recovery kit: ${org.name}`);
    expect(sheet.paragraphs.join(' ')).toContain('The passphrase is not on this sheet');
    expect(sheet.paragraphs.join(' ')).not.toContain(PASSPHRASE);
    expect(sheet.text.replace(/\s+/g, '')).toBe(kit);
    expect(scan(sheet.qrCode)).toBe(kit);

    const nia = await signedUpDevice(lab, 'nia');
    const restoreDialog = new MembersDialogPage(nia);
    await restoreDialog.open('restore');
    await expectNoAxeViolations(nia, ['p2p-members-dialog']);
    expect((await restoreDialog.restore(kit!, 'not the passphrase')).error).toContain('does not open');
    expect((await restoreDialog.restore(sheet.text, PASSPHRASE)).orgId).toBe(org.id);
    for (const page of [ana, ben]) await stopSync(page);
  });

  it('shows another device Online now while it is connected as a peer, and when it was last seen once it has gone', async () => {
    // Peers only: what the dialog says comes from the connection alone.
    const [ana, ben] = [await deviceWithoutAccount(lab), await deviceWithoutAccount(lab)];
    const org = await createOrg(ana);
    const anaId = await openMember(ana, org, 'ana', { relay: false });
    const benId = await openMember(ben, org, 'ben', { relay: false });
    await Promise.all([waitForMembers(ana, 2), waitForMembers(ben, 2)]);
    const anaDialog = new MembersDialogPage(ana);
    await anaDialog.open();

    await anaDialog.waitForLastSeen(benId, 'Online now');
    expect(await anaDialog.lastSeen(anaId)).toBeUndefined();
    await expectNoAxeViolations(ana, ['p2p-members-dialog']);

    await ben.close();
    await anaDialog.waitForLastSeen(benId, 'Last seen ');
    expect(await anaDialog.lastSeen(benId)).toMatch(/^Last seen (this minute|\d+ minutes? ago)$/);
    await expectNoAxeViolations(ana, ['p2p-members-dialog']);
    await stopSync(ana);
  });
});
