/**
 * What the contacts, events and resources stores share: records as nested Y.Maps in one top-level map of the org's
 * document, validated writes in one transaction each, a cache of materialised records that changes invalidate
 * record by record, and change notifications for local and remote edits alike.
 *
 * A store opened onto a records snapshot (records-snapshot.ts) serves reads from it until the document has
 * loaded, then follows the document. A write that comes first is validated against the snapshot, shown from it
 * and handed to the session, which makes it in the document once loaded (record-writes.ts): loading a busy org's
 * document takes seconds, and a person editing meanwhile should not wait for it.
 */
import * as Y from 'yjs';
import { assertWritable, onRemovalFrom, recordsMap, type RecordKind } from './org-document.ts';
import type { RecordEntries } from './record-map.ts';
import { recordsDiffering, snapshotEntries, type SnapshotRecords } from './records-snapshot.ts';
import { makeRecordWrite, makeRecordWriteInSnapshot, type RecordWrite } from './record-writes.ts';
import { RecordNotFoundError, type RecordNoun } from './record-not-found-error.ts';
import { ChangeListeners, type StoreChange, type StoreListener, type Unsubscribe } from './change-listeners.ts';

/** Up to this many records changed at once, a sorted list is kept in order record by record; more, it is sorted again. */
const KEPT_IN_ORDER_CHANGES = 64;

interface StoredRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
}

/** Where a store opened onto a snapshot reads, and where it writes, until the document has loaded. */
export interface SnapshotServing {
  /** The snapshot's records of the store's kind, with the writes made since. */
  records: SnapshotRecords;
  /** Loads the document now; the session then calls `followDocument` on every store. */
  loadDocument(): void;
  /** Keeps a write, already made in `records`, for the document. */
  keepWrite(write: RecordWrite): void;
}

export abstract class RecordStore<Fields extends object, Stored extends Fields & StoredRecord> {
  protected readonly records: Y.Map<Y.Map<unknown>>;
  readonly #kind: RecordKind;
  readonly #cache = new Map<string, Stored>();
  #list: Stored[] | undefined;
  readonly #listeners = new ChangeListeners();
  readonly #observer: (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => void;
  /** Set while reads are served from a snapshot, before the document has loaded. */
  #snapshot: SnapshotServing | undefined;
  readonly #stopFollowingRemoval: () => void;

  constructor(
    protected readonly doc: Y.Doc,
    kind: RecordKind,
    private readonly singular: RecordNoun,
    snapshot?: SnapshotServing,
  ) {
    this.records = recordsMap(doc, kind);
    this.#kind = kind;
    this.#observer = (events, transaction) => this.#onChange(events, transaction);
    this.#snapshot = snapshot;
    // Loading the document would otherwise report every record as changed.
    if (!snapshot) this.records.observeDeep(this.#observer);
    // Elements render read-only once this device is removed from the org: a change of no record tells them to look.
    this.#stopFollowingRemoval = onRemovalFrom(doc, () => this.#changed({ ids: [], local: false }));
  }

  /** Checks and copies input; throws a ValidationError naming the bad field. */
  protected abstract validate(input: unknown): Fields;
  /** The fields as they are stored: one entry per field (see record-map.ts). */
  protected abstract toEntries(fields: Fields): Record<string, unknown>;
  protected abstract materialise(id: string, record: RecordEntries): Stored;
  /** Called with the ids of changed records before listeners hear of them, for indexes to catch up. */
  protected abstract reindex(ids: readonly string[]): void;
  protected abstract fieldsOf(record: Stored): Fields;

  create(input: Fields): Stored {
    this.#assertWritable();
    const fields = this.validate(input);
    const id = crypto.randomUUID();
    const now = Date.now();
    this.#write({ kind: this.#kind, id, action: 'create', entries: { ...this.toEntries(fields), createdAt: now, updatedAt: now } });
    return this.get(id)!;
  }

  /** Changes the given fields only; the others keep whatever they hold, including concurrent edits. */
  update(id: string, patch: Partial<Fields>): Stored {
    this.#assertWritable();
    const current = this.get(id);
    if (!current) throw new RecordNotFoundError(this.singular, id);
    const fields = this.validate({ ...this.fieldsOf(current), ...patch });
    const entries = this.toEntries(fields);
    const changed = Object.fromEntries(Object.entries(entries).filter(([key]) => this.patchTouches(patch, key)));
    this.#write({ kind: this.#kind, id, action: 'update', entries: { ...changed, updatedAt: Date.now() } });
    return this.get(id)!;
  }

  /** Whether a patch addresses a stored entry; stores whose entries differ from their fields refine this. */
  protected patchTouches(patch: Partial<Fields>, entry: string): boolean {
    return entry in patch;
  }

  /** Removes a record; false if there was none (perhaps already removed on another device). */
  remove(id: string): boolean {
    this.#assertWritable();
    if (!this.entriesOf(id)) return false;
    this.#write({ kind: this.#kind, id, action: 'remove' });
    return true;
  }

  get(id: string): Stored | undefined {
    let stored = this.#cache.get(id);
    if (!stored) {
      const record = this.entriesOf(id);
      if (!record) return undefined;
      stored = Object.freeze(this.materialise(id, record));
      this.#cache.set(id, stored);
    }
    return stored;
  }

  /** Every record, in the store's order; the same array until something changes. */
  list(): Stored[] {
    if (!this.#list) {
      const all: Stored[] = [];
      for (const id of this.ids()) {
        const stored = this.get(id);
        if (stored) all.push(stored);
      }
      this.#list = this.compare ? all.sort((a, b) => this.compare!(a, b)) : all;
    }
    return this.#list;
  }

  /** The store's order, if it keeps one; without, `list()` is in the document's order. */
  protected compare?(a: Stored, b: Stored): number;

  ids(): IterableIterator<string> {
    return this.#snapshot ? this.#snapshot.records.keys() : this.records.keys();
  }

  /** A record's stored entries, from the snapshot until the document has loaded. */
  protected entriesOf(id: string): RecordEntries | undefined {
    if (this.#snapshot) {
      const entries = this.#snapshot.records.get(id);
      return entries && snapshotEntries(entries);
    }
    const record = this.records.get(id);
    return record instanceof Y.Map ? record : undefined;
  }

  /**
   * Called by the session once the document has loaded: reads come from it from now on. Unless the document
   * is exactly the one the snapshot was taken from, listeners hear of every record that differs.
   */
  followDocument(sameAsSnapshot: boolean): void {
    const snapshot = this.#snapshot;
    if (!snapshot) return;
    this.#snapshot = undefined;
    this.records.observeDeep(this.#observer);
    if (sameAsSnapshot) return;
    const ids = recordsDiffering(snapshot.records, this.records);
    if (ids.length > 0) this.#changed({ ids, local: false });
  }

  subscribe(listener: StoreListener): Unsubscribe {
    return this.#listeners.add(listener);
  }

  /** Stops following the document; the store must not be used afterwards. */
  destroy(): void {
    if (!this.#snapshot) this.records.unobserveDeep(this.#observer);
    this.#stopFollowingRemoval();
  }

  /**
   * Refuses writes after this device's removal from the org, and to a newer schema (a store serving a snapshot has
   * the current one, see org-session.ts, and its document, not loaded yet, no version at all).
   */
  #assertWritable(): void {
    assertWritable(this.doc);
  }

  /** Makes a write in the document, or, before it has loaded, in the snapshot's records and for the document later. */
  #write(write: RecordWrite): void {
    const snapshot = this.#snapshot;
    if (!snapshot) {
      this.doc.transact(() => makeRecordWrite(this.doc, write));
      return;
    }
    makeRecordWriteInSnapshot(snapshot.records, write);
    snapshot.keepWrite(write);
    this.#changed({ ids: [write.id], local: true });
  }

  #onChange(events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction): void {
    const ids = new Set<string>();
    for (const event of events) {
      if (event.target === this.records) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) ids.add(key);
      else if (typeof event.path[0] === 'string') ids.add(event.path[0]);
    }
    if (ids.size > 0) this.#changed({ ids: [...ids], local: transaction.local });
  }

  #changed(change: StoreChange): void {
    for (const id of change.ids) this.#cache.delete(id);
    this.#list = this.#list && this.compare && change.ids.length <= KEPT_IN_ORDER_CHANGES ? this.#listAfter(this.#list, change.ids) : undefined;
    this.reindex(change.ids);
    this.#listeners.notify(change);
  }

  /**
   * The list once a few records changed: theirs taken out and put back where they belong now, a binary search
   * each, where sorting a busy org's 10,000 contacts again takes 50 ms.
   */
  #listAfter(list: readonly Stored[], ids: readonly string[]): Stored[] {
    const changed = new Set(ids);
    const next = list.filter((record) => !changed.has(record.id));
    for (const id of changed) {
      const stored = this.get(id);
      if (!stored) continue;
      let low = 0;
      let high = next.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (this.compare!(next[middle]!, stored) <= 0) low = middle + 1;
        else high = middle;
      }
      next.splice(low, 0, stored);
    }
    return next;
  }
}
