/** An org's devices simulated in one process: each with its own identity, document and epoch keys, synced by hand. */
import * as Y from 'yjs';
import { IDBFactory } from 'fake-indexeddb';
import { generateOrgKey, orgIdFor } from '../src/core/crypto/org-key.ts';
import { generateDeviceIdentity, type DeviceIdentity } from '../src/core/org/device-identity.ts';
import type { StoredEpochKey } from '../src/core/org/key-epochs.ts';
import { OrgMembership, type EpochKeyStore } from '../src/core/org/org-membership.ts';
import { membershipMap, type SignedRecord } from '../src/core/org/membership-records.ts';
import type { LastSeenOptions } from '../src/core/org/last-seen.ts';
import { RelayApi } from '../src/core/sync/relay-api.ts';
import { noticeRecords, noticeUpdate } from '../src/core/sync/epoch-notices.ts';
import { OrgSync } from '../src/core/sync/org-sync.ts';
import type { RelayAccount } from '../src/core/sync/relay-workspace.ts';
import { TestNetwork, type TestAccount } from './relay-fixtures.ts';

export interface TestDevice {
  name: string;
  identity: DeviceIdentity;
  doc: Y.Doc;
  membership: OrgMembership;
  keys: StoredEpochKey[];
}

export interface TestOrg {
  orgId: string;
  orgKey: Uint8Array;
}

/** A fresh org key and the id it commits to. */
export async function newTestOrg(): Promise<TestOrg> {
  const orgKey = await generateOrgKey();
  return { orgId: await orgIdFor(orgKey), orgKey };
}

/**
 * A device of `org` holding `orgKey` (the org's first key) and `keys`, enrolled in its document (a new one unless
 * given) as it opens.
 */
export async function openDevice(
  org: TestOrg,
  name: string,
  { ticket, keys = [], doc = new Y.Doc(), lastSeen }: { ticket?: SignedRecord; keys?: StoredEpochKey[]; doc?: Y.Doc; lastSeen?: Omit<LastSeenOptions, 'self'> } = {},
): Promise<TestDevice> {
  const keyStore: EpochKeyStore = { load: async () => [...keys], save: async (stored) => void keys.push(stored) };
  const identity = await generateDeviceIdentity();
  const membership = await OrgMembership.open({
    orgId: org.orgId,
    doc,
    identity,
    orgKey: org.orgKey,
    profile: { memberId: name, memberName: name, name: `${name}'s laptop`, ...(ticket ? { ticket } : {}) },
    keyStore,
    ...(lastSeen ? { lastSeen } : {}),
  });
  return { name, identity, doc, membership, keys };
}

export interface SyncedDevice extends TestDevice {
  sync: OrgSync;
  network: TestNetwork;
  relay: RelayAccount;
}

/** A device of `org` syncing through the relay of the Worker at `workerUrl` alone (no WebRTC in Node), on a network of its own. */
export async function startSyncedDevice(
  workerUrl: string,
  org: TestOrg,
  name: string,
  account: TestAccount,
  options: Parameters<typeof openDevice>[2] = {},
): Promise<SyncedDevice> {
  const device = await openDevice(org, name, options);
  const network = new TestNetwork();
  const relay: RelayAccount = { api: new RelayApi(workerUrl, network.fetch), getToken: async () => account.token };
  const sync = await OrgSync.start({
    orgId: org.orgId,
    roomId: `${org.orgId}.room`,
    doc: device.doc,
    orgKey: org.orgKey,
    workerUrl,
    account: relay,
    peerToPeer: false,
    membership: device.membership,
    indexedDB: new IDBFactory(),
    relayClient: { WebSocket: network.WebSocket, pollIntervalMs: 100, reconnectBackoff: { baseMs: 20, maxMs: 400 } },
  });
  return { ...device, sync, network, relay };
}

/** Founds an org with these devices, all enrolled and in step. */
export async function foundOrg(names: string[]): Promise<{ org: TestOrg; devices: TestDevice[] }> {
  const org = await newTestOrg();
  const devices: TestDevice[] = [];
  for (const name of names) devices.push(await openDevice(org, name));
  await settle(devices);
  return { org, devices };
}

/** Sends every update of `from` that `to` lacks, as a sync provider would. */
export function syncDoc(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

const stateOf = (device: TestDevice) => Y.encodeStateVector(device.doc).join(',');

/**
 * Syncs the devices' documents and lets each act on what it received, until no document changes any more. Fails,
 * naming the devices, if they still write after a bound that convergence never needs.
 */
export async function settle(devices: TestDevice[]): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const before = devices.map(stateOf).join('|');
    for (const from of devices) for (const to of devices) if (from !== to) syncDoc(from.doc, to.doc);
    await Promise.all(devices.map((device) => device.membership.refresh()));
    await Promise.all(devices.map((device) => device.membership.refresh()));
    if (devices.map(stateOf).join('|') === before) return;
  }
  throw new Error(`the member lists of ${devices.map((device) => device.name).join(', ')} kept changing after 20 rounds`);
}

/** The notices of epoch `base` a device publishes in that epoch's workspace (epoch-notices.ts), as Yjs updates. */
export const noticesOf = (device: TestDevice, base: string) => noticeRecords(membershipMap(device.doc), base).map(([id, json]) => noticeUpdate(id, json));
export const idsOf = (...devices: TestDevice[]) => devices.map((device) => device.identity.deviceId).sort();
export const currentMembers = (device: TestDevice) => [...device.membership.view.membership.current.members].sort();
