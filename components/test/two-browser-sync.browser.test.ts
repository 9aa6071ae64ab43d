/**
 * The whole sync story in real browsers: two browser contexts (two devices) and the local Worker. One device
 * creates an org and invites the other; the other joins with the code and the password; then an edit on either
 * side appears on the other over WebRTC alone, and again through the relay alone with WebRTC turned off.
 * Run twice: both devices in the run's browser, then the front desk in it and the doctor in the other browser, so
 * that the chromium and firefox runs together pair Chromium with Firefox in both roles.
 * Prints each propagation time (the budget, under one second on this machine, is checked by reading, not asserted).
 */
import { describe, expect, it } from 'vitest';
import type { Core } from '../../scripts/core-page.ts';
import type { BrowserName, Device } from '../../scripts/device-lab/device.ts';
import { BROWSERS, useDeviceLab } from '../../scripts/device-lab/lab.ts';
import type { InvitedOrg, Invitation, OrgSession, OrgSync, RelayApi } from '../src/core/index.ts';

const PASSWORD = 'kingfisher over the weir';

const lab = useDeviceLab();

interface DeviceWindow {
  core: Core;
  api: RelayApi;
  token: string;
  orgId: string;
  roomId: string;
  orgKey: Uint8Array;
  session: OrgSession;
  sync: OrgSync | null;
  invitation: Invitation;
  arrival: Promise<number>;
}

async function device(name: string, browser: BrowserName): Promise<Device> {
  const page = await lab.newDevice({ browser });
  await page.evaluate(
    async ({ workerUrl, email }) => {
      const w = window as unknown as DeviceWindow;
      w.api = new w.core.RelayApi(workerUrl);
      w.token = (await w.api.createAccount(email, 'a long account password')).token;
      w.sync = null;
    },
    { workerUrl: lab.workerUrl, email: `${name}-${Date.now()}@clinic.example` },
  );
  return page;
}

/** (Re)starts the device's sync: peer to peer only, or the relay only. */
const startSync = (page: Device, path: 'webrtc' | 'relay') =>
  page.evaluate(async (path) => {
    const w = window as unknown as DeviceWindow;
    await w.sync?.stop();
    w.sync = await w.core.OrgSync.start({
      orgId: w.orgId,
      roomId: w.roomId,
      doc: w.session.doc,
      orgKey: w.orgKey,
      workerUrl: w.api.workerUrl,
      peerToPeer: path === 'webrtc',
      account: path === 'relay' ? { api: w.api, getToken: async () => w.token } : null,
    });
  }, path);

/** Waits on `page` for the contact named `marker`, resolving with the time it arrived. */
const expectArrival = (page: Device, marker: string) =>
  page.evaluate((marker) => {
    const w = window as unknown as DeviceWindow;
    const arrived = () => w.session.contacts.search(marker).length > 0;
    w.arrival = new Promise<number>((resolve) => {
      if (arrived()) return resolve(Date.now());
      const stop = w.session.contacts.subscribe(() => {
        if (!arrived()) return;
        stop();
        resolve(Date.now());
      });
    });
  }, marker);

/** Writes a contact named `marker` on `from` and returns how long it took to appear on `to`, in ms. */
async function propagation(from: Device, to: Device, marker: string): Promise<number> {
  await expectArrival(to, marker);
  const sentAt = await from.evaluate((marker) => {
    const w = window as unknown as DeviceWindow;
    const sentAt = Date.now();
    w.session.contacts.create({
      givenName: marker, familyName: 'Test', displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [],
    });
    return sentAt;
  }, marker);
  const arrivedAt = await to.evaluate(() => (window as unknown as DeviceWindow).arrival);
  return arrivedAt - sentAt;
}

const waitForPeers = (page: Device) =>
  page.waitFor('a connected peer', () => ((window as unknown as DeviceWindow).sync?.status.peers ?? 0) > 0);

const waitForRelay = (page: Device) =>
  page.waitFor('the relay socket', () => (window as unknown as DeviceWindow).sync?.status.relay === 'websocket');

const otherBrowser = BROWSERS.find((browser) => browser !== lab.browser)!;

describe('two browsers of one org', () => {
  it.each([
    [lab.browser, lab.browser],
    [lab.browser, otherBrowser],
  ])('join by invite, then sync edits both ways over WebRTC, and over the relay alone (front desk in %s, doctor in %s)', async (frontBrowser, doctorBrowser) => {
    const front = await device('front-desk', frontBrowser);
    const doctor = await device('doctor', doctorBrowser);

    // The front desk creates the org and opens an invite.
    const code = await front.evaluate(async (password) => {
      const w = window as unknown as DeviceWindow;
      const registry = await w.core.OrgRegistry.open();
      const created = await registry.create({ name: 'Praxis am Park', color: '#0e7490' });
      const org = await registry.setRoom(created.id, crypto.randomUUID());
      w.orgId = org.id;
      w.roomId = org.roomId!;
      w.orgKey = (await w.core.loadOrgKey(org.id))!;
      w.session = await w.core.openOrg(org.id);
      w.invitation = await w.core.Invitation.create({
        api: w.api, org: { ...org, roomId: org.roomId! }, orgKey: w.orgKey, password,
      });
      return w.invitation.code;
    }, PASSWORD);

    // The doctor joins with the code and the password told by phone.
    const joined = await doctor.evaluate(
      async ({ code, password }) => {
        const w = window as unknown as DeviceWindow;
        const redemption = await w.core.InviteRedemption.redeem(w.api, code);
        const invited: InvitedOrg = await redemption.tryPassword(password);
        const registry = await w.core.OrgRegistry.open();
        const org = await registry.adopt(invited.org, invited.orgKey);
        w.orgId = org.id;
        w.roomId = org.roomId!;
        w.orgKey = invited.orgKey;
        w.session = await w.core.openOrg(org.id);
        return { orgId: org.id };
      },
      { code, password: PASSWORD },
    );
    expect(joined.orgId).toBe(await front.evaluate(() => (window as unknown as DeviceWindow).orgId));

    // WebRTC alone.
    await Promise.all([startSync(front, 'webrtc'), startSync(doctor, 'webrtc')]);
    await Promise.all([waitForPeers(front), waitForPeers(doctor)]);
    const webrtcForth = await propagation(front, doctor, 'Webrtcforth');
    const webrtcBack = await propagation(doctor, front, 'Webrtcback');

    // The relay alone: no peer connection at all.
    await Promise.all([startSync(front, 'relay'), startSync(doctor, 'relay')]);
    await Promise.all([waitForRelay(front), waitForRelay(doctor)]);
    expect(await front.evaluate(() => (window as unknown as DeviceWindow).sync!.status.peers)).toBe(0);
    const relayForth = await propagation(front, doctor, 'Relayforth');
    const relayBack = await propagation(doctor, front, 'Relayback');

    console.log(
      `propagation ${frontBrowser} → ${doctorBrowser} on this machine: WebRTC ${webrtcForth} ms and ${webrtcBack} ms; relay alone ${relayForth} ms and ${relayBack} ms (budget: under 1000 ms)`,
    );
    // Both devices end with the same four contacts.
    const names = (page: Device) =>
      page.evaluate(() => (window as unknown as DeviceWindow).session.contacts.list().map((contact) => contact.givenName).sort());
    expect(await names(front)).toEqual(['Relayback', 'Relayforth', 'Webrtcback', 'Webrtcforth']);
    expect(await names(doctor)).toEqual(await names(front));
    for (const page of [front, doctor]) await page.evaluate(() => (window as unknown as DeviceWindow).sync?.stop());
  });
});
