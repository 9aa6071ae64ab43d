/**
 * Relay integrity benchmark (Node, the client core's own code): what the checks of relay-integrity.ts add to what a
 * device does anyway with relay blobs. A busy clinic's document as one compaction snapshot (60,000 records):
 * framing it in its envelope and reading it back, and checking it before it is trusted, against applying it to an
 * empty document; and recording 2,000 one-edit batches from four devices, against applying them.
 * Budget: the checks cost less than the applying they guard. They read the whole update once more (Yjs has no
 * cheaper way to learn what an update holds), so they cannot be far below a parse; the budget is that they never
 * more than double what a device does with a blob anyway. Median of RUNS warm runs.
 */
import * as Y from 'yjs';
import { decodeEnvelope, encodeEnvelope, type RelayBatch, type RelaySnapshot } from '../../components/src/core/sync/relay-envelope.ts';
import { RelayIntegrity } from '../../components/src/core/sync/relay-integrity.ts';
import { ms, summarize } from './stats.ts';

const RECORDS = Number(process.env.RECORDS ?? 60_000);
const BATCHES = Number(process.env.BATCHES ?? 2_000);
const RUNS = Number(process.env.RUNS ?? 5);
const DEVICES = 4;
const BUDGET_RATIO = 1;

function timed(work: () => void): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

/** The median of RUNS runs after one unmeasured run, so that what is compared is warm code, not the JIT. */
function median(work: () => void): number {
  work();
  return summarize(Array.from({ length: RUNS }, () => timed(work))).p50;
}

const clinic = new Y.Doc();
const records = clinic.getMap('records');
clinic.transact(() => {
  for (let i = 0; i < RECORDS; i++) records.set(`contact-${i}`, JSON.stringify({ name: `Patient ${i}`, phone: '+49 30 1234567', notes: 'Allergic to penicillin. '.repeat(3) }));
});
const snapshot: RelaySnapshot = {
  kind: 'snapshot',
  deviceId: 'compactor',
  upToVersion: BATCHES,
  sequences: new Map(Array.from({ length: DEVICES }, (_, device) => [`device-${device}`, BATCHES / DEVICES])),
  stateVector: Y.encodeStateVector(clinic),
  update: Y.encodeStateAsUpdate(clinic),
};

// One edit per batch, from four devices taking turns, as the relay delivers them.
const writers = Array.from({ length: DEVICES }, () => new Y.Doc());
const batches: RelayBatch[] = [];
for (let i = 0; i < BATCHES; i++) {
  const device = i % DEVICES;
  const writer = writers[device]!;
  const before = Y.encodeStateVector(writer);
  writer.getMap('records').set(`contact-${i % 500}`, `edited ${i}`);
  batches.push({ kind: 'batch', deviceId: `device-${device}`, sequence: Math.floor(i / DEVICES) + 1, update: Y.encodeStateAsUpdate(writer, before) });
}

const applySnapshotMs = median(() => Y.applyUpdate(new Y.Doc(), snapshot.update));
const envelopeMs = median(() => decodeEnvelope(encodeEnvelope(snapshot)));
const checkSnapshotMs = median(() => {
  const integrity = RelayIntegrity.restore(undefined);
  if (integrity.refusalOf(snapshot, BATCHES) !== null) throw new Error('the benchmark snapshot was refused');
});
const applyBatchesMs = median(() => {
  const doc = new Y.Doc();
  for (const batch of batches) Y.applyUpdate(doc, batch.update);
});
const recordBatchesMs = median(() => {
  const integrity = RelayIntegrity.restore(undefined);
  for (const [index, batch] of batches.entries()) integrity.recordBatch(batch, index + 1, 0);
  if (integrity.hasGaps) throw new Error('the benchmark batches left a gap');
});

const snapshotRatio = (envelopeMs + checkSnapshotMs) / applySnapshotMs;
const batchRatio = recordBatchesMs / applyBatchesMs;
console.log(`Relay integrity benchmark: a snapshot of ${RECORDS.toLocaleString('en-US')} records (${(snapshot.update.byteLength / 1024 / 1024).toFixed(1)} MB), ${BATCHES.toLocaleString('en-US')} one-edit batches from ${DEVICES} devices; median of ${RUNS} runs`);
console.log(`  snapshot: envelope ${ms(envelopeMs)}, check ${ms(checkSnapshotMs)}; applying it ${ms(applySnapshotMs)} (checks ${(snapshotRatio * 100).toFixed(0)}% of applying)`);
console.log(`  batches: recording ${ms(recordBatchesMs)} (${ms(recordBatchesMs / BATCHES)} each); applying them ${ms(applyBatchesMs)} (${(batchRatio * 100).toFixed(0)}% of applying)`);
const passed = snapshotRatio < BUDGET_RATIO && batchRatio < BUDGET_RATIO;
console.log(`${passed ? 'PASS' : 'FAIL'}: checks cost less than applying`);
process.exit(passed ? 0 : 1);
