/**
 * The relay as an attacker runs it, against the real Worker: the operator's relay drops a device's batch, serves an
 * old head or an ack for something else; a former member who kept the key compacts the history away or forges a
 * snapshot. Each is caught by the devices and reported in their status (relay-integrity.ts), or refused.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { encodeBase64url, type StoredChange } from '#protocol';
import type { IntegrityProblem, IntegrityReport } from '../src/core/sync/relay-integrity.ts';
import type { RelayOrg } from '../src/core/sync/relay-workspace.ts';
import type { RelayClientOptions } from '../src/core/sync/relay-client.ts';
import { shareRelayView } from '../src/core/sync/relay-peer-check.ts';
import {
  content,
  docKnowingWorkspace,
  invitedDoc,
  memberWithKey,
  newOrg,
  randomEdit,
  sameContent,
  useRelayWorker,
  waitFor,
  type RelayLie,
  type TestAccount,
  type TestDevice,
} from './relay-fixtures.ts';
import { seededRandom } from './seeded-random.ts';

const relay = useRelayWorker('alice', 'bob', 'carol', 'eve');

async function device(account: TestAccount, org: RelayOrg, doc?: Y.Doc, client: Partial<RelayClientOptions> = {}): Promise<TestDevice> {
  return relay.startDevice(account, org, { ...(doc ? { doc } : {}), client });
}

/** Alice's and Bob's devices on a new org, both live. */
async function liveOrg(client: Partial<RelayClientOptions> = {}): Promise<{ org: RelayOrg; writer: TestDevice; reader: TestDevice }> {
  const org = await newOrg();
  const writer = await device(relay.accounts.alice, org, undefined, client);
  const reader = await device(relay.accounts.bob, org, invitedDoc(writer.doc), client);
  await waitFor('both devices are live with nothing to send', () =>
    [writer, reader].every((member) => member.client.status.transport === 'websocket' && member.client.status.pending === 0),
  );
  return { org, writer, reader };
}

async function edit(member: TestDevice, key: string, value: string): Promise<void> {
  member.doc.getMap('records').set(key, value);
  await waitFor(`the relay acknowledged ${key}`, () => member.client.status.pending === 0);
}

function reported<Problem extends IntegrityProblem>(member: TestDevice, problem: Problem) {
  return member.client.status.integrity.filter((report): report is Extract<IntegrityReport, { problem: Problem }> => report.problem === problem);
}

/** A relay that never serves the changes `withheld` picks, over REST or the socket, however often it is asked. */
function withholding(withheld: (change: StoredChange) => boolean): RelayLie {
  return (message) => (message.type === 'changes' ? { ...message, changes: message.changes.filter((change) => !withheld(change)) } : message);
}

/** A relay restored from a backup taken at `version`: to this device, nothing after it ever happened. */
function rolledBackTo(version: number): RelayLie {
  return (message) => {
    if (message.type === 'joined') return { ...message, latestVersion: Math.min(message.latestVersion, version) };
    if (message.type !== 'changes') return message;
    return { ...message, changes: message.changes.filter((change) => change.version <= version), latestVersion: Math.min(message.latestVersion, version), more: false };
  };
}

async function deviceIdOf(member: TestDevice): Promise<string> {
  return (await member.outbox.getState<string>('deviceId'))!;
}

async function history(member: TestDevice) {
  return member.relay.api.pullChanges(await member.relay.getToken(), member.workspace.id, 0, 1000);
}

/** Eve: a former member whose account is still in the workspace and whose device kept the org key. */
const formerMember = (org: RelayOrg, workspaceId: string) => memberWithKey(relay.url, relay.accounts.eve, org, workspaceId);

describe('a relay that drops a batch', () => {
  it("is reported by the reader that sees the device's sequence jump, naming the device", async () => {
    const { writer, reader } = await liveOrg();
    await edit(writer, 'appointment', 'booked');
    await waitFor('the reader has the booking', () => reader.doc.getMap('records').get('appointment') === 'booked');
    let dropped: string | null = null;
    reader.network.relayLie = withholding((change) => (dropped ??= change.id) === change.id);

    await edit(writer, 'appointment', 'cancelled');
    await edit(writer, 'note', 'written after the cancellation');
    await waitFor('the reader reports missing changes', () => reported(reader, 'missing-changes').length > 0);

    const [report] = reported(reader, 'missing-changes');
    expect(report!.deviceId).toBe(await deviceIdOf(writer));
    expect(report!.to).toBeGreaterThanOrEqual(report!.from);
    expect(reader.doc.getMap('records').get('appointment')).toBe('booked');
    expect(reported(writer, 'missing-changes')).toEqual([]);
  });

  it('asks for the history again, and a batch the relay was only late with closes the gap', async () => {
    const { writer, reader } = await liveOrg();
    await edit(writer, 'appointment', 'booked');
    await waitFor('the reader has the booking', () => reader.doc.getMap('records').get('appointment') === 'booked');
    let late: string | null = null;
    let served = false;
    reader.network.relayLie = withholding((change) => {
      late ??= change.id;
      // Withheld once, served when asked again.
      if (change.id !== late || served) return false;
      served = true;
      return true;
    });

    await edit(writer, 'appointment', 'cancelled');
    await edit(writer, 'note', 'written after the cancellation');
    // The later edit arrives first; the withheld one only with the history read again after the gap.
    await waitFor(
      'the reader has both edits',
      () => reader.doc.getMap('records').get('note') === 'written after the cancellation' && reader.doc.getMap('records').get('appointment') === 'cancelled',
    );
    // The gap is listed while it is open; the status follows the batch that closed it.
    await waitFor('the reader lists no problem once the late batch closed the gap', () => reader.client.status.integrity.length === 0);
  });
});

describe('a relay that serves an old head', () => {
  it('is reported by a device that had read further, which offers the relay its copy again', async () => {
    const { writer, reader } = await liveOrg();
    for (const value of ['booked', 'moved', 'cancelled']) await edit(writer, 'appointment', value);
    await waitFor('the reader has every edit', () => reader.doc.getMap('records').get('appointment') === 'cancelled');
    const { latestVersion } = await history(reader);

    reader.network.relayLie = rolledBackTo(latestVersion - 2);
    const reloaded = await reader.reload();
    await waitFor('the reader reports the history went back', () => reported(reloaded, 'stale-head').length > 0);

    expect(reported(reloaded, 'stale-head')[0]!.latestVersion).toBe(latestVersion - 2);
    expect(reloaded.doc.getMap('records').get('appointment')).toBe('cancelled');
    await waitFor('the reader re-sent its copy', () => reloaded.client.status.pending === 0);
  });
});

describe('an acknowledgement for changes the device did not send', () => {
  it('leaves the edit in the outbox until the relay acknowledges what it was sent', async () => {
    const { writer, reader } = await liveOrg();
    writer.network.relayLie = (message) => (message.type === 'ack' ? { ...message, ids: [], versions: [] } : message);
    writer.doc.getMap('records').set('appointment', 'booked');
    await waitFor('the push failed', () => writer.client.status.lastError?.includes('acknowledged other changes') ?? false);
    expect(writer.client.status.pending).toBe(1);

    writer.network.relayLie = null;
    writer.doc.getMap('records').set('note', 'next edit');
    await waitFor('the reader has both edits', () => reader.doc.getMap('records').get('note') === 'next edit');
    expect(reader.doc.getMap('records').get('appointment')).toBe('booked');
    await waitFor('the outbox is empty', () => writer.client.status.pending === 0);
  });
});

describe('compaction by a former member who kept the key', () => {
  it('over a non-empty history with an empty snapshot is refused by every device, and the history comes back', async () => {
    const { org, writer, reader } = await liveOrg();
    await edit(writer, 'appointment', 'booked');
    await waitFor('the reader has the booking', () => reader.doc.getMap('records').get('appointment') === 'booked');
    reader.network.goOffline();
    await edit(writer, 'note', 'written while the reader was away');

    const eve = await formerMember(org, writer.workspace.id);
    await eve.compact(new Y.Doc());
    expect((await history(writer)).changes.map((change) => change.snapshot)).toEqual([true]);

    const newcomer = await device(relay.accounts.carol, org, docKnowingWorkspace(writer.workspace.id));
    await waitFor('the newcomer refused the snapshot', () => reported(newcomer, 'snapshot-refused').length > 0);
    expect(reported(newcomer, 'snapshot-refused')[0]!.refusal.reason).toBe('empty');

    reader.network.goOnline();
    await waitFor('the returning member refused the snapshot', () => reported(reader, 'snapshot-refused').length > 0);
    await waitFor('the newcomer has the booking again, from the returning member', () => newcomer.doc.getMap('records').get('appointment') === 'booked');

    // The writer read live while the history was wiped: it checks for a new snapshot when it next connects.
    writer.network.goOffline();
    writer.network.goOnline();
    await waitFor('the writer refused the snapshot', () => reported(writer, 'snapshot-refused').length > 0);
    await waitFor('the newcomer has everything again', () => sameContent([newcomer.doc, writer.doc, reader.doc]));
  });

  it('with a stale copy whose state vector does not cover what the history held is refused by a member who read it', async () => {
    const { org, writer, reader } = await liveOrg();
    await edit(writer, 'appointment', 'booked');
    await waitFor('the reader has the booking', () => reader.doc.getMap('records').get('appointment') === 'booked');
    const staleCopy = invitedDoc(reader.doc);
    await edit(writer, 'appointment', 'cancelled');
    await waitFor('the reader has the cancellation', () => reader.doc.getMap('records').get('appointment') === 'cancelled');
    reader.network.goOffline();
    await edit(writer, 'note', 'written while the reader was away');

    const eve = await formerMember(org, writer.workspace.id);
    // Eve read every device's sequence and claims to cover all of it; her copy's state says otherwise.
    await eve.compact(staleCopy, { sequences: new Map([[await deviceIdOf(writer), 99], [await deviceIdOf(reader), 99]]) });
    reader.network.goOnline();

    await waitFor('the member refused the snapshot', () => reported(reader, 'snapshot-refused').length > 0);
    expect(reported(reader, 'snapshot-refused')[0]!.refusal.reason).toBe('lacks-read-changes');
    expect(reader.doc.getMap('records').get('appointment')).toBe('cancelled');
  });

  it('claiming a state vector its content does not hold is refused even by a device without history', async () => {
    const { org, writer } = await liveOrg();
    await edit(writer, 'appointment', 'booked');
    const eve = await formerMember(org, writer.workspace.id);
    const hollow = new Y.Doc();
    hollow.getMap('records').set('appointment', 'cancelled by eve');
    await eve.compact(hollow, { stateVector: Y.encodeStateVector(writer.doc) });

    const newcomer = await device(relay.accounts.carol, org, docKnowingWorkspace(writer.workspace.id));
    await waitFor('the newcomer refused the snapshot', () => reported(newcomer, 'snapshot-refused').length > 0);
    expect(reported(newcomer, 'snapshot-refused')[0]!.refusal.reason).toBe('state-not-held');
    expect(newcomer.doc.getMap('records').get('appointment')).not.toBe('cancelled by eve');
  });
});

describe('honest compaction', () => {
  it('is accepted by a device that was away while it happened, with nothing reported', async () => {
    const compactAfter = 20;
    const { org, writer, reader } = await liveOrg({ compactAfter });
    const third = await device(relay.accounts.carol, org, invitedDoc(writer.doc), { compactAfter });
    await edit(writer, 'before', 'the reader left');
    await waitFor('the reader has the first edit', () => reader.doc.getMap('records').get('before') === 'the reader left');
    reader.network.goOffline();

    const random = seededRandom(11);
    for (let i = 0; i < 3 * compactAfter; i++) {
      const member = i % 2 === 0 ? writer : third;
      randomEdit(member.doc, random, `e${i}`);
      await waitFor('the edit is acknowledged', () => member.client.status.pending === 0);
    }
    await waitFor('the relay holds a snapshot', async () => (await history(writer)).changes[0]?.snapshot === true);
    reader.network.goOnline();

    await waitFor('the returning device converges', () => sameContent([reader.doc, writer.doc, third.doc]));
    expect(content(reader.doc)).toEqual(content(writer.doc));
    for (const member of [writer, reader, third]) expect(member.client.status.integrity).toEqual([]);
  });
});

describe('honest compaction over a change met over WebRTC', () => {
  /** An edit by `author` that `witness` has read from the relay: the next one gets a later version. */
  async function relayed(author: TestDevice, witness: TestDevice, key: string): Promise<void> {
    author.doc.getMap('records').set(key, 'edited');
    await waitFor(`${key} went through the relay`, () => witness.doc.getMap('records').get(key) === 'edited');
  }

  it('is accepted after a snapshot that held a peer’s change its relay batch had not brought yet', async () => {
    const org = await newOrg();
    // The writer compacts after a few changes, the third after more, the reader never: each snapshot below is made
    // by the device the test means.
    const writer = await device(relay.accounts.alice, org, undefined, { compactAfter: 4 });
    const reader = await device(relay.accounts.bob, org, invitedDoc(writer.doc), { compactAfter: 1000 });
    const third = await device(relay.accounts.carol, org, invitedDoc(writer.doc), { compactAfter: 12 });
    const peer = await device(relay.accounts.alice, org, invitedDoc(writer.doc), { compactAfter: 1000 });
    await waitFor('every device is live with nothing to send', () =>
      [writer, reader, third, peer].every((member) => member.client.status.transport === 'websocket' && member.client.status.pending === 0),
    );

    // The peer's change reaches the writer over WebRTC (a provider's origin, which the writer does not relay), while
    // the peer's own relay connection is down.
    peer.network.goOffline();
    peer.doc.getMap('records').set('peer', 'met over WebRTC');
    Y.applyUpdate(writer.doc, Y.encodeStateAsUpdate(peer.doc), { provider: 'webrtc' });
    reader.network.goOffline();
    // Devices joining may have made the writer compact already: the snapshot meant here is a newer one.
    const snapshotVersion = async () => {
      const [oldest] = (await history(third)).changes;
      return oldest?.snapshot ? oldest.version : 0;
    };
    const before = await snapshotVersion();
    for (let i = 0; i < 4; i++) await relayed(writer, third, `w${i}`);
    await relayed(third, writer, 't0');
    await waitFor('the writer compacted, its snapshot holding the peer’s change', async () => (await snapshotVersion()) > before);
    const first = await snapshotVersion();

    // The reader takes the writer's snapshot; the third never met the peer and compacts without its change.
    reader.network.goOnline();
    await waitFor('the reader applied the writer’s snapshot', () => reader.doc.getMap('records').get('peer') === 'met over WebRTC');
    writer.network.goOffline();
    for (let i = 1; i < 8; i++) await relayed(third, reader, `t${i}`);
    await relayed(reader, third, 'r0');
    await waitFor('the third compacted', async () => (await snapshotVersion()) > first);
    expect(third.doc.getMap('records').get('peer')).toBeUndefined();

    // The reader checks the newest snapshot when it reconnects.
    reader.network.goOffline();
    reader.network.goOnline();
    await waitFor('the reader caught up', () => reader.client.status.transport === 'websocket' && reader.client.status.pending === 0);
    await waitFor('the reader read the third’s snapshot', async () => reader.client.status.lastSyncedAt !== null);
    peer.network.goOnline();
    writer.network.goOnline();
    await waitFor('every device converges', () => sameContent([writer.doc, reader.doc, third.doc, peer.doc]));
    for (const member of [writer, reader, third, peer]) expect(member.client.status.integrity).toEqual([]);
  });
});

describe('a device upgraded from before envelopes', () => {
  it('offers its whole document once, so devices that moved on read what it pushed in the old format', async () => {
    const { org, writer, reader } = await liveOrg();
    // What an older app pushed: the bare Yjs update, sealed without an envelope.
    let bare: Uint8Array | null = null;
    writer.doc.once('update', (update: Uint8Array) => (bare = update));
    writer.doc.transact(() => writer.doc.getMap('records').set('appointment', 'booked by the old app'), { olderApp: true });
    const olderApp = await memberWithKey(relay.url, relay.accounts.alice, org, writer.workspace.id);
    await olderApp.push([{ id: 'older-app-1', encryptedData: encodeBase64url(await writer.workspace.cipher.seal(bare!)) }]);
    await waitFor('the reader could not read it', () => reader.undecryptable.some((change) => change.id === 'older-app-1'));

    await writer.client.stop();
    await writer.outbox.setState('integrity', undefined);
    const upgraded = await writer.reload();
    await waitFor('the reader has the old edit', () => reader.doc.getMap('records').get('appointment') === 'booked by the old app');
    await waitFor('the upgraded device has sent it', () => upgraded.client.status.pending === 0);
    expect(upgraded.client.status.integrity).toEqual([]);
  });
});

describe('what a device waits on', () => {
  it('a change it cannot open is given up on after the wait limit, reported, and compacted over', async () => {
    const compactAfter = 10;
    const { org, writer, reader } = await liveOrg({ compactAfter, waitLimitMs: 0 });
    const eve = await formerMember(org, writer.workspace.id);
    await eve.push([{ id: 'unreadable', encryptedData: encodeBase64url(crypto.getRandomValues(new Uint8Array(64))) }]);
    await waitFor('the reader skipped it', () => reader.undecryptable.length > 0);
    const { version } = reader.undecryptable[0]!;

    for (let i = 0; i < 3 * compactAfter; i++) await edit(i % 2 ? writer : reader, `record-${i}`, 'x');
    await waitFor('the relay compacted past it', async () => ((await history(writer)).changes[0]?.version ?? 0) > version);
    expect(reported(reader, 'gave-up-waiting')[0]!.wait.kind).toBe('unreadable');
  });

  it("a change's parts that never all arrive hold back compaction until the wait limit, then are reported", async () => {
    const compactAfter = 10;
    const { org, writer, reader } = await liveOrg({ compactAfter, waitLimitMs: 0 });
    const eve = await formerMember(org, writer.workspace.id);
    await eve.push([{ id: 'half_p0of2', encryptedData: 'AAAA' }]);
    const { version } = (await history(writer)).changes.find((change) => change.id === 'half_p0of2')!;

    for (let i = 0; i < 3 * compactAfter; i++) await edit(i % 2 ? writer : reader, `record-${i}`, 'x');
    await waitFor('the relay compacted past it', async () => ((await history(writer)).changes[0]?.version ?? 0) > version);
    const given = [...reported(writer, 'gave-up-waiting'), ...reported(reader, 'gave-up-waiting')];
    expect(given[0]!.wait).toMatchObject({ kind: 'incomplete', id: expect.stringMatching(/^half/) });
  });
});

/** Two devices' awareness, linked as y-webrtc links peers: every update one makes is applied by the other. */
function linkedAwareness(left: Y.Doc, right: Y.Doc): [Awareness, Awareness] {
  const pair: [Awareness, Awareness] = [new Awareness(left), new Awareness(right)];
  const forward = (from: Awareness, to: Awareness) =>
    from.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin !== 'peer') applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...added, ...updated, ...removed]), 'peer');
    });
  forward(pair[0], pair[1]);
  forward(pair[1], pair[0]);
  return pair;
}

describe('a relay that shows two devices different histories', () => {
  it('is reported once the devices meet and compare what they have read from it', async () => {
    const { org, writer, reader } = await liveOrg();
    const third = await device(relay.accounts.carol, org, invitedDoc(writer.doc));
    await edit(writer, 'appointment', 'booked');
    await waitFor('both readers have the booking', () => [reader, third].every((member) => member.doc.getMap('records').get('appointment') === 'booked'));
    const writerId = await deviceIdOf(writer);
    reader.network.relayLie = withholding((change) => change.id.startsWith(writerId));

    await edit(writer, 'appointment', 'cancelled');
    await waitFor('the third device has the cancellation', () => third.doc.getMap('records').get('appointment') === 'cancelled');
    await reader.client.comparePeerSequences(third.client.relaySequences);

    expect(reported(reader, 'fork')[0]!.deviceId).toBe(writerId);
    await third.client.comparePeerSequences(reader.client.relaySequences);
    expect(reported(third, 'fork')).toEqual([]);
  });

  it('is reported from what two peers share over awareness, as y-webrtc carries it between them', async () => {
    const { org, writer, reader } = await liveOrg();
    const third = await device(relay.accounts.carol, org, invitedDoc(writer.doc));
    const writerId = await deviceIdOf(writer);
    reader.network.relayLie = withholding((change) => change.id.startsWith(writerId));
    const [readers, thirds] = linkedAwareness(reader.doc, third.doc);
    const stops = [shareRelayView(readers, reader.workspace.id, reader.client), shareRelayView(thirds, third.workspace.id, third.client)];
    try {
      await edit(writer, 'appointment', 'booked');
      await waitFor('the reader reports a fork', () => reported(reader, 'fork').length > 0);
      expect(reported(reader, 'fork')[0]!.deviceId).toBe(writerId);
      expect(reported(third, 'fork')).toEqual([]);
    } finally {
      stops.forEach((stop) => stop());
      readers.destroy();
      thirds.destroy();
    }
  });

  it('is not reported when the peer has only read a batch this device had not pulled yet', async () => {
    const { org, writer, reader } = await liveOrg();
    const third = await device(relay.accounts.carol, org, invitedDoc(writer.doc));
    reader.network.goOffline();
    await edit(writer, 'appointment', 'booked');
    await waitFor('the third device has the booking', () => third.doc.getMap('records').get('appointment') === 'booked');
    reader.network.goOnline();

    await reader.client.comparePeerSequences(third.client.relaySequences);
    expect(reader.doc.getMap('records').get('appointment')).toBe('booked');
    expect(reported(reader, 'fork')).toEqual([]);
  });
});
