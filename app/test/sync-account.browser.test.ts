import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { openApp } from './pages/app-page.ts';
import { waitForText } from './pages/shadow-query.ts';

const lab = useDeviceLab();
const PASSWORD = 'Linden-Apfel-42-Baum';

describe('sync status in the app', () => {
  it('shows a local org as on this device only, a shared one alone, then synced with a second device (edits crossing both ways), and offline as offline', async () => {
    const front = await openApp(lab);
    await front.startOnThisDevice();
    await front.createOrg('Praxis am Park');
    await front.waitForSyncStatus('This device only');
    const code = await front.invite(PASSWORD);
    await front.waitForSyncStatus('No other device online');

    const doctor = await openApp(lab);
    await doctor.joinYourTeamFromOnboarding();
    await doctor.submitJoin(code, PASSWORD);
    await doctor.dialogClosed();
    await front.closeDialog('Done');
    await doctor.waitForSyncStatus('Synced', 60_000);
    await front.waitForSyncStatus('Synced', 60_000);
    await doctor.openSyncStatus();
    await waitForText(doctor.device, ['p2p-app', '.sync-panel dd'], '1');

    // Each one's edit reaches the other.
    await front.goTo('Contacts');
    await doctor.goTo('Contacts');
    await front.contacts.clickButton('New contact');
    await front.contacts.fill('field-givenName', 'Made at the front desk');
    await front.device.keyboard.press('Enter');
    await doctor.contacts.waitForName('Made at the front desk');
    await doctor.contacts.clickButton('New contact');
    await doctor.contacts.fill('field-givenName', 'Made by the doctor');
    await doctor.device.keyboard.press('Enter');
    await front.contacts.waitForName('Made by the doctor');

    await doctor.device.setOffline(true);
    await doctor.waitForSyncStatus('Offline');
    await doctor.openSyncStatus();
    await waitForText(doctor.device, ['p2p-app', '.sync-panel .offline'], 'You are offline');
    await doctor.device.setOffline(false);
    await doctor.waitForSyncStatus('Synced', 60_000);
  });

  it('closes the sync panel when the view changes, on Escape, and on a click outside it, but not on a click inside', async () => {
    const app = await openApp(lab);
    await app.startOnThisDevice();
    await app.openSyncStatus();
    await app.goTo('Contacts');
    await app.waitForSyncPanelClosed('by going to another view');

    await app.openSyncStatus();
    await app.device.keyboard.press('Escape');
    await app.waitForSyncPanelClosed('by Escape');

    await app.openSyncStatus();
    await app.device.click(['p2p-app', '.sync-panel dl, .sync-panel p']);
    expect(await app.syncPanelOpen()).toBe(true);
    await app.device.click(['p2p-app', 'p2p-contacts', '.search']);
    await app.waitForSyncPanelClosed('by a click outside');
  });
});

describe('the account in the app', () => {
  it('signs up, signs out keeping the data, refuses a wrong password, and signs back in', async () => {
    const app = await openApp(lab);
    await app.startOnThisDevice();
    const email = `front-desk-${crypto.randomUUID().slice(0, 8)}@example.org`;
    await app.openAccount();
    await app.submitAccount(email, PASSWORD, { create: true });
    await app.dialogClosed();
    expect(await app.accountText()).toContain(`Signed in as ${email}`);

    await app.device.click(['p2p-app', 'section[aria-label="Account"] button']);
    await app.closeDialog('Sign out');
    expect(await app.accountText()).toContain('Not signed in');
    await app.waitForOrg('Personal');

    // Signing out keeps the device token of the sign-up, and every login from here sends it, so that failed logins
    // by others for this email cannot lock this device out.
    const deviceToken = await app.device.evaluate(
      (email) => (JSON.parse(localStorage.getItem('p2p-clinic-device-tokens') ?? '{}') as Record<string, string>)[email],
      email,
    );
    expect(deviceToken).toMatch(/.{16,}/);
    await app.device.evaluate(() => {
      const w = window as unknown as { loginDeviceTokens: (string | undefined)[] };
      w.loginDeviceTokens = [];
      const send = window.fetch.bind(window);
      window.fetch = (input, init) => {
        if (String(input instanceof Request ? input.url : input).endsWith('/api/login') && typeof init?.body === 'string') {
          w.loginDeviceTokens.push((JSON.parse(init.body) as { deviceToken?: string }).deviceToken);
        }
        return send(input, init);
      };
    });
    await app.openAccount();
    await app.submitAccount(email, 'not the password at all', { create: false });
    await app.waitForDialogError('Wrong email or password.');
    await app.submitAccount(email, PASSWORD, { create: false });
    await app.dialogClosed();
    expect(await app.accountText()).toContain(`Signed in as ${email}`);
    expect(await app.device.evaluate(() => (window as unknown as { loginDeviceTokens: string[] }).loginDeviceTokens)).toEqual([deviceToken, deviceToken]);
  });

  it('renews an expired session when it comes back, and says "Signed out: sign in again" when the Worker refuses to renew it', async () => {
    const app = await openApp(lab);
    await app.startOnThisDevice();
    const email = `renewing-${crypto.randomUUID().slice(0, 8)}@example.org`;
    await app.signUp(email, PASSWORD);
    await app.createOrg('Praxis am Park');
    // Shared, so the relay starts and asks for a token whenever the app opens.
    const doctor = await openApp(lab);
    await doctor.startOnThisDevice();
    await doctor.joinInviteFrom(app, PASSWORD, 'Praxis am Park');
    await doctor.close();

    // Back after the hour: the access token has expired, the refresh token renews it.
    const first = (await app.storedSession())!;
    await app.patchStoredSession({ expiresAt: 0 });
    await app.comeBack();
    await app.device.waitFor(
      'a renewed session stored',
      (refreshToken) => {
        const stored = JSON.parse(localStorage.getItem('p2p-clinic-account') ?? 'null') as { expiresAt: number; refreshToken: string } | null;
        return stored && stored.expiresAt > Date.now() && stored.refreshToken !== refreshToken;
      },
      first.refreshToken,
      60_000,
    );
    await app.goTo('Settings');
    expect(await app.accountText()).toContain(`Signed in as ${email}`);

    // A refresh token the Worker refuses (here an access token in its place, refused as an expired one would be).
    const renewed = (await app.storedSession())!;
    await app.patchStoredSession({ expiresAt: 0, refreshToken: renewed.token });
    await app.comeBack();
    await app.goTo('Settings');
    await waitForText(app.device, ['p2p-app', 'section[aria-label="Account"]'], `Signed out: sign in again as ${email}`, 60_000);
    expect(await app.storedSession()).toBeNull();
    await app.waitForOrg('Praxis am Park');

    await app.openAccount();
    await app.submitAccount(email, PASSWORD, { create: false });
    await app.dialogClosed();
    expect(await app.accountText()).toContain(`Signed in as ${email}`);
  });
});
