/**
 * When this device last saw the org's other devices (org/last-seen.ts): the record itself on a controlled clock,
 * and the relay's part through the real Worker (the peer path needs WebRTC: members-dialog.browser.test.ts).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LastSeen, SAVE_DELAY_MS, memoryLastSeenStorage, type LastSeenEntry, type LastSeenStorage } from '../src/core/org/last-seen.ts';
import { membershipMap } from '../src/core/org/membership-records.ts';
import { openOrg } from '../src/core/org/org-session.ts';
import { relayDeviceIdFor } from '../src/core/sync/relay-signatures.ts';
import { useRelayWorker, waitFor } from './relay-fixtures.ts';
import { newTestOrg, startSyncedDevice, type SyncedDevice } from './membership-fixtures.ts';

const worker = useRelayWorker('ana', 'ben', 'cai');

/** A storage that counts its writes. */
function countingStorage(): LastSeenStorage & { writes: LastSeenEntry[][] } {
  const inner = memoryLastSeenStorage();
  const writes: LastSeenEntry[][] = [];
  return {
    writes,
    load: () => inner.load(),
    async save(entries) {
      writes.push(entries);
      await inner.save(entries);
    },
  };
}

describe('last seen, on this device', () => {
  it('keeps the latest sighting of each device, writes the first at once and the rest of its 30 s together, and reads them back after a reload', async () => {
    let now = 1_000;
    const storage = countingStorage();
    const lastSeen = await LastSeen.open({ self: 'me', storage, now: () => now });
    for (let message = 0; message < 100; message++) {
      now += 10;
      lastSeen.seen('ben', 'peer');
    }
    lastSeen.seen('cai', 'relay');
    lastSeen.seen('me', 'relay');
    // The rest wait for the 30 s to be over (the timer's own), or until asked for, as closing does.
    await lastSeen.flush();
    expect(storage.writes).toEqual([
      [{ deviceId: 'ben', at: 1_010, via: 'peer' }],
      [
        { deviceId: 'ben', at: 2_000, via: 'peer' },
        { deviceId: 'cai', at: 2_000, via: 'relay' },
      ],
    ]);
    now += SAVE_DELAY_MS;
    lastSeen.seen('ben', 'relay');
    await lastSeen.close();
    expect(storage.writes).toHaveLength(3);

    const reloaded = await LastSeen.open({ self: 'me', storage, now: () => now });
    expect(reloaded.of('ben')).toEqual({ deviceId: 'ben', at: 2_000 + SAVE_DELAY_MS, via: 'relay' });
    expect(reloaded.of('cai')).toEqual({ deviceId: 'cai', at: 2_000, via: 'relay' });
    expect(reloaded.of('me')).toBeUndefined();
    expect(reloaded.isOnline('ben')).toBe(false);
  });

  it('keeps them in the org’s own database, where the org opened again finds them', async () => {
    const orgId = 'org-last-seen';
    const session = await openOrg(orgId);
    const lastSeen = await LastSeen.open({ self: 'me', storage: session.lastSeenStorage, now: () => 7_000 });
    lastSeen.seen('ben', 'relay');
    await lastSeen.close();
    await session.close();

    const reopened = await openOrg(orgId);
    try {
      expect((await LastSeen.open({ self: 'me', storage: reopened.lastSeenStorage })).of('ben')).toEqual({ deviceId: 'ben', at: 7_000, via: 'relay' });
    } finally {
      await reopened.close();
    }
  });

  it('counts a device online while a connection to it is open, and last seen when its last one closed', async () => {
    let now = 1_000;
    const lastSeen = await LastSeen.open({ self: 'me', now: () => now });
    let changes = 0;
    lastSeen.on('change', () => changes++);
    const closeFirst = lastSeen.connected('ben');
    const closeSecond = lastSeen.connected('ben');
    expect(lastSeen.isOnline('ben')).toBe(true);
    const changesWhenConnected = changes;
    now = 5_000;
    lastSeen.seen('ben', 'peer');
    expect(changes).toBe(changesWhenConnected);
    closeFirst();
    closeFirst();
    expect(lastSeen.isOnline('ben')).toBe(true);
    now = 9_000;
    closeSecond();
    expect(lastSeen.isOnline('ben')).toBe(false);
    expect(lastSeen.of('ben')).toEqual({ deviceId: 'ben', at: 9_000, via: 'peer' });
    expect(changes).toBeGreaterThan(changesWhenConnected);
  });
});

describe('last seen through the relay', () => {
  it('marks a device seen when the relay serves a change it signed as it is written, not when it is read from a backlog or served again', async () => {
    const org = await newTestOrg();
    let now = 1_000;
    const clock = { lastSeen: { now: () => now } };
    const started: SyncedDevice[] = [];
    const start = async (name: 'ana' | 'ben' | 'cai') => {
      const device = await startSyncedDevice(worker.url, org, name, worker.accounts[name], clock);
      started.push(device);
      return device;
    };
    try {
      const ana = await start('ana');
      const ben = await start('ben');
      await waitFor('ana lists ben', () => ana.membership.view.membership.current.members.has(ben.identity.deviceId));
      await waitFor('ana has caught up with the relay', () => ana.sync.status.relay === 'websocket');

      now = 50_000;
      ben.doc.getMap('notes').set('from-ben', 'written while ana is live');
      await waitFor('ana sees ben at the time his change came', () => ana.membership.lastSeen.of(ben.identity.deviceId)?.at === 50_000);
      expect(ana.membership.lastSeen.of(ben.identity.deviceId)?.via).toBe('relay');
      expect(ana.membership.lastSeen.isOnline(ben.identity.deviceId)).toBe(false);

      await ben.sync.stop();
      now = 90_000;
      const cai = await start('cai');
      await waitFor('cai has read the backlog', () => cai.doc.getMap('notes').get('from-ben') !== undefined && cai.sync.status.relay === 'websocket');
      // What ben wrote before cai started says nothing of when: cai has not seen him.
      expect(cai.membership.lastSeen.of(ben.identity.deviceId)).toBeUndefined();

      // Nor when the relay serves one of his old changes again, relabelled, beside ana's next one.
      const workspaceId = ana.sync.workspaceId!;
      const benRelayId = await relayDeviceIdFor(ben.identity.deviceId, workspaceId);
      const { changes } = await ana.relay.api.pullChanges(await ana.relay.getToken(), workspaceId, 0);
      const benOld = changes.find((change) => change.id.startsWith(`${benRelayId}-`))!;
      let replayed = 0;
      cai.network.relayLie = (message) => {
        if (message.type !== 'changes' || message.changes.length === 0) return message;
        replayed++;
        const last = message.changes.at(-1)!;
        return { ...message, changes: [...message.changes, { ...benOld, id: `${benOld.id}x`, version: last.version }] };
      };
      now = 120_000;
      ana.doc.getMap('notes').set('from-ana', 'written while cai is live');
      await waitFor('cai sees ana', () => cai.membership.lastSeen.of(ana.identity.deviceId)?.at === 120_000);
      expect(replayed).toBeGreaterThan(0);
      expect(cai.membership.lastSeen.of(ben.identity.deviceId)).toBeUndefined();
      // Nothing of it went into the shared document: its membership records are the same kinds as before.
      const kinds = [...membershipMap(cai.doc).values()].map((signed) => (JSON.parse(JSON.parse(signed as string).body as string) as { kind: string }).kind);
      expect(new Set(kinds)).toEqual(new Set(['device']));
    } finally {
      await Promise.all(started.map((device) => device.sync.stop()));
    }
  });
});
