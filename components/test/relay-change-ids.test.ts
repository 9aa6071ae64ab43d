/**
 * Change ids against a squatter, through the real relay client and Worker: another member's account pushes junk
 * under ids the device uses. Ids are each account's own at the relay, so the device's own changes are stored under
 * their own versions beside the junk, and its edits still reach every other device.
 */
import { describe, expect, it } from 'vitest';
import { encodeBase64url, type StoredChange } from '#protocol';
import type { IntegrityState, Wait } from '../src/core/sync/relay-integrity.ts';
import { docKnowingWorkspace, invitedDoc, memberWithKey, newOrg, useRelayWorker, waitFor, type TestDevice } from './relay-fixtures.ts';

/**
 * Members who each push junk under the ids of a large batch's parts still to come (an account stores one change per
 * id): with two parts to come, 6 × 6 joins, more than a reader tries, were parts joined across accounts. Five, as
 * the Worker lets one address create ten accounts.
 */
const SQUATTERS = Array.from({ length: 5 }, (_, i) => `squatter-${i}` as `squatter-${number}`);
const relay = useRelayWorker('alice', 'bob', 'eve', ...SQUATTERS);

describe('a device whose change ids another account pushed under too', () => {
  it("still gets its edits to every device, and the squatter's junk changes nothing", async () => {
    const org = await newOrg();
    const writer = await relay.startDevice(relay.accounts.alice, org);
    const reader = await relay.startDevice(relay.accounts.bob, org, { doc: invitedDoc(writer.doc) });
    writer.doc.getMap('records').set('appointment', 'booked');
    await waitFor('the reader has the first edit', () => reader.doc.getMap('records').get('appointment') === 'booked');

    // Batch ids end in a random tag, so the squatter cannot take the next ones: it copies those already used.
    const used = (await history(writer)).map((change) => change.id);
    expect(used, 'the writer has pushed batches').not.toEqual([]);
    const eve = await memberWithKey(relay.url, relay.accounts.eve, org, writer.workspace.id);
    const junk = encodeBase64url(crypto.getRandomValues(new Uint8Array(64)));
    await eve.push(used.map((id) => ({ id, encryptedData: junk })));

    writer.doc.getMap('records').set('appointment', 'cancelled');
    await waitFor('the reader has the cancellation', () => reader.doc.getMap('records').get('appointment') === 'cancelled');
    await waitFor('the writer has nothing left to send', () => writer.client.status.pending === 0);
    const newcomer = await relay.startDevice(relay.accounts.bob, org, { doc: docKnowingWorkspace(writer.workspace.id) });
    await waitFor('the newcomer has the cancellation', () => newcomer.doc.getMap('records').get('appointment') === 'cancelled');
    expect(reader.doc.getMap('records').toJSON()).toEqual({ appointment: 'cancelled' });
    expect(newcomer.doc.getMap('records').toJSON()).toEqual({ appointment: 'cancelled' });
  });
});

describe("squatters' junk parts between a large batch's pushes", () => {
  it("do not keep the victim's edit from any device, and nothing is left held back or reported for it", async () => {
    const org = await newOrg();
    const writer = await relay.startDevice(relay.accounts.alice, org);
    const reader = await relay.startDevice(relay.accounts.bob, org, { doc: invitedDoc(writer.doc) });
    const eve = await memberWithKey(relay.url, relay.accounts.eve, org, writer.workspace.id);
    const squatters = await Promise.all(SQUATTERS.map((name) => memberWithKey(relay.url, relay.accounts[name]!, org, writer.workspace.id)));

    // The writer's network goes down as the relay acknowledges the first push of the batch's parts, so the squatters,
    // who have seen those parts, push junk under the ids of the parts still to come before the writer pushes them.
    let firstPush: string[] = [];
    writer.network.relayLie = (message) => {
      if (message.type === 'ack' && firstPush.length === 0 && message.ids.some((id) => /_p0of\d+$/.test(id))) {
        firstPush = message.ids;
        writer.network.goOffline();
      }
      return message;
    };
    // Five parts of 256 KiB of base64url, and a push carries at most three.
    const large = 'x'.repeat(900 * 1024);
    writer.doc.getText('notes').insert(0, large);
    await waitFor("the relay has acknowledged the first push of the batch's parts", () => firstPush.length > 0);

    const [, base, count] = /^(.+)_p0of(\d+)$/.exec(firstPush[0]!)!;
    const junk = encodeBase64url(crypto.getRandomValues(new Uint8Array(64)));
    const missing = Array.from({ length: Number(count) - firstPush.length }, (_, i) => `${base}_p${firstPush.length + i}of${count}`);
    expect(missing, `parts the writer has still to push after ${firstPush.join(" ")}`).not.toEqual([]);
    await Promise.all(squatters.map((squatter) => squatter.push(missing.map((id) => ({ id, encryptedData: junk })))));
    await eve.push([{ id: `${base}_p0of1`, encryptedData: junk }]);
    writer.network.goOnline();

    await waitFor('the writer has nothing left to send', () => writer.client.status.pending === 0);
    const changes = await history(writer);
    const realLast = changes.find((change) => change.id === missing.at(-1) && change.encryptedData !== junk)!;
    const junkLast = changes.find((change) => change.id === missing.at(-1) && change.encryptedData === junk)!;
    expect(junkLast.version, "the squatters' parts are served before the writer's").toBeLessThan(realLast.version);
    expect(changes.filter((change) => change.id === missing.at(-1) && change.encryptedData === junk)).toHaveLength(SQUATTERS.length);

    const newcomer = await relay.startDevice(relay.accounts.bob, org, { doc: docKnowingWorkspace(writer.workspace.id) });
    for (const [name, device] of [['reader', reader], ['newcomer', newcomer]] as const) {
      await waitFor(`the ${name} has the large edit`, () => device.doc.getText('notes').length === large.length);
      await waitFor(`the ${name} holds back nothing for it`, async () => (await waitsFor(device, base!)).length === 0);
      expect(device.client.status.integrity).toEqual([]);
    }
  });
});

/** Every change the relay holds, page by page: a page stops short of the relay's message limit. */
async function history(device: TestDevice): Promise<StoredChange[]> {
  const changes: StoredChange[] = [];
  for (let since = 0, more = true; more; since = changes.at(-1)?.version ?? since) {
    const page = await device.relay.api.pullChanges(await device.relay.getToken(), device.workspace.id, since, 1000);
    changes.push(...page.changes);
    more = page.more && page.changes.length > 0;
  }
  return changes;
}

/** What the device is still waiting on for the change `base` (its parts, or the whole unreadable), as it saved it. */
async function waitsFor(device: TestDevice, base: string): Promise<Wait[]> {
  const saved = await device.outbox.getState<IntegrityState>('integrity');
  return (saved?.waits ?? []).filter((wait) => wait.kind !== 'missing' && (wait.id === base || wait.id.startsWith(`${base}_p*`)));
}
