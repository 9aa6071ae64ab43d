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
 */
import * as Y from 'yjs';
import { whenIdle, type IdleTask } from './idle-work.ts';

const UPDATES = 'updates';
const CUSTOM = 'custom';
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
  #storedUpdates: number;
  /** Set from the moment a merge is scheduled until it has committed. */
  #compaction: IdleTask | undefined;
  #closed = false;

  private constructor(
    private readonly db: IDBDatabase,
    private readonly doc: Y.Doc,
    storedUpdates: number,
  ) {
    this.#storedUpdates = storedUpdates;
    doc.on('update', this.#storeUpdate);
  }

  /** Loads the stored document into `doc` and from then on stores every change of it. */
  static async open(name: string, doc: Y.Doc): Promise<OrgPersistence> {
    const db = await openDatabase(name);
    const updates = await requested(db.transaction(UPDATES, 'readonly').objectStore(UPDATES).getAll());
    // Whatever the document held before loading is stored too, as y-indexeddb does.
    const unsaved = doc.store.clients.size > 0 ? Y.encodeStateAsUpdate(doc) : undefined;
    Y.transact(doc, () => updates.forEach((update: Uint8Array) => Y.applyUpdate(doc, update)), undefined, false);
    const persistence = new OrgPersistence(db, doc, updates.length);
    if (unsaved) persistence.#append(unsaved);
    persistence.#compactIfMany();
    return persistence;
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
    const replaced = this.#storedUpdates;
    const transaction = this.db.transaction(UPDATES, 'readwrite');
    const updates = transaction.objectStore(UPDATES);
    // Writes queued after this transaction land under higher keys, so deleting below its own key spares them.
    const key = await requested(updates.add(Y.encodeStateAsUpdate(this.doc)));
    updates.delete(IDBKeyRange.upperBound(key, true));
    await committed(transaction);
    this.#storedUpdates -= replaced - 1;
  }

  /** Stops storing changes, waits until every write has committed, and closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.doc.off('update', this.#storeUpdate);
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
