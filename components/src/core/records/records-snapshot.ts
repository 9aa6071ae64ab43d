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
import type { OrgPersistence } from './org-persistence.ts';
import { whenIdle, type IdleTask } from './idle-work.ts';

/** Bumped when the stored shape changes; a snapshot of another format is ignored. */
const SNAPSHOT_FORMAT = 2;

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

/**
 * As stored: the records as one JSON string, which IndexedDB reads and JSON.parse decodes in about a third of
 * the time structured cloning the same records takes (measured in Chromium; docs/benchmarks.md).
 */
interface StoredSnapshot {
  format: number;
  schemaVersion: number;
  document: Uint8Array;
  /** JSON of `{ contacts: RecordList, events: RecordList, resources: RecordList }`. */
  records: string;
}

function recordsOf(doc: Y.Doc, kind: RecordKind): RecordList {
  const records: RecordList = [];
  recordsMap(doc, kind).forEach((record, id) => {
    if (record instanceof Y.Map) records.push([id, record.toJSON()]);
  });
  return records;
}

/** The document's records as they are stored in the snapshot. */
export function takeRecordsSnapshot(doc: Y.Doc): StoredSnapshot {
  return {
    format: SNAPSHOT_FORMAT,
    schemaVersion: schemaVersionOf(doc),
    document: Y.encodeSnapshot(Y.snapshot(doc)),
    records: JSON.stringify({ contacts: recordsOf(doc, 'contacts'), events: recordsOf(doc, 'events'), resources: recordsOf(doc, 'resources') }),
  };
}

/**
 * The stored value as a snapshot this code can serve reads from, or undefined. Only snapshots of the current
 * schema qualify: an older document is migrated when it loads, and a newer one is read-only.
 */
export function usableRecordsSnapshot(value: unknown): RecordsSnapshot | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stored = value as Partial<StoredSnapshot>;
  const usable =
    stored.format === SNAPSHOT_FORMAT &&
    stored.schemaVersion === CURRENT_SCHEMA_VERSION &&
    stored.document instanceof Uint8Array &&
    typeof stored.records === 'string';
  if (!usable) return undefined;
  const records = JSON.parse(stored.records as string) as { contacts: RecordList; events: RecordList; resources: RecordList };
  return {
    document: stored.document as Uint8Array,
    contacts: new Map(records.contacts),
    events: new Map(records.events),
    resources: new Map(records.resources),
  };
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
 * After a change the snapshot is saved this much later, in idle time: taking a busy org's snapshot is a task of
 * 150–200 ms (docs/benchmarks.md), worth running at most this often.
 */
export const SAVE_SNAPSHOT_AFTER_CHANGE_MS = 10_000;

/** Keeps the stored snapshot up to date with a loaded document: some time after changes, and on close. */
export class RecordsSnapshotSaver {
  readonly #changed = () => this.#schedule();
  #stale = false;
  #delay: ReturnType<typeof setTimeout> | undefined;
  #idle: IdleTask | undefined;

  constructor(
    private readonly persistence: OrgPersistence,
    private readonly doc: Y.Doc,
  ) {}

  /** Starts following the document once it has loaded; `fresh` says whether the stored snapshot matches it. */
  follow(fresh: boolean): void {
    this.doc.on('update', this.#changed);
    if (!fresh) this.#schedule();
  }

  /** Saves now if the document changed since the stored snapshot was taken. */
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
    if (this.#delay || this.#idle) return;
    this.#delay = setTimeout(() => {
      this.#delay = undefined;
      // A failed save leaves the stored snapshot stale, which opening detects; the next change tries again.
      this.#idle = whenIdle(() => void this.save().catch(() => undefined));
    }, SAVE_SNAPSHOT_AFTER_CHANGE_MS);
  }

  #cancel(): void {
    clearTimeout(this.#delay);
    this.#idle?.cancel();
    this.#delay = undefined;
    this.#idle = undefined;
  }
}
