import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackViolations, crashMidBurst, highestReceived, reusedVersions, startCrashableRelay, type CrashableRelay } from './crash-harness.ts';

const CLIENTS = 4;
/** Changes per push and pushes outstanding per client: the crash always finds pushes in flight. */
const BATCH = 5;
const IN_FLIGHT = 4;
/** Acknowledged changes per client before the crash: enough that it lands mid-burst, not at its start. */
const ACKED_BEFORE_CRASH = 40;

describe('the relay killed with SIGKILL in the middle of a burst of pushes', () => {
  let relay: CrashableRelay;

  beforeAll(async () => {
    relay = await startCrashableRelay();
  });
  afterAll(async () => {
    await relay?.dispose();
  });

  it('gives every acknowledged change back exactly once, retries keep their versions, and no version names two changes', async () => {
    const clients = await crashMidBurst(relay, { count: CLIENTS, ackedBeforeCrash: ACKED_BEFORE_CRASH, batchSize: BATCH, inFlight: IN_FLIGHT });
    for (const client of clients) expect(client.unacked.size, `${client.name} had pushes in flight`).toBeGreaterThan(0);

    // Before any retry: whatever was acknowledged survived the crash.
    expect(ackViolations(await relay.pullAll(), clients)).toEqual([]);
    // Changes are fanned out before their commit: some a client received may be lost, but not their versions.
    const receivedBeforeCrash = highestReceived(clients);

    await Promise.all(clients.map((client) => client.connect()));
    for (const client of clients) {
      expect(client.joinedAtVersion, `${client.name} joined at or past every version received before the crash`).toBeGreaterThanOrEqual(receivedBeforeCrash);
    }
    for (const client of clients) {
      client.retryUnacked();
      client.repushAcked(BATCH * IN_FLIGHT);
    }
    await Promise.all(
      clients.map((client) =>
        client.untilAcked('every change acknowledged, and every re-push', () => client.unacked.size === 0 && client.reacknowledged >= BATCH * IN_FLIGHT),
      ),
    );
    clients.forEach((client) => client.close());

    const stored = await relay.pullAll();
    expect(ackViolations(stored, clients)).toEqual([]);
    expect(reusedVersions(stored, clients)).toEqual([]);
    expect(stored).toHaveLength(clients.reduce((sum, client) => sum + client.made.size, 0));
    expect(clients.flatMap((client) => client.errors)).toEqual([]);
  });
});
