/** What a relay blob holds inside its seal, and what a device concludes from a sequence of them. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { EnvelopeError, decodeEnvelope, encodeEnvelope, type RelayBatch, type RelaySnapshot } from '../src/core/sync/relay-envelope.ts';
import { RelayIntegrity } from '../src/core/sync/relay-integrity.ts';

function docWith(entries: Record<string, string>): Y.Doc {
  const doc = new Y.Doc();
  for (const [key, value] of Object.entries(entries)) doc.getMap('records').set(key, value);
  return doc;
}

const batch = (deviceId: string, sequence: number, update = Y.encodeStateAsUpdate(docWith({ [`${deviceId}-${sequence}`]: 'x' }))): RelayBatch => ({
  kind: 'batch',
  deviceId,
  sequence,
  update,
});

function snapshotOf(doc: Y.Doc, upToVersion: number, sequences: [string, number][]): RelaySnapshot {
  return { kind: 'snapshot', deviceId: 'compactor', upToVersion, sequences: new Map(sequences), stateVector: Y.encodeStateVector(doc), update: Y.encodeStateAsUpdate(doc) };
}

describe('the relay envelope', () => {
  it('carries a batch and a snapshot through encoding unchanged', () => {
    const sent = batch('device-a', 7);
    expect(decodeEnvelope(encodeEnvelope(sent))).toEqual(sent);
    const snapshot = snapshotOf(docWith({ a: '1' }), 42, [['device-a', 7], ['device-b', 3]]);
    expect(decodeEnvelope(encodeEnvelope(snapshot))).toEqual(snapshot);
  });

  it('refuses another format version, trailing bytes, truncation and a plain Yjs update', () => {
    const encoded = encodeEnvelope(batch('device-a', 1));
    expect(() => decodeEnvelope(Uint8Array.of(2, ...encoded.slice(1)))).toThrow(/version 2 is not supported/);
    expect(() => decodeEnvelope(Uint8Array.of(...encoded, 0))).toThrow(EnvelopeError);
    expect(() => decodeEnvelope(encoded.slice(0, encoded.length - 3))).toThrow(EnvelopeError);
    expect(() => decodeEnvelope(Y.encodeStateAsUpdate(docWith({ a: '1' })))).toThrow(EnvelopeError);
  });
});

describe("a device's record of what it read from the relay", () => {
  it("opens a gap when a device's sequence jumps, and closes it when the missing batches arrive", () => {
    const integrity = RelayIntegrity.restore(undefined);
    expect(integrity.recordBatch(batch('a', 1), 1, 0)).toBe(false);
    expect(integrity.recordBatch(batch('a', 4), 2, 0)).toBe(true);
    expect(integrity.reports).toEqual([{ problem: 'missing-changes', deviceId: 'a', from: 2, to: 3, at: 0 }]);
    integrity.recordBatch(batch('a', 3), 3, 0);
    expect(integrity.reports).toEqual([{ problem: 'missing-changes', deviceId: 'a', from: 2, to: 2, at: 0 }]);
    integrity.recordBatch(batch('a', 2), 4, 0);
    expect(integrity.hasGaps).toBe(false);
    expect(integrity.reports).toEqual([]);
  });

  it('takes a trusted snapshot as covering every sequence it names, closing the gaps below them', () => {
    const integrity = RelayIntegrity.restore(undefined);
    integrity.recordBatch(batch('a', 1), 1, 0);
    integrity.recordBatch(batch('a', 5), 2, 0);
    integrity.recordSnapshot(snapshotOf(docWith({ a: '1' }), 10, [['a', 3]]), 10);
    expect(integrity.reports).toEqual([{ problem: 'missing-changes', deviceId: 'a', from: 4, to: 4, at: 0 }]);
    expect(integrity.sequences).toEqual(new Map([['a', 5]]));
  });

  it('refuses a snapshot served under another version, an empty one, and one that does not hold its claimed state', () => {
    const integrity = RelayIntegrity.restore(undefined);
    const full = docWith({ a: '1', b: '2' });
    expect(integrity.refusalOf(snapshotOf(full, 9, []), 10)).toEqual({ reason: 'version-mismatch', upToVersion: 9 });
    expect(integrity.refusalOf(snapshotOf(new Y.Doc(), 10, []), 10)).toEqual({ reason: 'empty', replaces: 10 });
    const hollow = { ...snapshotOf(docWith({ a: '1' }), 10, []), stateVector: Y.encodeStateVector(full) };
    expect(integrity.refusalOf(hollow, 10)).toEqual({ reason: 'state-not-held' });
    expect(integrity.refusalOf(snapshotOf(full, 10, []), 10)).toBeNull();
  });

  it('refuses a snapshot that lacks what this device read at or below its version, and ignores what it read after', () => {
    const writer = new Y.Doc();
    writer.getMap('records').set('first', '1');
    const stale = Y.encodeStateAsUpdate(writer);
    const staleCopy = new Y.Doc();
    Y.applyUpdate(staleCopy, stale);
    writer.getMap('records').set('second', '2');

    const readBefore = RelayIntegrity.restore(undefined);
    readBefore.recordBatch(batch('w', 1, Y.encodeStateAsUpdate(writer)), 5, 0);
    expect(readBefore.refusalOf(snapshotOf(staleCopy, 10, [['w', 1]]), 10)).toEqual({ reason: 'lacks-read-changes' });
    expect(readBefore.refusalOf(snapshotOf(docWith({ other: 'x' }), 10, [['w', 0]]), 10)).not.toBeNull();

    const readAfter = RelayIntegrity.restore(undefined);
    readAfter.recordBatch(batch('w', 1, Y.encodeStateAsUpdate(writer)), 12, 0);
    expect(readAfter.refusalOf(snapshotOf(staleCopy, 10, []), 10)).toBeNull();
  });

  it('forgets dismissed reports but keeps a gap that is still open', () => {
    const integrity = RelayIntegrity.restore(undefined);
    integrity.recordBatch(batch('a', 2), 1, 0);
    integrity.report({ problem: 'stale-head', latestVersion: 1, readVersion: 2 }, 0);
    integrity.dismissReports();
    expect(integrity.reports.map((report) => report.problem)).toEqual(['missing-changes']);
  });

  it('gives up on what it waits for once the limit has passed, reporting each', () => {
    const integrity = RelayIntegrity.restore(undefined);
    integrity.wait({ kind: 'unreadable', id: 'x', version: 3, since: 1_000 });
    integrity.wait({ kind: 'incomplete', id: 'y', version: 4, since: 5_000 });
    expect(integrity.expireWaits(5_999, 1_000).map((wait) => wait.kind)).toEqual(['unreadable']);
    expect(integrity.waitsOf('incomplete')).toHaveLength(1);
    expect(integrity.reports.map((report) => report.problem)).toEqual(['gave-up-waiting']);
  });
});
