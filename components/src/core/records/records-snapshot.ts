/**
 * A records snapshot: every contact's, event's and resource's entries as plain values, kept beside the org's document in its
 * database. Decoding a busy org's document takes about a second (docs/benchmarks.md); reading its snapshot takes
 * a fraction of that, so opening an org serves reads from the snapshot while the document loads in idle time.
 * The snapshot is a cache of the document, never a source of truth: nothing is written to it but copies of the
 * document, and the stores switch to the document as soon as it has loaded.
 */
import * as Y from 'yjs';
import { CURRENT_SCHEMA_VERSION, recordsMap, schemaVersionOf, type RecordKind } from './org-document.ts';
import type { RecordEntries } from './record-map.ts';
import type { OrgPersistence, SnapshotParts } from './org-persistence.ts';
import { runInIdleSlices, yieldToMainThread, type SlicedWork } from './idle-work.ts';
import { inSteps } from './idle-built-index.ts';

/** Bumped when the stored shape changes; a snapshot of another format is ignored. */
const SNAPSHOT_FORMAT = 4;
/**
 * Records per stored JSON string. Opening reads and parses one string per task: the 60,000 records of a busy org in
 * one string took a single JSON.parse of 100 ms on a quiet machine and over 500 ms on a loaded one (docs/benchmarks.md).
 */
export const SNAPSHOT_CHUNK_RECORDS = 1_000;

/** One kind's records: each record's entries by record id; writes made before the document has loaded change them (record-writes.ts). */
export type SnapshotRecords = Map<string, Readonly<Record<string, unknown>>>;

export interface RecordsSnapshot {
  /** Y.encodeSnapshot of the document it was taken from (its state vector and delete set). */
  document: Uint8Array;
  contacts: SnapshotRecords;
  events: SnapshotRecords;
  resources: SnapshotRecords;
}

type RecordList = [id: string, entries: Record<string, unknown>][];

interface SnapshotHead {
  format: number;
  schemaVersion: number;
  document: Uint8Array;
}

/**
 * As stored: the records as JSON strings, which IndexedDB reads and JSON.parse decodes in about a third of the
 * time structured cloning the same records takes (measured in Chromium; docs/benchmarks.md).
 */
interface StoredSnapshot extends SnapshotParts {
  head: SnapshotHead;
  /** Each the JSON of `[kind, RecordList]`, of at most SNAPSHOT_CHUNK_RECORDS records. */
  chunks: string[];
}

const KINDS: readonly RecordKind[] = ['contacts', 'events', 'resources'];

/**
 * Takes the snapshot of the document's records as it is stored, yielding between small batches of records so
 * that it can run in idle slices: a busy org's takes 150–200 ms in one go (docs/benchmarks.md). The document must
 * not change until it has returned.
 */
export function* recordsSnapshotSteps(doc: Y.Doc): Generator<void, StoredSnapshot> {
  const document = Y.encodeSnapshot(Y.snapshot(doc));
  const chunks: string[] = [];
  for (const kind of KINDS) {
    const records = recordsMap(doc, kind);
    let entries: string[] = [];
    const endChunk = () => {
      chunks.push(`[${JSON.stringify(kind)},[${entries.join(',')}]]`);
      entries = [];
    };
    yield* inSteps([...records.keys()], (id) => {
      const record = records.get(id);
      if (record instanceof Y.Map) entries.push(JSON.stringify([id, record.toJSON()]));
      if (entries.length === SNAPSHOT_CHUNK_RECORDS) endChunk();
    });
    if (entries.length > 0) endChunk();
  }
  return { head: { format: SNAPSHOT_FORMAT, schemaVersion: schemaVersionOf(doc), document }, chunks };
}

/** The document's records as they are stored in the snapshot, taken at once. */
export function takeRecordsSnapshot(doc: Y.Doc): StoredSnapshot {
  const steps = recordsSnapshotSteps(doc);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The stored value as a snapshot this code can serve reads from, or undefined, parsed one chunk per task. Only
 * snapshots of the current schema qualify: an older document is migrated when it loads, and a newer one is read-only.
 */
export async function readRecordsSnapshot(stored: SnapshotParts | undefined): Promise<RecordsSnapshot | undefined> {
  if (typeof stored?.head !== 'object' || stored.head === null) return undefined;
  const head = stored.head as Partial<SnapshotHead>;
  const usable =
    head.format === SNAPSHOT_FORMAT &&
    head.schemaVersion === CURRENT_SCHEMA_VERSION &&
    head.document instanceof Uint8Array &&
    stored.chunks.every((chunk) => typeof chunk === 'string');
  if (!usable) return undefined;
  const snapshot: RecordsSnapshot = { document: head.document as Uint8Array, contacts: new Map(), events: new Map(), resources: new Map() };
  for (const chunk of stored.chunks as string[]) {
    const [kind, records] = JSON.parse(chunk) as [RecordKind, RecordList];
    if (!KINDS.includes(kind)) return undefined;
    for (const [id, entries] of records) snapshot[kind].set(id, entries);
    await yieldToMainThread();
  }
  return snapshot;
}

/** Whether the document holds exactly what it held when the snapshot was taken. */
export function isSnapshotOf(snapshot: RecordsSnapshot, doc: Y.Doc): boolean {
  return Y.equalSnapshots(Y.decodeSnapshot(snapshot.document), Y.snapshot(doc));
}

/** A snapshot record's entries, read as the stores read a nested Y.Map. */
export function snapshotEntries(entries: Readonly<Record<string, unknown>>): RecordEntries {
  return { get: (key) => (Object.hasOwn(entries, key) ? entries[key] : undefined) };
}

/** Ids of the records whose entries differ between the snapshot and the document, including added and removed ones. */
export function recordsDiffering(snapshot: SnapshotRecords, records: Y.Map<Y.Map<unknown>>): string[] {
  const differing = new Set<string>();
  for (const id of snapshot.keys()) if (!records.has(id)) differing.add(id);
  records.forEach((record, id) => {
    const before = snapshot.get(id);
    const now = record instanceof Y.Map ? record.toJSON() : undefined;
    if (JSON.stringify(before) !== JSON.stringify(now)) differing.add(id);
  });
  return [...differing];
}

/**
 * After a change the snapshot is saved this much later, in idle slices: soon, because a page closed before it has
 * saved leaves a stale snapshot, and the next opening then waits for the whole document to load (docs/benchmarks.md);
 * not at once, so that a burst of edits is saved once.
 */
export const SAVE_SNAPSHOT_AFTER_CHANGE_MS = 1_000;

/** Keeps the stored snapshot up to date with a loaded document: soon after changes, and on close. */
export class RecordsSnapshotSaver {
  readonly #changed = () => this.#schedule();
  #stale = false;
  #delay: ReturnType<typeof setTimeout> | undefined;
  #taking: SlicedWork | undefined;

  constructor(
    private readonly persistence: OrgPersistence,
    private readonly doc: Y.Doc,
  ) {}

  /** Starts following the document once it has loaded; `fresh` says whether the stored snapshot matches it. */
  follow(fresh: boolean): void {
    this.doc.on('update', this.#changed);
    if (!fresh) this.#schedule();
  }

  /** Saves now, in one go, if the document changed since the stored snapshot was taken. */
  async save(): Promise<void> {
    this.#cancel();
    if (!this.#stale) return;
    this.#stale = false;
    await this.persistence.saveSnapshot(takeRecordsSnapshot(this.doc));
  }

  /** Stops following the document, saving first if it changed; call before closing the persistence. */
  async close(): Promise<void> {
    this.doc.off('update', this.#changed);
    // The snapshot is a cache: failing to save it leaves it stale, which the next opening detects.
    await this.save().catch(() => undefined);
  }

  #schedule(): void {
    this.#stale = true;
    if (this.#delay || this.#taking) return;
    this.#delay = setTimeout(() => {
      this.#delay = undefined;
      this.#saveInSlices();
    }, SAVE_SNAPSHOT_AFTER_CHANGE_MS);
  }

  #saveInSlices(): void {
    this.#stale = false;
    let snapshot: StoredSnapshot | undefined;
    const doc = this.doc;
    const taking = runInIdleSlices(
      (function* () {
        snapshot = yield* recordsSnapshotSteps(doc);
      })(),
    );
    this.#taking = taking;
    void taking.done.then(() => {
      this.#taking = undefined;
      // Changed while it was taken: what was taken is no copy of any stored state; take it again later.
      if (this.#stale) return this.#schedule();
      // A failed save leaves the stored snapshot stale, which opening detects; the next change tries again.
      this.persistence.saveSnapshot(snapshot!).catch(() => undefined);
    });
  }

  #cancel(): void {
    clearTimeout(this.#delay);
    // A snapshot still being taken will not be saved, so what it was for is still to save.
    if (this.#taking) this.#stale = true;
    this.#taking?.cancel();
    this.#delay = undefined;
    this.#taking = undefined;
  }
}
