import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { expectNoAxeViolations } from '../../scripts/device-lab/axe.ts';
import type { P2PApp } from '../../components/src/elements/app/app.ts';
import { openApp } from './pages/app-page.ts';
import { waitForText } from './pages/shadow-query.ts';

const lab = useDeviceLab();
const PASSWORD = 'Linden-Apfel-42-Baum';

describe('orgs in the app', () => {
  it('offers to start on this device or join a team on the first run only', async () => {
    const app = await openApp(lab);
    expect(await app.onboardingShown()).toBe(true);
    await expectNoAxeViolations(app.device, ['p2p-app']);
    await app.startOnThisDevice();
    expect(await app.onboardingShown()).toBe(false);
    expect(await app.currentOrgName()).toBe('Personal');
    await app.device.reload();
    await app.waitForOrg('Personal');
    expect(await app.onboardingShown()).toBe(false);
  });

  it('creates orgs and switches between them without a reload, keeping the URL and back/forward in step', async () => {
    const app = await openApp(lab);
    await app.startOnThisDevice();
    await app.device.evaluate(() => ((window as unknown as { loadMarker: number }).loadMarker = 1));
    await app.createOrg('Praxis am Park');
    await app.goTo('Contacts');
    await app.openOrgMenu();
    expect(await app.orgMenuNames()).toEqual(['Personal', 'Praxis am Park']);
    await expectNoAxeViolations(app.device, ['p2p-app']);
    // By keyboard: the menu opens on the current org; Up reaches Personal, Enter switches.
    await app.device.keyboard.press('ArrowUp');
    await app.device.keyboard.press('Enter');
    await app.waitForOrg('Personal');
    await app.switchTo('Praxis am Park');
    await app.switchTo('Personal');
    await app.switchTo('Praxis am Park');
    const switchMs = await app.device.evaluate(async () => {
      const element = document.querySelector('p2p-app') as P2PApp;
      const personal = element.state!.orgs.find((org) => org.name === 'Personal')!;
      const started = performance.now();
      await element.switchOrg(personal.id);
      return performance.now() - started;
    });
    console.log(`switching to an org opened before: ${switchMs.toFixed(1)} ms`);
    await app.waitForOrg('Personal');
    // Still the same document: switching never reloaded the page.
    expect(await app.device.evaluate(() => (window as unknown as { loadMarker?: number }).loadMarker)).toBe(1);
    const url = new URL(await app.device.evaluate(() => location.href));
    expect(url.searchParams.get('view')).toBe('contacts');
    await app.device.evaluate(() => history.back());
    await app.waitForOrg('Praxis am Park');
    await app.device.evaluate(() => history.forward());
    await app.waitForOrg('Personal');
  });

  it('opens the screen a deep link names', async () => {
    const first = await openApp(lab);
    await first.startOnThisDevice();
    await first.goTo('Settings');
    const link = await first.device.evaluate(() => location.href);
    await first.device.goto(link);
    await first.device.waitFor('the settings view from the link', () =>
      document.querySelector('p2p-app')?.shadowRoot?.querySelector('nav a[aria-current="page"]')?.textContent === 'Settings',
    );
  });

  it('opens the card of the contact a link names, in the current org when the link names no org', async () => {
    const first = await openApp(lab);
    await first.startOnThisDevice();
    const contactId = await first.device.evaluate(async () => {
      const element = document.querySelector('p2p-app') as P2PApp;
      const session = await element.state!.session(element.state!.current.id);
      const base = { displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [] };
      return session.contacts.create({ ...base, givenName: 'Ada', familyName: 'Lovelace' }).id;
    });
    await first.open(lab.pageUrl, lab.workerUrl, `?view=contacts&contact=${contactId}`);
    await waitForText(first.device, ['p2p-app', 'p2p-contacts', '#card-name'], 'Ada Lovelace');
  });

  it('invites a second device, which joins after a wrong password, and the spent code is refused to a third', async () => {
    const front = await openApp(lab);
    await front.startOnThisDevice();
    await front.createOrg('Praxis am Park');
    const code = await front.invite(PASSWORD);
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await front.waitForDialogText('Waiting for them to enter the code and the password');
    await expectNoAxeViolations(front.device, ['p2p-app', 'p2p-org-dialog']);

    const doctor = await openApp(lab);
    await doctor.joinYourTeamFromOnboarding();
    await doctor.submitJoin(code, 'not the password');
    await doctor.waitForJoinError('Wrong password. 2 tries left.');
    await expectNoAxeViolations(doctor.device, ['p2p-app', 'p2p-org-dialog']);
    await front.waitForDialogText('Someone tried a wrong password: 2 tries left.');
    await doctor.submitJoin(code, PASSWORD);
    await doctor.dialogClosed();
    await doctor.waitForOrg('Praxis am Park');
    await front.waitForDialogText('They have joined.');

    const stranger = await openApp(lab);
    await stranger.joinYourTeamFromOnboarding();
    await stranger.submitJoin(code, PASSWORD);
    await stranger.waitForJoinError('This code does not work: it has been used already or has expired.');
  });

  it('leaves an org after explaining what is deleted, back on Personal', async () => {
    const app = await openApp(lab);
    await app.startOnThisDevice();
    await app.createOrg('Short-lived');
    await app.leaveCurrentOrg();
    await app.waitForOrg('Personal');
    await app.openOrgMenu();
    expect(await app.orgMenuNames()).toEqual(['Personal']);
  });
});
