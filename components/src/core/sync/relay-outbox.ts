/**
 * Local Yjs updates waiting for the relay's acknowledgement, and how far this device has read the relay.
 * Kept in IndexedDB so that edits made offline, or before a reload, are pushed when the relay is reachable.
 */

export interface OutboxEntry {
  seq: number;
  update: Uint8Array;
}

const OUTBOX = 'outbox';
const STATE = 'state';

export class RelayOutbox {
  private constructor(private readonly db: IDBDatabase) {}

  static databaseName(orgId: string): string {
    return `p2p-clinic-relay-${orgId}`;
  }

  static async open(orgId: string): Promise<RelayOutbox> {
    const request = indexedDB.open(RelayOutbox.databaseName(orgId), 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(OUTBOX, { keyPath: 'seq', autoIncrement: true });
      request.result.createObjectStore(STATE);
    };
    return new RelayOutbox(await settle(request));
  }

  static async delete(orgId: string): Promise<void> {
    await settle(indexedDB.deleteDatabase(RelayOutbox.databaseName(orgId)));
  }

  async add(update: Uint8Array): Promise<void> {
    await this.run(OUTBOX, 'readwrite', (store) => store.add({ update }));
  }

  async list(): Promise<OutboxEntry[]> {
    return this.run(OUTBOX, 'readonly', (store) => store.getAll() as IDBRequest<OutboxEntry[]>);
  }

  async count(): Promise<number> {
    return this.run(OUTBOX, 'readonly', (store) => store.count());
  }

  /** Removes the entries up to and including `lastSeq`, once the relay has acknowledged them. */
  async acknowledge(lastSeq: number): Promise<void> {
    await this.run(OUTBOX, 'readwrite', (store) => store.delete(IDBKeyRange.upperBound(lastSeq)));
  }

  async getState<T>(key: string): Promise<T | undefined> {
    return this.run(STATE, 'readonly', (store) => store.get(key) as IDBRequest<T | undefined>);
  }

  async setState(key: string, value: unknown): Promise<void> {
    await this.run(STATE, 'readwrite', (store) => store.put(value, key));
  }

  close(): void {
    this.db.close();
  }

  private async run<T>(storeName: string, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const transaction = this.db.transaction(storeName, mode);
    const committed = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
    const [result] = await Promise.all([settle(work(transaction.objectStore(storeName))), committed]);
    return result;
  }
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
