/**
 * What the member-list browser tests do in a device's page, as the app does it: sign up, hold an org (created, or
 * adopted with its key as an invite leaves it), open its member list and sync in the current epoch; write and find
 * contacts. Devices only (scripts/device-lab/device.ts), so the tests run in every browser of the lab.
 */
import type { Core } from '../../scripts/core-page.ts';
import type { Device } from '../../scripts/device-lab/device.ts';
import type { DeviceIdentity, OrgMembership, OrgSession, OrgSync, RelayApi } from '../src/core/index.ts';

export interface MemberWindow {
  core: Core;
  api: RelayApi;
  token: string;
  orgId: string;
  roomId: string;
  orgKey: Uint8Array;
  session: OrgSession;
  identity: DeviceIdentity;
  membership: OrgMembership;
  sync: OrgSync | null;
  /** Bytes that arrived on data channels other than the gate's own, since the last `countReceivedBytes`. */
  documentBytesReceived: number;
}

/** What an org is, to hand to another device: as an invite carries it. */
export interface OrgHandle {
  id: string;
  name: string;
  color: string;
  roomId: string;
  key: number[];
}

/** Runs before the core loads: counts what arrives on every data channel but the gate's authentication channel. */
export function countReceivedBytes() {
  const w = window as unknown as MemberWindow;
  w.documentBytesReceived = 0;
  const createDataChannel = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (this: RTCPeerConnection, label: string, init?: RTCDataChannelInit) {
    const channel = createDataChannel.call(this, label, init);
    if (label !== 'p2p-clinic-auth') {
      channel.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
        w.documentBytesReceived += typeof event.data === 'string' ? event.data.length : event.data.byteLength;
      });
    }
    return channel;
  };
}

/** Signs a new account up on the device. */
export function signUp(page: Device, workerUrl: string, name: string): Promise<void> {
  return page.evaluate(
    async ({ workerUrl, email }) => {
      const w = window as unknown as MemberWindow;
      w.api = new w.core.RelayApi(workerUrl);
      w.token = (await w.api.createAccount(email, 'a long account password')).token;
      w.sync = null;
    },
    { workerUrl, email: `${name}-${crypto.randomUUID()}@clinic.example` },
  );
}

/** Creates an org on the device and returns it with its key, as an invite would carry it. */
export function createOrg(page: Device): Promise<OrgHandle> {
  return page.evaluate(async () => {
    const w = window as unknown as MemberWindow;
    const registry = await w.core.OrgRegistry.open();
    const created = await registry.create({ name: 'Praxis am Park', color: '#0e7490' });
    const org = await registry.setRoom(created.id, crypto.randomUUID());
    const key = (await w.core.loadOrgKey(org.id))!;
    return { id: org.id, name: org.name, color: org.color, roomId: org.roomId!, key: [...key] };
  });
}

/**
 * Holds `org` on the device (adopting it unless it is there already), opens it and its member list, and starts
 * sync in the current epoch, both paths. `epoch`: an epoch key to keep first, as a recovery kit or an invite
 * after a rotation brings one.
 */
export async function openMember(page: Device, org: OrgHandle, name: string, epoch?: { id: string; number: number; key: number[] }): Promise<string> {
  const deviceId = await page.evaluate(
    async ({ org, name, epoch }) => {
      const w = window as unknown as MemberWindow;
      const { core } = w;
      const registry = await core.OrgRegistry.open();
      const key = Uint8Array.from(org.key);
      if (!registry.get(org.id)) await registry.adopt({ id: org.id, name: org.name, color: org.color, roomId: org.roomId }, key);
      if (epoch) await core.saveEpochKey({ orgId: org.id, epoch: epoch.id, number: epoch.number, key: Uint8Array.from(epoch.key) });
      w.orgId = org.id;
      w.roomId = org.roomId;
      w.orgKey = key;
      w.session = await core.openOrg(org.id);
      w.identity = await core.loadDeviceIdentity();
      w.membership = await core.OrgMembership.open({
        orgId: org.id,
        doc: w.session.doc,
        identity: w.identity,
        orgKey: key,
        profile: { memberId: name, memberName: name, name: `${name}'s device` },
      });
      return w.identity.deviceId;
    },
    { org, name, epoch },
  );
  await startSync(page);
  return deviceId;
}

/** Stops the device's sync, as closing the app does. */
export function stopSync(page: Device): Promise<void> {
  return page.evaluate(async () => {
    const w = window as unknown as MemberWindow;
    await w.sync?.stop();
    w.sync = null;
  });
}

/** Starts the device's sync over its member list, as opening the app does. */
export function startSync(page: Device): Promise<void> {
  return page.evaluate(async () => {
    const w = window as unknown as MemberWindow;
    w.sync = await w.core.OrgSync.start({
      orgId: w.orgId,
      roomId: w.roomId,
      doc: w.session.doc,
      orgKey: w.orgKey,
      workerUrl: w.api.workerUrl,
      account: { api: w.api, getToken: async () => w.token },
      membership: w.membership,
    });
  });
}

export function writeContact(page: Device, givenName: string): Promise<void> {
  return page.evaluate((givenName) => {
    const w = window as unknown as MemberWindow;
    w.session.contacts.create({
      givenName, familyName: 'Test', displayName: '', organisation: '', emails: [], phones: [], addresses: [], notes: '', tags: [],
    });
  }, givenName);
}

export function contactNames(page: Device): Promise<string[]> {
  return page.evaluate(() => (window as unknown as MemberWindow).session.contacts.list().map((contact) => contact.givenName).sort());
}

export function waitForContacts(page: Device, names: string[]): Promise<void> {
  return page.waitFor(
    `the contacts ${names.join(', ')}`,
    (names) => {
      const held = new Set((window as unknown as MemberWindow).session.contacts.list().map((contact) => contact.givenName));
      return names.every((name) => held.has(name));
    },
    names,
  );
}

export function waitForMembers(page: Device, count: number): Promise<void> {
  return page.waitFor(`${count} members in the list`, (count) => (window as unknown as MemberWindow).membership.view.membership.current.members.size === count, count);
}

export function waitForEpoch(page: Device, number: number): Promise<void> {
  return page.waitFor(`sync in epoch ${number}`, (number) => (window as unknown as MemberWindow).sync?.status.epoch === number, number);
}

export function waitForPeers(page: Device, count: number): Promise<void> {
  return page.waitFor(`${count} connected peers`, (count) => ((window as unknown as MemberWindow).sync?.status.peers ?? 0) >= count, count);
}

export function syncStatus(page: Device) {
  return page.evaluate(() => (window as unknown as MemberWindow).sync!.status);
}
