/** Sync over REST polling when the WebSocket cannot connect, against the real Worker. */
import { describe, expect, it } from 'vitest';
import { invitedDoc, newOrg, sameContent, TestNetwork, useRelayWorker, waitFor, type TestDevice } from './relay-fixtures.ts';
import type { RelayClientOptions } from '../src/core/sync/relay-client.ts';

const relay = useRelayWorker('alice', 'bob');

/** A WebSocket that cannot even be constructed, as where the API is missing or forbidden. */
class UnconstructableWebSocket {
  constructor() {
    throw new Error('WebSockets are disabled here');
  }
}

/** Alice's device syncs over the WebSocket; Bob's gets the given network and client options. */
async function liveAndFallback(network: TestNetwork, client: Partial<RelayClientOptions> = {}): Promise<[TestDevice, TestDevice]> {
  const org = await newOrg();
  const live = await relay.startDevice(relay.accounts.alice, org);
  const fallback = await relay.startDevice(relay.accounts.bob, org, { doc: invitedDoc(live.doc), network, client });
  return [live, fallback];
}

async function exchangeEdits(live: TestDevice, fallback: TestDevice): Promise<void> {
  live.doc.getMap('records').set('from the live device', 'over the WebSocket');
  fallback.doc.getMap('records').set('from the polling device', 'over REST');
  await waitFor('both devices have both edits', () => sameContent([live.doc, fallback.doc]) && live.doc.getMap('records').size === 2);
  await waitFor('the polling device has nothing pending', () => fallback.client.status.pending === 0);
}

describe('REST polling fallback', () => {
  it('syncs both ways by polling when every WebSocket connection is refused', async () => {
    const network = new TestNetwork();
    network.blockWebSockets();
    const [live, fallback] = await liveAndFallback(network);
    await waitFor('the blocked device polls', () => fallback.client.status.transport === 'polling');
    await exchangeEdits(live, fallback);
    expect(fallback.client.status.transport).toBe('polling');
  });

  it('syncs both ways by polling when the WebSocket constructor throws', async () => {
    const [live, fallback] = await liveAndFallback(new TestNetwork(), { WebSocket: UnconstructableWebSocket as unknown as typeof WebSocket });
    await waitFor('the device polls', () => fallback.client.status.transport === 'polling');
    await exchangeEdits(live, fallback);
    expect(fallback.client.status.transport).toBe('polling');
  });

  it('returns to the WebSocket, and stops polling, once it can connect again', async () => {
    const network = new TestNetwork();
    network.blockWebSockets();
    const [live, fallback] = await liveAndFallback(network);
    await waitFor('the blocked device polls', () => fallback.client.status.transport === 'polling');

    network.allowWebSockets();
    await waitFor('the device is back on the WebSocket', () => fallback.client.status.transport === 'websocket');
    await exchangeEdits(live, fallback);
    expect(fallback.client.status.transport).toBe('websocket');
  });

  it('reports offline, keeping edits, while neither the WebSocket nor REST gets through', async () => {
    const network = new TestNetwork();
    const [live, fallback] = await liveAndFallback(network);
    await waitFor('the device is live', () => fallback.client.status.transport === 'websocket');
    network.goOffline();
    fallback.doc.getMap('records').set('written while unreachable', 'kept');
    await waitFor('the device reports offline with the edit pending', () =>
      fallback.client.status.transport === 'offline' && fallback.client.status.pending > 0,
    );
    expect(fallback.client.status.lastError).not.toBeNull();

    network.goOnline();
    await waitFor('the live device has the edit', () => live.doc.getMap('records').get('written while unreachable') === 'kept');
  });
});
