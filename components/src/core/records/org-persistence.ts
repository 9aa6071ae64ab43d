/**
 * An org's document in this device's IndexedDB, in y-indexeddb's layout: object store `updates` holds Yjs
 * updates under auto-increment keys, `custom` holds this device's own values (see reminder-state-storage.ts).
 * Databases written by y-indexeddb open unchanged. It differs from y-indexeddb's provider where the client core
 * benchmark (docs/benchmarks.md) measured a cost:
 *
 * - The stored updates are applied before the document has an `update` listener. With one, Yjs encodes the
 *   whole loaded document once more as the "update" of that load, which is as slow as decoding it.
 * - Closing waits until every write has committed; y-indexeddb's `destroy` returns while they are still queued,
 *   and a page unloaded right after lost them.
 * - Many small stored updates are merged into fewer, in idle time rather than on the write path, and never into
 *   one: each stored update is applied in a task of its own when the document loads in slices, so merging stops
 *   at MERGED_UPDATE_BYTES.
 * - Reading the database and loading the document are separate steps, so that a records snapshot saved in
 *   `custom` (records-snapshot.ts) can serve the org while the document loads, and the document can load one
 *   stored update per idle slice instead of in one task of seconds. The snapshot is stored with the key of the
 *   last update it includes; any update stored since (by this code, y-indexeddb, or another tab) makes it
 *   stale. Merging the updates keeps a fresh snapshot fresh.
 * - Writes made while the document is still loading (record-writes.ts) are kept in `custom` until the document
 *   holds them, so that a page closed before it loaded loses none.
 * - Large values are read and written one per task: the stored updates by cursor, the snapshot in chunks. Chromium
 *   copies and decodes an IndexedDB value on the main thread, and a busy org's 20 MiB of updates read with one
 *   `getAll`, or its 16 MiB snapshot written with one `put`, was a task of 0.4–1.2 s (docs/benchmarks.md).
 */
import * as Y from 'yjs';
import { whenIdle, type IdleTask } from './idle-work.ts';

const UPDATES = 'updates';
const CUSTOM = 'custom';
/** The snapshot's head, in `custom`; outside the ranges `customValues` is asked for. */
const SNAPSHOT = 'snapshot';
/** The snapshot's chunks, under this prefix and their number. */
const SNAPSHOT_CHUNK = 'snapshot-chunk:';
/** The key (in `updates`) of the last update the snapshot includes; apart, so that a merge updates it cheaply. */
const SNAPSHOT_AT = 'snapshot-at-update';
/** Writes kept until the document holds them, under this prefix and their number, in the order they were made. */
const PENDING_WRITE = 'pending-write:';
const numbered = (prefix: string, index: number) => `${prefix}${String(index).padStart(10, '0')}`;
const prefixed = (prefix: string) => IDBKeyRange.bound(prefix, `${prefix}\uffff`);
/** y-indexeddb's PREFERRED_TRIM_SIZE: past this many stored updates, applying them one by one costs more than merged ones. */
export const COMPACT_AFTER_UPDATES = 500;
/**
 * Consecutive stored updates are merged up to this many bytes. A busy org's 20 MiB document then loads in about
 * eighty slices; a stored update of this size applies in well under 50 ms on a phone (docs/benchmarks.md).
 */
export const MERGED_UPDATE_BYTES = 256 * 1024;

/** A snapshot as stored: a small head, and chunks that are each written and read in a task of their own. */
export interface SnapshotParts {
  head: unknown;
  chunks: readonly unknown[];
}

function requested<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Every key and value in the cursor's range, one value per task. */
function cursorEntries(request: IDBRequest<IDBCursorWithValue | null>): Promise<{ keys: IDBValidKey[]; values: unknown[] }> {
  const keys: IDBValidKey[] = [];
  const values: unknown[] = [];
  return new Promise((resolve, reject) => {
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve({ keys, values });
      keys.push(cursor.primaryKey);
      values.push(cursor.value);
      cursor.continue();
    };
    request.onerror = () => reject(request.error);
  });
}

async function lastKeyOf(updates: IDBObjectStore): Promise<IDBValidKey | undefined> {
  return (await requested(updates.openKeyCursor(null, 'prev')))?.key;
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

const idle = () => new Promise<void>((resolve) => whenIdle(() => resolve()));

function openDatabase(name: string): Promise<IDBDatabase> {
  const request = indexedDB.open(name);
  request.onupgradeneeded = () => {
    request.result.createObjectStore(UPDATES, { autoIncrement: true });
    request.result.createObjectStore(CUSTOM);
  };
  return requested(request);
}

export class OrgPersistence {
  readonly #storeUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this) return;
    if (this.#settlingPendingWrites) this.#settlingPendingWrites(update);
    else this.#append(update);
  };
  /** The document once every stored update has been applied to it and its changes are stored. */
  #doc: Y.Doc | undefined;
  /** The document being loaded, and the updates `read` found that are not yet applied to it. */
  #loading: Y.Doc | undefined;
  #unapplied: Uint8Array[];
  #unsaved: Uint8Array | undefined;
  #slice: IdleTask | undefined;
  #storedUpdates: number;
  #compactAt = COMPACT_AFTER_UPDATES;
  #snapshot: SnapshotParts | undefined;
  #pendingWrites: unknown[];
  #settlingPendingWrites: ((update: Uint8Array) => void) | undefined;
  /** Set from the moment a merge is scheduled until it has committed. */
  #compaction: Promise<void> | undefined;
  #closed = false;
  #resolveLoaded!: () => void;
  readonly #whenLoaded = new Promise<void>((resolve) => (this.#resolveLoaded = resolve));

  private constructor(
    private readonly db: IDBDatabase,
    updates: Uint8Array[],
    snapshot: SnapshotParts | undefined,
    pendingWrites: unknown[],
  ) {
    this.#unapplied = updates;
    this.#storedUpdates = updates.length;
    this.#snapshot = snapshot;
    this.#pendingWrites = pendingWrites;
  }

  /** Loads the stored document into `doc` and from then on stores every change of it. */
  static async open(name: string, doc: Y.Doc): Promise<OrgPersistence> {
    const persistence = await OrgPersistence.read(name);
    persistence.load(doc);
    return persistence;
  }

  /**
   * Reads the stored updates, the snapshot if fresh, and pending writes, in one transaction; `load` then loads the
   * document.
   */
  static async read(name: string): Promise<OrgPersistence> {
    const db = await openDatabase(name);
    const transaction = db.transaction([UPDATES, CUSTOM], 'readonly');
    const updates = transaction.objectStore(UPDATES);
    const custom = transaction.objectStore(CUSTOM);
    const freshSnapshot = async (): Promise<SnapshotParts | undefined> => {
      const [lastKey, snapshotAt] = await Promise.all([lastKeyOf(updates), requested(custom.get(SNAPSHOT_AT))]);
      if (lastKey === undefined || snapshotAt !== lastKey) return undefined;
      const [head, chunks] = await Promise.all([requested(custom.get(SNAPSHOT)), cursorEntries(custom.openCursor(prefixed(SNAPSHOT_CHUNK)))]);
      return { head, chunks: chunks.values };
    };
    const [stored, snapshot, pendingWrites] = await Promise.all([
      cursorEntries(updates.openCursor()),
      freshSnapshot(),
      requested(custom.getAll(prefixed(PENDING_WRITE))),
    ]);
    return new OrgPersistence(db, stored.values as Uint8Array[], snapshot, pendingWrites);
  }

  /**
   * Hands over the snapshot saved with `saveSnapshot`, as `read` found it, and forgets it; undefined if none was
   * saved or updates were stored since.
   */
  takeSnapshot(): SnapshotParts | undefined {
    const snapshot = this.#snapshot;
    this.#snapshot = undefined;
    return snapshot;
  }

  /** The writes kept with `storePendingWrite` that `read` found (a page closed before its document loaded), in order. */
  get pendingWrites(): readonly unknown[] {
    return this.#pendingWrites;
  }

  /** Applies the updates `read` found to `doc`, all now, and from then on, unless closed, stores every change of it. */
  load(doc: Y.Doc): void {
    this.#startLoading(doc);
    while (this.#unapplied.length > 0) this.#applyNext(doc);
    this.#loaded(doc);
  }

  /**
   * As `load`, one stored update per idle slice, so that a busy org's document loads without one task of
   * seconds. `load` finishes it at once if called meanwhile. Resolves once loaded; never, if closed first.
   */
  loadInSlices(doc: Y.Doc): Promise<void> {
    this.#startLoading(doc);
    const slice = () => {
      this.#slice = undefined;
      if (this.#doc) return;
      if (this.#unapplied.length > 0) this.#applyNext(doc);
      if (this.#unapplied.length > 0) this.#slice = whenIdle(slice);
      else this.#loaded(doc);
    };
    if (!this.#doc && !this.#slice) this.#slice = whenIdle(slice);
    return this.#whenLoaded;
  }

  /**
   * Saves `snapshot` as the copy of everything stored so far. Take it from the loaded document right before
   * calling: updates stored before this call are included, those stored after make it stale.
   */
  async saveSnapshot(snapshot: SnapshotParts): Promise<void> {
    // Read-write transactions over the same stores run in the order they were created, so this one sees every
    // update appended before it and none appended after.
    const transaction = this.db.transaction([UPDATES, CUSTOM], 'readwrite');
    const lastKey = await lastKeyOf(transaction.objectStore(UPDATES));
    if (lastKey === undefined) return committed(transaction);
    const custom = transaction.objectStore(CUSTOM);
    custom.delete(prefixed(SNAPSHOT_CHUNK));
    // Each chunk is put once the one before is, so that each is copied in a task of its own.
    for (const [index, chunk] of snapshot.chunks.entries()) await requested(custom.put(chunk, numbered(SNAPSHOT_CHUNK, index)));
    custom.put(snapshot.head, SNAPSHOT);
    custom.put(lastKey, SNAPSHOT_AT);
    await committed(transaction);
  }

  /** Keeps a write made before the document has loaded until `settlePendingWrites` has made it in the document. */
  async storePendingWrite(write: unknown): Promise<void> {
    const index = this.#pendingWrites.length;
    this.#pendingWrites.push(write);
    await this.setCustom(numbered(PENDING_WRITE, index), write);
  }

  /**
   * Makes the kept writes in the loaded document: `makeWrites` runs in one transaction, whose update is stored in
   * the same IndexedDB transaction that forgets them, so that each write is made once whenever the page closes.
   */
  settlePendingWrites(makeWrites: () => void): void {
    const doc = this.#doc;
    if (!doc) throw new Error('The document is not loaded');
    if (this.#closed) return;
    let stored = false;
    this.#settlingPendingWrites = (update) => {
      stored = true;
      const transaction = this.db.transaction([UPDATES, CUSTOM], 'readwrite');
      transaction.objectStore(UPDATES).add(update);
      transaction.objectStore(CUSTOM).delete(prefixed(PENDING_WRITE));
      this.#storedUpdates++;
    };
    try {
      doc.transact(makeWrites);
    } finally {
      this.#settlingPendingWrites = undefined;
    }
    if (!stored) this.db.transaction(CUSTOM, 'readwrite').objectStore(CUSTOM).delete(prefixed(PENDING_WRITE));
    this.#pendingWrites = [];
    this.#compactIfMany();
  }

  /** The merge of stored updates scheduled or under way (see `compact`), if any. */
  get merging(): Promise<void> | undefined {
    return this.#compaction;
  }

  /** How many updates the database holds; merging brings it down. */
  get storedUpdates(): number {
    return this.#storedUpdates;
  }

  /** Values of the `custom` store whose keys start with `prefix`. */
  async customValues(prefix: string): Promise<unknown[]> {
    return requested(this.db.transaction(CUSTOM, 'readonly').objectStore(CUSTOM).getAll(prefixed(prefix)));
  }

  async setCustom(key: string, value: unknown): Promise<void> {
    const transaction = this.db.transaction(CUSTOM, 'readwrite');
    transaction.objectStore(CUSTOM).put(value, key);
    await committed(transaction);
  }

  /**
   * Merges runs of consecutive stored updates into one each, up to MERGED_UPDATE_BYTES, merging in idle slices.
   * A run's merge is stored under the key of its last update, so the updates keep their order (applying an
   * update before what it builds on makes Yjs hold it back and retry it with every later one) and a snapshot
   * fresh before stays fresh.
   */
  async compact(): Promise<void> {
    const { keys, values } = await cursorEntries(this.db.transaction(UPDATES, 'readonly').objectStore(UPDATES).openCursor());
    const updates = values as Uint8Array[];
    const runs: { keys: IDBValidKey[]; updates: Uint8Array[] }[] = [];
    let run: (typeof runs)[number] | undefined;
    let runBytes = 0;
    updates.forEach((update, index) => {
      if (!run || runBytes + update.byteLength > MERGED_UPDATE_BYTES) {
        run = { keys: [], updates: [] };
        runs.push(run);
        runBytes = 0;
      }
      run.keys.push(keys[index]!);
      run.updates.push(update);
      runBytes += update.byteLength;
    });
    if (!runs.some((run) => run.updates.length > 1)) return;
    const merges: { keys: IDBValidKey[]; merged: Uint8Array }[] = [];
    for (const { keys, updates } of runs) {
      if (updates.length < 2) continue;
      await idle();
      if (this.#closed) return;
      merges.push({ keys, merged: Y.mergeUpdates(updates) });
    }
    const transaction = this.db.transaction(UPDATES, 'readwrite');
    const store = transaction.objectStore(UPDATES);
    // Another tab may have merged them meanwhile; then its merge stands.
    const present = await requested(store.count(IDBKeyRange.bound(keys[0]!, keys.at(-1)!)));
    if (present !== keys.length) return committed(transaction);
    for (const { keys, merged } of merges) {
      // A run's keys are consecutive: appends land above them all, and merges only replace.
      store.delete(IDBKeyRange.bound(keys[0]!, keys.at(-1)!, false, true));
      store.put(merged, keys.at(-1));
    }
    await committed(transaction);
    this.#storedUpdates -= merges.reduce((sum, { keys }) => sum + keys.length - 1, 0);
    this.#compactAt = this.#storedUpdates + COMPACT_AFTER_UPDATES;
  }

  /** Stops storing changes, waits until every write has committed, and closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#doc?.off('update', this.#storeUpdate);
    this.#slice?.cancel();
    // Read-write transactions over the same stores commit in the order they were created.
    await committed(this.db.transaction([UPDATES, CUSTOM], 'readwrite'));
    // A merge under way stops at its next slice; the database closes once its transactions have.
    this.db.close();
  }

  #startLoading(doc: Y.Doc): void {
    if (this.#loading && this.#loading !== doc) throw new Error('Another document is loading');
    if (this.#loading) return;
    this.#loading = doc;
    // Whatever the document held before loading is stored too, as y-indexeddb does.
    this.#unsaved = doc.store.clients.size > 0 ? Y.encodeStateAsUpdate(doc) : undefined;
  }

  #applyNext(doc: Y.Doc): void {
    Y.applyUpdate(doc, this.#unapplied.shift()!);
  }

  #loaded(doc: Y.Doc): void {
    if (this.#doc) return;
    this.#doc = doc;
    this.#slice?.cancel();
    this.#resolveLoaded();
    if (this.#closed) return;
    doc.on('update', this.#storeUpdate);
    if (this.#unsaved) this.#append(this.#unsaved);
    this.#unsaved = undefined;
    this.#compactIfMany();
  }

  #append(update: Uint8Array): void {
    this.db.transaction(UPDATES, 'readwrite').objectStore(UPDATES).add(update);
    this.#storedUpdates++;
    this.#compactIfMany();
  }

  #compactIfMany(): void {
    if (this.#storedUpdates < this.#compactAt || this.#compaction || this.#closed) return;
    this.#compaction = idle()
      .then(() => this.compact())
      // A failed merge leaves the updates as they were; the next write past the threshold tries again.
      .catch(() => undefined)
      .finally(() => (this.#compaction = undefined));
  }
}
