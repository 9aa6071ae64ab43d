/**
 * What the member-list browser tests do in a device's page, as the app does it: sign up, hold an org (created, or
 * adopted with its key as an invite leaves it), open its member list and sync in the current epoch; write and find
 * contacts. Devices only (scripts/device-lab/device.ts), so the tests run in every browser of the lab.
 */
import type { Core } from '../../scripts/core-page.ts';
import type { Device } from '../../scripts/device-lab/device.ts';
import type { DeviceLab } from '../../scripts/device-lab/lab.ts';
import type { DeviceIdentity, OrgMembership, OrgSession, OrgSync, RecoveryKitContents, RelayApi } from '../src/core/index.ts';
import type { SignedRecord } from '../src/core/org/membership-records.ts';

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
  /** The recovery kit this device was restored from. */
  kit?: RecoveryKitContents;
}

/** What an org is, to hand to another device: as an invite carries it. */
export interface OrgHandle {
  id: string;
  name: string;
  color: string;
  roomId: string;
  key: number[];
}

/** A new device of the lab with an account of its own; `initScript` runs before the core loads. */
export async function signedUpDevice(lab: DeviceLab, name: string, initScript?: () => void): Promise<Device> {
  const page = await lab.newDevice(initScript ? { initScript } : {});
  await signUp(page, lab.workerUrl, name);
  return page;
}

/** A new device of the lab without an account: it syncs peer to peer only (`startSync` with `relay: false`). */
export async function deviceWithoutAccount(lab: DeviceLab): Promise<Device> {
  const page = await lab.newDevice();
  await page.evaluate((workerUrl) => {
    const w = window as unknown as MemberWindow;
    w.api = new w.core.RelayApi(workerUrl);
    w.sync = null;
  }, lab.workerUrl);
  return page;
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

/** How a device syncs: over both paths unless `relay` is false (peer to peer only, as without an account). */
export interface SyncPaths {
  relay?: boolean;
}

/** Holds `org` on the device as an invite leaves it, then opens it as a member (`openAsMember`). */
export async function openMember(page: Device, org: OrgHandle, name: string, paths: SyncPaths = {}): Promise<string> {
  await page.evaluate(async (org) => {
    const { core } = window as unknown as MemberWindow;
    const registry = await core.OrgRegistry.open();
    await registry.adopt({ id: org.id, name: org.name, color: org.color, roomId: org.roomId }, Uint8Array.from(org.key));
  }, org);
  return openAsMember(page, org.id, name, undefined, paths);
}

/**
 * Restores a recovery kit on the device and opens the org as a member; resolves with the kit's refusal code if
 * `openRecoveryKit` refuses it.
 */
export async function restoreKit(page: Device, kit: string, passphrase: string, name: string): Promise<{ orgId?: string; refused?: string }> {
  const restored: { orgId?: string; refused?: string } = await page.evaluate(
    async ({ kit, passphrase }) => {
      const w = window as unknown as MemberWindow;
      try {
        w.kit = await w.core.openRecoveryKit(kit, passphrase);
        return { orgId: (await w.core.restoreRecoveryKit(await w.core.OrgRegistry.open(), w.kit)).id };
      } catch (err) {
        return { refused: (err as { code: string }).code };
      }
    },
    { kit, passphrase },
  );
  if (restored.orgId !== undefined) await openAsMember(page, restored.orgId, name);
  return restored;
}

/** Opens an org the device holds, and its member list, and starts sync in the current epoch (`startSync`). */
async function openAsMember(page: Device, orgId: string, name: string, ticket?: SignedRecord, paths: SyncPaths = {}): Promise<string> {
  const deviceId = await page.evaluate(
    async ({ orgId, name, ticket }) => {
      const w = window as unknown as MemberWindow;
      const { core } = w;
      const org = (await core.OrgRegistry.open()).get(orgId)!;
      w.orgId = org.id;
      w.roomId = org.roomId!;
      w.orgKey = (await core.loadOrgKey(org.id))!;
      w.session = await core.openOrg(org.id);
      w.identity = await core.loadDeviceIdentity();
      w.membership = await core.OrgMembership.open({
        orgId: org.id,
        doc: w.session.doc,
        identity: w.identity,
        orgKey: w.orgKey,
        profile: { memberId: name, memberName: name, name: `${name}'s device`, ...(ticket ? { ticket } : {}) },
      });
      return w.identity.deviceId;
    },
    { orgId, name, ticket },
  );
  await startSync(page, paths);
  return deviceId;
}

/** A recovery kit of the org's current epoch, made on the device. */
export function exportKit(page: Device, passphrase: string): Promise<string> {
  return page.evaluate(async (passphrase) => {
    const w = window as unknown as MemberWindow;
    const org = (await w.core.OrgRegistry.open()).get(w.orgId)!;
    const { epoch, epochKey } = w.membership.view;
    return w.core.exportRecoveryKit(
      { org: { id: org.id, name: org.name, color: org.color, roomId: org.roomId! }, orgKey: w.orgKey, epoch: { id: epoch.id, number: epoch.number, key: epochKey } },
      passphrase,
    );
  }, passphrase);
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
export function startSync(page: Device, { relay = true }: SyncPaths = {}): Promise<void> {
  return page.evaluate(async (relay) => {
    const w = window as unknown as MemberWindow;
    w.sync = await w.core.OrgSync.start({
      orgId: w.orgId,
      roomId: w.roomId,
      doc: w.session.doc,
      orgKey: w.orgKey,
      workerUrl: w.api.workerUrl,
      ...(relay ? { account: { api: w.api, getToken: async () => w.token } } : {}),
      membership: w.membership,
    });
  }, relay);
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

/** Opens an invite for the device's org, as the app does (with its member list); returns the share code. */
export function openMemberInvite(page: Device, password: string): Promise<string> {
  return page.evaluate(async (password) => {
    const w = window as unknown as MemberWindow;
    const org = (await w.core.OrgRegistry.open()).get(w.orgId)!;
    const invitation = await w.core.Invitation.create({ api: w.api, org: { ...org, roomId: org.roomId! }, orgKey: w.orgKey, password, membership: w.membership });
    return invitation.code;
  }, password);
}

/**
 * Joins by invite as the app does: redeems the code, proves the password, adopts the org, keeps the epoch key and
 * the ticket the invite carries, and opens the org as a member. Resolves with the epoch number the invite gave.
 */
export async function joinByInvite(page: Device, code: string, password: string, name: string, paths: SyncPaths = {}): Promise<number> {
  const joined = await page.evaluate(
    async ({ code, password }) => {
      const w = window as unknown as MemberWindow;
      const { core } = w;
      const invited = await (await core.InviteRedemption.redeem(w.api, code)).tryPassword(password);
      const org = await (await core.OrgRegistry.open()).adopt(invited.org, invited.orgKey);
      if (invited.epoch) await core.saveEpochKey({ orgId: org.id, epoch: invited.epoch.id, number: invited.epoch.number, key: invited.epoch.key });
      return { orgId: org.id, epoch: invited.epoch?.number ?? 0, ...(invited.ticket ? { ticket: invited.ticket } : {}) };
    },
    { code, password },
  );
  await openAsMember(page, joined.orgId, name, joined.ticket, paths);
  return joined.epoch;
}
