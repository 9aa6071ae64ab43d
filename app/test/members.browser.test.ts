/**
 * Members and devices in the app, on two devices through the lab's Worker: a device removed from the org is told so
 * above every view, keeps what it had, read only, and leaves when its user chooses to; when the other device was last
 * seen, kept on the device across a restart of the app.
 */
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../../scripts/device-lab/axe.ts';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { openApp, type AppPage } from './pages/app-page.ts';
import { clickButton, textsIn, waitForText } from './pages/shadow-query.ts';

const lab = useDeviceLab();
const PASSWORD = 'Linden-Apfel-42-Baum';

async function signedUpApp(name: string): Promise<AppPage> {
  const app = await openApp(lab);
  await app.startOnThisDevice();
  await app.signUp(`${name}-${crypto.randomUUID().slice(0, 8)}@example.org`, PASSWORD);
  return app;
}

describe('members and devices in the app', () => {
  it('tells a removed device so above every view, keeps its copy read only, and lets its user leave', async () => {
    const [front, doctor] = [await signedUpApp('front-desk'), await signedUpApp('doctor')];
    await front.createOrg('Praxis am Park');
    await doctor.joinInviteFrom(front, PASSWORD, 'Praxis am Park');
    await front.goTo('Contacts');
    await front.contacts.clickButton('New contact');
    await front.contacts.fill('field-givenName', 'Marta');
    await front.device.keyboard.press('Enter');
    await doctor.goTo('Contacts');
    await doctor.contacts.waitForName('Marta');

    await front.openMembers();
    await front.waitForMemberDevices(2);
    await front.device.click([...front.members.path, '.remove-device']);
    await front.members.confirmRemoval();
    await doctor.waitForRemovedNotice();

    // What it had stays readable; nothing offers to change it.
    await doctor.contacts.open('Marta');
    const buttons = await textsIn(doctor.device, doctor.contacts.at('button'));
    expect(buttons).not.toContain('New contact');
    expect(buttons).not.toContain('Edit');
    await doctor.goTo('Calendar');
    await doctor.waitForRemovedNotice();
    expect(await textsIn(doctor.device, ['p2p-app', 'p2p-calendar', '.zone-note'])).toEqual([expect.stringMatching(/read only/i)]);
    await expectNoAxeViolations(doctor.device, ['p2p-app']);

    await clickButton(doctor.device, ['p2p-app', '.removed'], 'Leave…');
    await clickButton(doctor.device, ['p2p-app', 'p2p-org-dialog'], 'Leave Praxis am Park');
    await doctor.dialogClosed();
    await doctor.openOrgMenu();
    expect(await doctor.orgMenuNames()).not.toContain('Praxis am Park');
  });

  it('shows the other device Online now while they are connected, Last seen once it has closed, and still after the app starts again', async () => {
    const [front, doctor] = [await signedUpApp('front-desk'), await signedUpApp('doctor')];
    await front.createOrg('Praxis am Park');
    await doctor.joinInviteFrom(front, PASSWORD, 'Praxis am Park');
    const lastSeen = [...doctor.members.path, '.last-seen'];
    await doctor.openMembers();
    await doctor.waitForMemberDevices(2);
    await waitForText(doctor.device, lastSeen, 'Online now');

    await front.close();
    await waitForText(doctor.device, lastSeen, 'Last seen ');

    // From the org's own database: the front desk is not back, and what the relay holds of it is no sighting.
    await doctor.comeBack();
    await doctor.openMembers();
    await doctor.waitForMemberDevices(2);
    expect(await textsIn(doctor.device, lastSeen)).toEqual([expect.stringMatching(/^Last seen /)]);
    await expectNoAxeViolations(doctor.device, ['p2p-app']);
  });
});
