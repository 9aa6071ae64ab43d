/**
 * Removal through the real Worker (relay path only; the browser test covers WebRTC): the remaining devices move to
 * the new epoch's workspace, the removed one gets nothing written afterwards, and a device that was offline during
 * the removal catches up from the notice in the old workspace.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeBase64url, encodeBase64url } from '#protocol';
import { deriveEpochSubkeys } from '../src/core/org/key-epochs.ts';
import { RelayApi, RelayApiError } from '../src/core/sync/relay-api.ts';
import { decodeEnvelope } from '../src/core/sync/relay-envelope.ts';
import { RelayEnvelopeSigning, decodeSignedEnvelope } from '../src/core/sync/relay-signatures.ts';
import { EpochNotices, noticeUpdate } from '../src/core/sync/epoch-notices.ts';
import { GENESIS_EPOCH, membershipMap } from '../src/core/org/membership-records.ts';
import { openRelayWorkspace, relayUpdateCipher, relayWorkspaceIdOf, type RelayAccount } from '../src/core/sync/relay-workspace.ts';
import { REMOVED_FROM_ORG } from '../src/core/sync/org-sync.ts';
import { TestNetwork, useRelayWorker, waitFor, type TestAccount } from './relay-fixtures.ts';
import { foundOrg, newTestOrg, openDevice, startSyncedDevice, type SyncedDevice, type TestDevice, type TestOrg } from './membership-fixtures.ts';

const worker = useRelayWorker('ana', 'ben', 'cai', 'rex', 'roy');

const startSynced = (org: TestOrg, name: string, account: TestAccount) => startSyncedDevice(worker.url, org, name, account);

const written = (device: TestDevice, key: string) => device.doc.getMap('notes').get(key);
const membersSeen = (device: TestDevice) => device.membership.view.membership.current.members.size;

/** What the removed device can read from a workspace: every blob it can open (or every notice), applied to an empty document. */
async function readableBy(
  relay: RelayAccount,
  org: TestOrg,
  key: Uint8Array,
  number: number,
  workspaceId: string,
  { noticesOnly = false } = {},
): Promise<Y.Doc> {
  const subkeys = await deriveEpochSubkeys(key, org.orgId, number);
  const cipher = relayUpdateCipher({ orgId: org.orgId, subkeys }, workspaceId);
  const doc = new Y.Doc();
  const { changes } = await relay.api.pullChanges(await relay.getToken(), workspaceId, 0);
  for (const change of changes) {
    if (noticesOnly && !change.id.startsWith('notice-')) continue;
    const opened = await cipher.open(decodeBase64url(change.encryptedData)!).catch(() => null);
    // Read as it holds them, signed or not: what it could open at all is the question, not whom it would believe.
    if (opened) Y.applyUpdate(doc, decodeEnvelope(decodeSignedEnvelope(opened).envelope).update);
  }
  return doc;
}

describe('removing a device', () => {
  it('moves the others to a new workspace, leaves the removed one nothing written afterwards, and brings an offline device along', async () => {
    const org = await newTestOrg();
    const { ana: anaAccount, ben: benAccount, cai: caiAccount, rex: rexAccount } = worker.accounts;
    const devices = [
      await startSynced(org, 'ana', anaAccount),
      await startSynced(org, 'ben', benAccount),
      await startSynced(org, 'cai', caiAccount),
      await startSynced(org, 'rex', rexAccount),
    ];
    const [ana, ben, cai, rex] = devices as [SyncedDevice, SyncedDevice, SyncedDevice, SyncedDevice];
    try {
      await waitFor('every device lists all four', () => devices.every((device) => membersSeen(device) === 4));
      ana.doc.getMap('notes').set('before', 'written before the removal');
      await waitFor('everyone has what was written before', () => devices.every((device) => written(device, 'before') !== undefined));
      const genesisWorkspace = relayWorkspaceIdOf(ana.doc)!;

      cai.network.goOffline();
      await ana.membership.remove([rex.identity.deviceId]);
      await waitFor('ana and ben are in epoch 1', () => ana.sync.status.epoch === 1 && ben.sync.status.epoch === 1);
      await waitFor('rex is told it was removed', () => rex.sync.status.membership === 'removed');
      expect(rex.sync.status.lastError).toBe(REMOVED_FROM_ORG);
      await waitFor('ana in the new epoch’s workspace', () => ana.sync.workspaceId !== genesisWorkspace);

      ana.doc.getMap('notes').set('after', 'written after the removal');
      ben.doc.getMap('notes').set('after-ben', 'also after');
      await waitFor('ana and ben converge after the removal', () => written(ben, 'after') !== undefined && written(ana, 'after-ben') !== undefined);

      cai.network.goOnline();
      await waitFor('cai, offline during the removal, reaches epoch 1', () => cai.sync.status.epoch === 1);
      await waitFor('cai catches up', () => written(cai, 'after') !== undefined && written(cai, 'after-ben') !== undefined);
      expect(cai.membership.view.epochKey).toEqual(ana.membership.view.epochKey);

      // The removed device: nothing after the removal in its document, nor in anything it can open at the relay.
      expect(written(rex, 'after')).toBeUndefined();
      const readable = await readableBy(rex.relay, org, org.orgKey, 0, genesisWorkspace);
      expect(readable.getMap('notes').get('before')).toBeDefined();
      expect(readable.getMap('notes').get('after')).toBeUndefined();
      expect(readable.getMap('notes').get('after-ben')).toBeUndefined();
      // Nor can it join the new workspace, even told its id: its join secret is the old epoch's.
      const oldSecret = (await deriveEpochSubkeys(org.orgKey, org.orgId, 0)).joinSecret;
      await expect(rex.relay.api.joinWorkspace(await rex.relay.getToken(), ana.sync.workspaceId!, oldSecret)).rejects.toSatisfy(
        (err: unknown) => err instanceof RelayApiError && err.code === 'JOIN_REFUSED',
      );

      // What the removed device writes into the old workspace as notices reaches the members' documents only if it
      // is a rotation or an ack of that epoch (which the member list then verifies): no data, no other record.
      const oldCipher = relayUpdateCipher({ orgId: org.orgId, subkeys: await deriveEpochSubkeys(org.orgKey, org.orgId, 0) }, genesisWorkspace);
      const junk = new Y.Doc();
      junk.getMap('notes').set('junk', 'written by the removed device');
      membershipMap(junk).set('rename-junk', JSON.stringify({ body: JSON.stringify({ kind: 'rename', orgId: org.orgId }), signer: 'x', signature: 'y' }));
      const marker = JSON.stringify({ body: JSON.stringify({ kind: 'ack', orgId: org.orgId, base: 'genesis' }), signer: 'x', signature: 'y' });
      const notices = [Y.encodeStateAsUpdate(junk), noticeUpdate('ack-marker', marker)];
      // Signed by the removed device itself, which it can still do there: it is a member of the old epoch.
      const rexSigning = await RelayEnvelopeSigning.create({ identity: rex.identity, orgId: org.orgId, workspaceId: genesisWorkspace, epoch: { id: GENESIS_EPOCH, key: org.orgKey } });
      const changes = await Promise.all(
        notices.map(async (update, index) => ({
          id: `notice-junk${index}`,
          encryptedData: encodeBase64url(await oldCipher.seal(await rexSigning.sign({ kind: 'batch', deviceId: rexSigning.relayDeviceId, sequence: index + 1, update }))),
        })),
      );
      await rex.relay.api.pushChanges(await rex.relay.getToken(), genesisWorkspace, changes);
      await waitFor('ana reads the old workspace past the junk', () => membershipMap(ana.doc).has('ack-marker'));
      expect(written(ana, 'junk')).toBeUndefined();
      expect(membershipMap(ana.doc).has('rename-junk')).toBe(false);
      expect(ana.membership.view.membership.current.members.size).toBe(3);
    } finally {
      await Promise.all(devices.map((device) => device.sync.stop()));
    }
  });

  it('fails a flush while the rotation’s notice cannot reach the old workspace, and has it there after the next', async () => {
    const org = await newTestOrg();
    const [ana, rex] = [await startSynced(org, 'ana', worker.accounts.ana), await startSynced(org, 'rex', worker.accounts.rex)];
    try {
      await waitFor('both list both', () => membersSeen(ana) === 2 && membersSeen(rex) === 2);
      const genesisWorkspace = relayWorkspaceIdOf(ana.doc)!;
      ana.network.refuse(({ method, url, body }) => method === 'POST' && url.endsWith(`/sync/${genesisWorkspace}/changes`) && body.includes('"notice-'));
      await ana.membership.remove([rex.identity.deviceId]);
      await waitFor('the notice’s push kept from the relay', () => ana.network.refused > 0);
      await expect(ana.sync.flush()).rejects.toThrow('never reached the Worker');
      ana.network.refuse(null);

      // Closing the app right after a flush: nothing is left for a next start to publish.
      await ana.sync.flush();
      await ana.sync.stop();
      const readable = await readableBy(rex.relay, org, org.orgKey, 0, genesisWorkspace, { noticesOnly: true });
      const rotations = [...membershipMap(readable).values()].filter((json) => JSON.parse(JSON.parse(json as string).body).kind === 'rotation');
      expect(rotations).toHaveLength(1);
    } finally {
      await Promise.all([ana, rex].map((device) => device.sync.stop()));
    }
  });

  it('pushes a notice that could not reach the old workspace again at the next poll of it', async () => {
    const { org, devices } = await foundOrg(['ana', 'rex']);
    const [ana, rex] = devices as [TestDevice, TestDevice];
    const network = new TestNetwork();
    const relay: RelayAccount = { api: new RelayApi(worker.url, network.fetch), getToken: async () => worker.accounts.ana.token };
    const { id: genesisWorkspace } = await openRelayWorkspace(relay, { orgId: org.orgId, subkeys: await deriveEpochSubkeys(org.orgKey, org.orgId, 0) }, ana.doc);
    await ana.membership.remove([rex.identity.deviceId]);
    const notices = new EpochNotices({ account: relay, orgId: org.orgId, doc: ana.doc, membership: ana.membership, pollIntervalMs: 20 });
    const noticesHeld = async () => (await relay.api.pullChanges(await relay.getToken(), genesisWorkspace, 0)).changes.filter((change) => change.id.startsWith('notice-'));
    try {
      network.refuse(({ method, url }) => method === 'POST' && url.endsWith(`/sync/${genesisWorkspace}/changes`));
      await notices.follow(ana.membership.view);
      expect(network.refused).toBeGreaterThan(0);
      expect(await noticesHeld()).toEqual([]);
      network.refuse(null);
      await waitFor('the notices pushed by a poll', async () => (await noticesHeld()).length > 0);
    } finally {
      notices.stop();
    }
  });

  it('lets a device that starts in the old epoch verify the rotation, though the removed device’s enrolment never reached the relay', async () => {
    const org = await newTestOrg();
    const ana = await startSynced(org, 'ana', worker.accounts.ana);
    let cai: SyncedDevice | null = null;
    try {
      await waitFor('ana on the relay', () => ana.sync.status.relay === 'websocket');
      await ana.sync.flush();
      // Ben enrols and meets Ana over WebRTC only: what she receives from a peer, her relay does not carry.
      const ben = await openDevice(org, 'ben');
      const overWebRtc = { provider: 'webrtc' };
      Y.applyUpdate(ana.doc, Y.encodeStateAsUpdate(ben.doc), overWebRtc);
      await waitFor('ana lists ben', () => membersSeen(ana) === 2);
      await ana.membership.remove([ben.identity.deviceId]);
      await waitFor('ana in epoch 1', () => ana.sync.status.epoch === 1);
      await ana.sync.flush();

      // Cai holds the first key only (as a recovery kit made before the removal gives it) and reads the old workspace.
      cai = await startSynced(org, 'cai', worker.accounts.cai);
      await waitFor('cai reads the rotation', () => cai!.membership.view.membership.chain.length === 2);
      expect(cai.membership.view.membership.statusOf(ben.identity.deviceId)).toBe('removed');
      expect(cai.membership.view.status).not.toBe('member');
    } finally {
      await Promise.all([ana, cai].map((device) => device?.sync.stop()));
    }
  });

  it('ends two removals made at once, each author in its own new epoch, in one epoch over the relay alone', async () => {
    const org = await newTestOrg();
    const names = ['ana', 'ben', 'cai', 'rex', 'roy'] as const;
    const devices: SyncedDevice[] = [];
    for (const name of names) devices.push(await startSynced(org, name, worker.accounts[name]));
    const [ana, ben, cai, rex, roy] = devices as [SyncedDevice, SyncedDevice, SyncedDevice, SyncedDevice, SyncedDevice];
    try {
      await waitFor('every device lists all five', () => devices.every((device) => membersSeen(device) === 5));
      // Each removes before hearing of the other: two rotations from the first epoch, two new workspaces.
      await Promise.all([ana.membership.remove([rex.identity.deviceId]), ben.membership.remove([roy.identity.deviceId])]);
      const staying = [ana, ben, cai];
      const expected = staying.map((device) => device.identity.deviceId).sort();
      await waitFor('ana, ben and cai in one epoch of the three of them', () => {
        const epochs = new Set(staying.map((device) => device.membership.view.epoch.id));
        return epochs.size === 1 && staying.every((device) => JSON.stringify([...device.membership.view.membership.current.members].sort()) === JSON.stringify(expected));
      });
      await waitFor('their sync in that epoch', () => staying.every((device) => device.sync.status.epoch === ana.membership.view.epoch.number));
      await waitFor('rex and roy told they were removed', () => rex.sync.status.membership === 'removed' && roy.sync.status.membership === 'removed');
      cai.doc.getMap('notes').set('after-both', 'written once both were removed');
      await waitFor('ana and ben have it', () => written(ana, 'after-both') !== undefined && written(ben, 'after-both') !== undefined);
      expect(written(rex, 'after-both')).toBeUndefined();
      expect(written(roy, 'after-both')).toBeUndefined();
    } finally {
      await Promise.all(devices.map((device) => device.sync.stop()));
    }
  });
});
