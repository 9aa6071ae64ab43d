/**
 * Two devices of one org through the app's UI only, with the lab's Worker as signalling server and relay: the same
 * contact edited on both at once, the relay alone when peer connections are blocked, and two devices that are never
 * online together. How a device joins (invite, code, password) is tested in orgs.browser.test.ts; here it is setup.
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../scripts/device-lab/lab.ts';
import { AppPage } from './pages/app-page.ts';
import { waitForText } from './pages/shadow-query.ts';

const lab = useDeviceLab();
const PASSWORD = 'Linden-Apfel-42-Baum';
/** Set in a device's localStorage, its next page load gets peer connections that never connect. */
const PEERS_BLOCKED_KEY = 'lab-peers-blocked';

/**
 * Runs before the app in every page: once the device is told to, each peer connection gathers no candidate, as
 * behind a firewall that blocks WebRTC with no TURN server to fall back on, so that only the relay is left.
 */
function blockPeersWhenTold(): void {
  let blocked = false;
  try {
    // PEERS_BLOCKED_KEY: an init script runs alone in the page, without this module's constants.
    blocked = localStorage.getItem('lab-peers-blocked') === 'true';
  } catch {
    // about:blank has no storage.
  }
  if (!blocked) return;
  const Unblocked = RTCPeerConnection;
  window.RTCPeerConnection = class extends Unblocked {
    constructor(configuration?: RTCConfiguration) {
      super({ ...configuration, iceServers: [], iceTransportPolicy: 'relay' });
    }
  };
}

async function openDevice(): Promise<AppPage> {
  const device = await lab.newBlankDevice();
  await device.addInitScript(blockPeersWhenTold);
  const app = new AppPage(device);
  await app.open(lab.pageUrl, lab.workerUrl);
  return app;
}

/**
 * The front desk creates a shared org and invites the doctor, who joins with the code and the password; with
 * `signedIn`, each first signs up to the Worker, so that the relay carries the org's changes too.
 */
async function orgOnTwoDevices({ signedIn }: { signedIn: boolean }): Promise<{ front: AppPage; doctor: AppPage }> {
  const front = await openDevice();
  const doctor = await openDevice();
  for (const [app, name] of [[front, 'front-desk'], [doctor, 'doctor']] as const) {
    await app.startOnThisDevice();
    if (signedIn) await app.signUp(`${name}-${crypto.randomUUID().slice(0, 8)}@example.org`, PASSWORD);
  }
  await front.createOrg('Praxis am Park');
  await doctor.joinInviteFrom(front, PASSWORD, 'Praxis am Park');
  return { front, doctor };
}

async function newContact(app: AppPage, givenName: string): Promise<void> {
  await app.goTo('Contacts');
  await app.contacts.clickButton('New contact');
  await app.contacts.fill('field-givenName', givenName);
  await app.device.keyboard.press('Enter');
  await app.contacts.waitForName(givenName);
}

describe('two devices of one org, through the app', () => {
  it('merges both devices’ edits of one contact made at the same time, field by field, and shows the result on both', async () => {
    const { front, doctor } = await orgOnTwoDevices({ signedIn: false });
    await newContact(front, 'Marta');
    await doctor.goTo('Contacts');
    await doctor.contacts.open('Marta');
    await front.contacts.open('Marta');

    // Both open the form on the same contact; each changes a different field.
    await front.contacts.clickButton('Edit');
    await doctor.contacts.clickButton('Edit');
    await front.contacts.fill('field-organisation', 'Nordklinik GmbH');
    await doctor.contacts.fill('field-familyName', 'Nowak');
    await front.device.keyboard.press('Enter');
    await waitForText(front.device, front.contacts.at('.card'), 'Nordklinik GmbH');
    // The doctor saves a form opened before the front desk's change arrived.
    await doctor.device.waitFor('the front desk’s edit on the doctor’s device', () =>
      document.querySelector('p2p-app')?.shadowRoot?.querySelector('p2p-contacts')?.session?.contacts.list().some((contact) => contact.organisation === 'Nordklinik GmbH'),
    );
    await doctor.device.keyboard.press('Enter');

    for (const app of [front, doctor]) {
      await waitForText(app.device, app.contacts.at('#card-name'), 'Marta Nowak');
      await waitForText(app.device, app.contacts.at('.card'), 'Nordklinik GmbH');
    }
  });

  it('syncs through the relay alone when peer connections are blocked, and between devices never online together', async () => {
    const { front, doctor } = await orgOnTwoDevices({ signedIn: true });
    for (const app of [front, doctor]) {
      await app.device.evaluate((key) => localStorage.setItem(key, 'true'), PEERS_BLOCKED_KEY);
      await app.open(lab.pageUrl, lab.workerUrl);
      await app.waitForSyncStatus('Synced', 60_000);
    }
    await newContact(front, 'Through the relay');
    await doctor.goTo('Contacts');
    await doctor.contacts.waitForName('Through the relay');
    for (const app of [front, doctor]) {
      await app.openSyncStatus();
      expect(await app.syncPanelValue('Devices online')).toBe('0');
      expect(await app.syncPanelValue('Relay')).toBe('Connected');
    }

    // The doctor closes the app; the front desk works offline, comes back online, sends and closes the app too.
    await doctor.close();
    await front.device.setOffline(true);
    await front.waitForSyncStatus('Offline');
    await newContact(front, 'Written offline');
    await front.device.setOffline(false);
    await front.waitForSyncStatus('Synced', 60_000);
    await front.waitForNothingToSend();
    await front.close();

    // Only then does the doctor open the app again: the edit comes from the relay.
    await doctor.open(lab.pageUrl, lab.workerUrl);
    await doctor.goTo('Contacts');
    await doctor.contacts.waitForName('Written offline');
  });
});
