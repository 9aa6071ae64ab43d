import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackViolations, crashMidBurst, startCrashableRelay, type CrashableRelay } from './crash-harness.ts';

/**
 * Many clients keep large pushes in flight at once, so the room stores several of them per transaction (pushes that
 * arrive together are coalesced), and the Worker is SIGKILLed while such transactions are being written.
 */
const CLIENTS = 8;
const BATCH = 50;
const IN_FLIGHT = 3;
/** Changes of 4 KiB: each transaction writes megabytes, so the kill finds one being committed more often than not. */
const CHANGE_BYTES = 4096;
const ACKED_BEFORE_CRASH = 300;

describe('the relay killed with SIGKILL while it commits pushes coalesced into one transaction', () => {
  let relay: CrashableRelay;

  beforeAll(async () => {
    relay = await startCrashableRelay();
  });
  afterAll(async () => {
    await relay?.dispose();
  });

  it('loses no acknowledged change and stores every push whole or not at all', async () => {
    const clients = await crashMidBurst(relay, {
      count: CLIENTS,
      ackedBeforeCrash: ACKED_BEFORE_CRASH,
      batchSize: BATCH,
      inFlight: IN_FLIGHT,
      changeBytes: CHANGE_BYTES,
    });
    const inFlight = clients.reduce((sum, client) => sum + client.unacked.size, 0);
    expect(inFlight, 'pushes were in flight when the Worker was killed').toBeGreaterThan(0);

    const stored = await relay.pullAll();
    expect(ackViolations(stored, clients)).toEqual([]);
    const storedIds = new Set(stored.map((change) => change.id));
    const halfStored = clients
      .flatMap((client) => client.pushes)
      .filter((ids) => ids.some((id) => storedIds.has(id)) && !ids.every((id) => storedIds.has(id)));
    expect(halfStored, 'pushes stored in part').toEqual([]);
    // Versions stay one unbroken run: a transaction that did not commit left no hole and no version behind.
    expect(stored.map((change) => change.version)).toEqual(stored.map((_, i) => i + 1));
  });
});
