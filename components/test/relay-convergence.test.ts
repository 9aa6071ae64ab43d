/**
 * Encrypted relay sync against the real Worker: devices with concurrent edits, offline periods, restarts and
 * reloads end with identical documents, and nothing is stored twice.
 */
import { describe, expect, it, onTestFailed } from 'vitest';
import * as Y from 'yjs';
import { content, docKnowingWorkspace, invitedDoc, newOrg, randomEdit, sameContent, useRelayWorker, waitFor, type TestAccount, type TestDevice } from './relay-fixtures.ts';
import { seededRandom } from './seeded-random.ts';
import type { RelayOrg } from '../src/core/sync/relay-workspace.ts';

const relay = useRelayWorker('alice', 'bob', 'carol');

/** Compaction often enough that devices coming back from offline periods and reloads read snapshots, and check them. */
const COMPACT_AFTER = 25;

async function device(account: TestAccount, org: RelayOrg, doc?: Y.Doc, network?: TestDevice['network']): Promise<TestDevice> {
  return relay.startDevice(account, org, { ...(doc ? { doc } : {}), ...(network ? { network } : {}), client: { compactAfter: COMPACT_AFTER } });
}

/** Alice creates the org's workspace; the others join it with the id from her document, as an invite gives it. */
async function orgWithDevices(...accounts: TestAccount[]): Promise<TestDevice[]> {
  const org = await newOrg();
  const first = await device(accounts[0]!, org);
  const others = [];
  for (const account of accounts.slice(1)) others.push(await device(account, org, invitedDoc(first.doc)));
  const devices = [first, ...others];
  await waitFor('every device is live with an empty outbox', () =>
    devices.every((d) => d.client.status.transport === 'websocket' && d.client.status.pending === 0),
  );
  return devices;
}

async function storedChanges(member: TestDevice) {
  const token = await member.relay.getToken();
  return member.relay.api.pullChanges(token, member.workspace.id, 0, 1000);
}

const converged = (devices: TestDevice[]) => () => sameContent(devices.map((d) => d.doc)) && devices.every((d) => d.client.status.pending === 0);

describe('relay sync between devices', () => {
  it('brings four devices with random concurrent edits, offline periods, restarts and reloads to identical documents, losing no edit', async () => {
    const seed = Number(process.env.RELAY_SEED ?? Date.now());
    onTestFailed(() => console.error(`relay convergence failed with seed ${seed}: replay with RELAY_SEED=${seed}`));
    const random = seededRandom(seed);
    const devices = await orgWithDevices(relay.accounts.alice, relay.accounts.bob, relay.accounts.carol, relay.accounts.alice);
    // Every device's own edits, applied to one document: what the converged documents must hold.
    const everyLocalEdit = invitedDoc(devices[0]!.doc);
    const recordLocalEdits = (member: TestDevice) =>
      member.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== member.client) Y.applyUpdate(everyLocalEdit, update);
      });
    devices.forEach(recordLocalEdits);

    for (let round = 0; round < 12; round++) {
      for (const [index, member] of devices.entries()) {
        const roll = random();
        if (roll < 0.15) {
          if (member.network.online) member.network.goOffline();
          else member.network.goOnline();
        } else if (roll < 0.25) {
          if (member.client.status.transport === 'stopped') await member.client.start();
          else await member.client.stop();
        } else if (roll < 0.3) {
          const reloaded = await member.reload();
          recordLocalEdits(reloaded);
          devices[index] = reloaded;
        }
        for (let i = 0; i < 5; i++) randomEdit(devices[index]!.doc, random, `d${index}r${round}`);
      }
      // Each round starts once what can be sent has been: running, online devices have empty outboxes.
      await waitFor(`round ${round}: every running, online device has sent its edits (seed ${seed})`, () =>
        devices.every((d) => !d.network.online || d.client.status.transport === 'stopped' || d.client.status.pending === 0),
      );
    }
    for (const member of devices) {
      member.network.goOnline();
      await member.client.start();
    }

    await waitFor(`all documents are identical (seed ${seed})`, converged(devices), 60_000);
    expect(content(devices[0]!.doc)).toEqual(content(everyLocalEdit));
    // An honest relay, however often devices drop off, never looks like one that drops or rolls back changes.
    expect(devices.map((member) => member.client.status.integrity)).toEqual(devices.map(() => []));
  }, 120_000);

  it('pushes edits made while offline once the relay is reachable again', async () => {
    const [writer, reader] = await orgWithDevices(relay.accounts.alice, relay.accounts.bob);
    writer!.network.goOffline();
    writer!.doc.getMap('records').set('written-offline', 'yes');
    await waitFor('the edit waits in the outbox', () => writer!.client.status.pending > 0);
    expect(reader!.doc.getMap('records').get('written-offline')).toBeUndefined();

    writer!.network.goOnline();
    await waitFor('the reader has the offline edit', () => reader!.doc.getMap('records').get('written-offline') === 'yes');
    await waitFor('the outbox is empty', () => writer!.client.status.pending === 0);
  });

  it('pushes edits left in the outbox by the previous page after a reload', async () => {
    const [writer, reader] = await orgWithDevices(relay.accounts.alice, relay.accounts.bob);
    writer!.network.goOffline();
    for (let i = 0; i < 20; i++) writer!.doc.getArray('log').push([`before reload ${i}`]);
    await waitFor('the edits wait in the outbox', () => writer!.client.status.pending === 20);

    const reloaded = await writer!.reload();
    expect(reloaded.client.status.pending).toBe(20);
    reloaded.network.goOnline();
    await waitFor('the reader has every edit', () => reader!.doc.getArray('log').length === 20);
    await waitFor('the outbox is empty', () => reloaded.client.status.pending === 0);
    expect(content(reader!.doc)).toEqual(content(reloaded.doc));
  });

  it('pushes edits made while the client was stopped, including deletions, when it starts again', async () => {
    const [writer, reader] = await orgWithDevices(relay.accounts.alice, relay.accounts.bob);
    writer!.doc.getMap('records').set('kept', 'a');
    writer!.doc.getMap('records').set('deleted-while-stopped', 'b');
    await waitFor('the reader has both records', () => reader!.doc.getMap('records').size === 2);

    await writer!.client.stop();
    writer!.doc.getMap('records').delete('deleted-while-stopped');
    writer!.doc.getMap('records').set('added-while-stopped', 'c');
    await writer!.client.start();

    await waitFor('the reader has the same records', () => sameContent([writer!.doc, reader!.doc]));
    expect(reader!.doc.getMap('records').toJSON()).toEqual({ kept: 'a', 'added-while-stopped': 'c' });
  });

  it("pushes what an org's document already held when the org first connects to the relay", async () => {
    const org = await newOrg();
    const existing = new Y.Doc();
    existing.getMap('records').set('made-before-the-relay', 'local data');
    const creator = await device(relay.accounts.alice, org, existing);
    const member = await device(relay.accounts.bob, org, docKnowingWorkspace(creator.workspace.id));
    await waitFor('the member has the data', () => member.doc.getMap('records').get('made-before-the-relay') === 'local data');
  });

  it('re-sends a batch whose acknowledgement was lost, after a reload, and the relay stores it once', async () => {
    const [writer, reader] = await orgWithDevices(relay.accounts.alice, relay.accounts.bob);
    writer!.network.blockWebSockets();
    await waitFor('the writer polls over REST', () => writer!.client.status.transport === 'polling');
    const before = (await storedChanges(reader!)).latestVersion;
    writer!.network.loseResponse((method, url) => method === 'POST' && url.endsWith('/changes'));
    writer!.doc.getMap('records').set('acknowledgement lost', 'once');
    await waitFor('the relay has stored the push', async () => (await storedChanges(reader!)).latestVersion === before + 1);
    expect(writer!.client.status.pending).toBe(1);

    const reloaded = await writer!.reload();
    reloaded.network.allowWebSockets();
    reloaded.network.goOnline();
    await waitFor('the outbox is empty', () => reloaded.client.status.pending === 0);
    reloaded.doc.getMap('records').set('after the reload', 'too');
    await waitFor('the reader has both edits', () => reader!.doc.getMap('records').size === 2);

    const stored = await storedChanges(reader!);
    expect(stored.latestVersion).toBe(before + 2);
    expect(stored.changes).toHaveLength(before + 2);
    expect(new Set(stored.changes.map((change) => change.id)).size).toBe(before + 2);
  });
});
