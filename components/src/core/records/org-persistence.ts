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
 * - The stored updates are merged into one when there are many, in idle time rather than on the write path.
 * - Reading the database and loading the document are separate steps, so that a records snapshot saved in
 *   `custom` (records-snapshot.ts) can serve the org while the document loads. The snapshot is stored with the
 *   key of the last update it includes; any update stored since (by this code, y-indexeddb, or another tab)
 *   makes it stale. Merging the updates keeps a fresh snapshot fresh.
 */
import * as Y from 'yjs';
import { whenIdle, type IdleTask } from './idle-work.ts';

const UPDATES = 'updates';
const CUSTOM = 'custom';
/** The snapshot, in `custom`; outside the ranges `customValues` is asked for. */
const SNAPSHOT = 'snapshot';
/** The key (in `updates`) of the last update the snapshot includes; apart, so that a merge updates it cheaply. */
const SNAPSHOT_AT = 'snapshot-at-update';
/** y-indexeddb's PREFERRED_TRIM_SIZE: past this many stored updates, applying them one by one costs more than one merged update. */
export const COMPACT_AFTER_UPDATES = 500;

function requested<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

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
    if (origin !== this) this.#append(update);
  };
  #doc: Y.Doc | undefined;
  /** Read by `read`, applied by `load`. */
  #readUpdates: Uint8Array[] | undefined;
  #storedUpdates: number;
  #snapshot: unknown;
  /** Set from the moment a merge is scheduled until it has committed. */
  #compaction: IdleTask | undefined;
  #closed = false;

  private constructor(
    private readonly db: IDBDatabase,
    updates: Uint8Array[],
    snapshot: unknown,
  ) {
    this.#readUpdates = updates;
    this.#storedUpdates = updates.length;
    this.#snapshot = snapshot;
  }

  /** Loads the stored document into `doc` and from then on stores every change of it. */
  static async open(name: string, doc: Y.Doc): Promise<OrgPersistence> {
    const persistence = await OrgPersistence.read(name);
    persistence.load(doc);
    return persistence;
  }

  /** Reads the stored updates and snapshot, in one transaction; `load` then loads the document. */
  static async read(name: string): Promise<OrgPersistence> {
    const db = await openDatabase(name);
    const transaction = db.transaction([UPDATES, CUSTOM], 'readonly');
    const updates = transaction.objectStore(UPDATES);
    const custom = transaction.objectStore(CUSTOM);
    const [stored, lastKey, snapshot, snapshotAt] = await Promise.all([
      requested(updates.getAll()),
      requested(updates.openKeyCursor(null, 'prev')).then((cursor) => cursor?.key),
      requested(custom.get(SNAPSHOT)),
      requested(custom.get(SNAPSHOT_AT)),
    ]);
    const fresh = lastKey !== undefined && snapshotAt === lastKey;
    return new OrgPersistence(db, stored as Uint8Array[], fresh ? snapshot : undefined);
  }

  /**
   * Hands over the snapshot saved with `saveSnapshot`, as `read` found it, and forgets it; undefined if none was
   * saved or updates were stored since.
   */
  takeSnapshot(): unknown {
    const snapshot = this.#snapshot;
    this.#snapshot = undefined;
    return snapshot;
  }

  /** Applies the updates `read` found to `doc` and from then on, unless closed, stores every change of it. */
  load(doc: Y.Doc): void {
    if (this.#doc) throw new Error('The document is already loaded');
    const updates = this.#readUpdates ?? [];
    this.#readUpdates = undefined;
    // Whatever the document held before loading is stored too, as y-indexeddb does.
    const unsaved = doc.store.clients.size > 0 ? Y.encodeStateAsUpdate(doc) : undefined;
    Y.transact(doc, () => updates.forEach((update) => Y.applyUpdate(doc, update)), undefined, false);
    this.#doc = doc;
    if (this.#closed) return;
    doc.on('update', this.#storeUpdate);
    if (unsaved) this.#append(unsaved);
    this.#compactIfMany();
  }

  /**
   * Saves `snapshot` as the copy of everything stored so far. Take it from the loaded document right before
   * calling: updates stored before this call are included, those stored after make it stale.
   */
  async saveSnapshot(snapshot: unknown): Promise<void> {
    // Read-write transactions over the same stores run in the order they were created, so this one sees every
    // update appended before it and none appended after.
    const transaction = this.db.transaction([UPDATES, CUSTOM], 'readwrite');
    const lastKey = (await requested(transaction.objectStore(UPDATES).openKeyCursor(null, 'prev')))?.key;
    if (lastKey === undefined) return committed(transaction);
    transaction.objectStore(CUSTOM).put(snapshot, SNAPSHOT);
    transaction.objectStore(CUSTOM).put(lastKey, SNAPSHOT_AT);
    await committed(transaction);
  }

  /** How many updates the database holds; merging brings it back to one. */
  get storedUpdates(): number {
    return this.#storedUpdates;
  }

  /** Values of the `custom` store whose keys start with `prefix`. */
  async customValues(prefix: string): Promise<unknown[]> {
    const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    return requested(this.db.transaction(CUSTOM, 'readonly').objectStore(CUSTOM).getAll(range));
  }

  async setCustom(key: string, value: unknown): Promise<void> {
    const transaction = this.db.transaction(CUSTOM, 'readwrite');
    transaction.objectStore(CUSTOM).put(value, key);
    await committed(transaction);
  }

  /** Replaces the stored updates by one holding the whole document. */
  async compact(): Promise<void> {
    if (!this.#doc) throw new Error('The document is not loaded');
    const replaced = this.#storedUpdates;
    const transaction = this.db.transaction([UPDATES, CUSTOM], 'readwrite');
    const updates = transaction.objectStore(UPDATES);
    const custom = transaction.objectStore(CUSTOM);
    // Every change of the document was appended before this transaction, so the merged update holds just what
    // the updates it replaces held.
    const key = await requested(updates.add(Y.encodeStateAsUpdate(this.#doc)));
    const [previousKey, snapshotAt] = await Promise.all([
      requested(updates.openKeyCursor(IDBKeyRange.upperBound(key, true), 'prev')).then((cursor) => cursor?.key),
      requested(custom.get(SNAPSHOT_AT)),
    ]);
    // A snapshot of all the replaced updates is a snapshot of the merged one.
    if (previousKey !== undefined && snapshotAt === previousKey) custom.put(key, SNAPSHOT_AT);
    // Writes queued after this transaction land under higher keys, so deleting below its own key spares them.
    updates.delete(IDBKeyRange.upperBound(key, true));
    await committed(transaction);
    this.#storedUpdates -= replaced - 1;
  }

  /** Stops storing changes, waits until every write has committed, and closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#doc?.off('update', this.#storeUpdate);
    this.#compaction?.cancel();
    // Read-write transactions over the same stores commit in the order they were created.
    await committed(this.db.transaction([UPDATES, CUSTOM], 'readwrite'));
    this.db.close();
  }

  #append(update: Uint8Array): void {
    this.db.transaction(UPDATES, 'readwrite').objectStore(UPDATES).add(update);
    this.#storedUpdates++;
    this.#compactIfMany();
  }

  #compactIfMany(): void {
    if (this.#storedUpdates < COMPACT_AFTER_UPDATES || this.#compaction) return;
    this.#compaction = whenIdle(() => {
      // A failed merge leaves the updates as they were; the next write past the threshold tries again.
      this.compact()
        .catch(() => undefined)
        .finally(() => (this.#compaction = undefined));
    });
  }
}
