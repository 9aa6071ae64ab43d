/**
 * Change ids against a squatter, through the real relay client and Worker: another member's account pushes junk
 * under the ids a device will use next, before it uses them. Ids are each account's own at the relay, so the device's
 * own push is stored under its own version and its edit still reaches every other device.
 */
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '#protocol';
import { invitedDoc, memberWithKey, newOrg, useRelayWorker, waitFor } from './relay-fixtures.ts';

const relay = useRelayWorker('alice', 'bob', 'eve');

describe('a device whose next change ids another account took first', () => {
  it("still gets its edit to every other device, and the squatter's junk changes nothing", async () => {
    const org = await newOrg();
    const writer = await relay.startDevice(relay.accounts.alice, org);
    const reader = await relay.startDevice(relay.accounts.bob, org, { doc: invitedDoc(writer.doc) });
    writer.doc.getMap('records').set('appointment', 'booked');
    await waitFor('the reader has the first edit', () => reader.doc.getMap('records').get('appointment') === 'booked');

    // Batch ids are `<device id>-<first outbox seq>-<last outbox seq>`: the squatter takes the next dozen.
    const deviceId = (await writer.outbox.getState<string>('deviceId'))!;
    const { changes } = await writer.relay.api.pullChanges(await writer.relay.getToken(), writer.workspace.id, 0, 1000);
    const sent = changes.flatMap((change) => (change.id.startsWith(`${deviceId}-`) ? [Number(change.id.split('-').at(-1))] : []));
    expect(sent, 'the writer has pushed batches').not.toEqual([]);
    const eve = await memberWithKey(relay.url, relay.accounts.eve, org, writer.workspace.id);
    const junk = encodeBase64url(crypto.getRandomValues(new Uint8Array(64)));
    const next = Math.max(...sent) + 1;
    await eve.push(
      Array.from({ length: 12 }, (_, i) => i).flatMap((offset) => [
        { id: `${deviceId}-${next + offset}-${next + offset}`, encryptedData: junk },
        { id: `${deviceId}-${next}-${next + offset}`, encryptedData: junk },
      ]),
    );

    writer.doc.getMap('records').set('appointment', 'cancelled');
    await waitFor('the reader has the cancellation', () => reader.doc.getMap('records').get('appointment') === 'cancelled');
    await waitFor('the writer has nothing left to send', () => writer.client.status.pending === 0);
    expect(reader.doc.getMap('records').toJSON()).toEqual({ appointment: 'cancelled' });
  });
});
