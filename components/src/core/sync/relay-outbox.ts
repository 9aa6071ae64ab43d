/**
 * Local Yjs updates waiting for the relay's acknowledgement, the batch being pushed, and how far this device has
 * read the relay. Kept in IndexedDB so that edits made offline, or before a reload, are pushed when the relay is
 * reachable, and so that a push interrupted after the relay stored it is repeated byte for byte.
 */
import type { EncryptedChange } from '#protocol';

export interface OutboxEntry {
  seq: number;
  update: Uint8Array;
}

/** Encrypted changes carrying the outbox entries up to `lastSeq`, sent but not yet acknowledged. */
export interface PushBatch {
  lastSeq: number;
  /** The batch's place in this device's sequence, sealed inside it (relay-envelope.ts). */
  sequence: number;
  changes: EncryptedChange[];
}

const OUTBOX = 'outbox';
const STATE = 'state';
const IN_FLIGHT = 'inFlight';
const LAST_SEQUENCE = 'lastAcknowledgedSequence';

export class RelayOutbox {
  private constructor(private readonly db: IDBDatabase) {}

  /** One database per org and relay workspace: a device that moves to another workspace starts it afresh. */
  static databaseName(orgId: string, workspaceId: string): string {
    return `p2p-clinic-relay-${orgId}-${workspaceId}`;
  }

  static async open(orgId: string, workspaceId: string, factory: IDBFactory = indexedDB): Promise<RelayOutbox> {
    const request = factory.open(RelayOutbox.databaseName(orgId, workspaceId), 1);
    request.onupgradeneeded = () => {
      // autoIncrement never reuses a key, even after deletions: (device id, seq range) names a batch for good.
      request.result.createObjectStore(OUTBOX, { keyPath: 'seq', autoIncrement: true });
      request.result.createObjectStore(STATE);
    };
    return new RelayOutbox(await settle(request));
  }

  static async delete(orgId: string, workspaceId: string, factory: IDBFactory = indexedDB): Promise<void> {
    await settle(factory.deleteDatabase(RelayOutbox.databaseName(orgId, workspaceId)));
  }

  async add(update: Uint8Array): Promise<void> {
    await this.run([OUTBOX], 'readwrite', (tx) => tx.objectStore(OUTBOX).add({ update }));
  }

  /** The oldest entries, at most `limit` of them. */
  async oldest(limit: number): Promise<OutboxEntry[]> {
    return this.run([OUTBOX], 'readonly', (tx) => tx.objectStore(OUTBOX).getAll(null, limit) as IDBRequest<OutboxEntry[]>);
  }

  async count(): Promise<number> {
    return this.run([OUTBOX], 'readonly', (tx) => tx.objectStore(OUTBOX).count());
  }

  async inFlight(): Promise<PushBatch | undefined> {
    return this.getState<PushBatch>(IN_FLIGHT);
  }

  /** Records a batch before it is sent, so that a retry (even after a reload) sends the same ids and bytes. */
  async setInFlight(batch: PushBatch): Promise<void> {
    await this.setState(IN_FLIGHT, batch);
  }

  /**
   * Removes the batch's entries and the batch, and records its sequence, in one transaction: the next batch takes
   * the next sequence number even after a crash, and a batch retried after a reload keeps its own.
   */
  async acknowledge(batch: PushBatch): Promise<void> {
    await this.run([OUTBOX, STATE], 'readwrite', (tx) => {
      tx.objectStore(OUTBOX).delete(IDBKeyRange.upperBound(batch.lastSeq));
      tx.objectStore(STATE).put(batch.sequence, LAST_SEQUENCE);
      return tx.objectStore(STATE).delete(IN_FLIGHT);
    });
  }

  /**
   * Starts the batch sequence again at 1, and forgets the batch in flight (its entries stay, to be sent in the next
   * batch): for a device whose batches are named anew (relay-client.ts, a device from before signed envelopes).
   */
  async restartSequence(): Promise<void> {
    await this.run([STATE], 'readwrite', (tx) => {
      tx.objectStore(STATE).delete(LAST_SEQUENCE);
      return tx.objectStore(STATE).delete(IN_FLIGHT);
    });
  }

  /** The sequence number of the last acknowledged batch; 0 before the first. */
  async lastAcknowledgedSequence(): Promise<number> {
    return (await this.getState<number>(LAST_SEQUENCE)) ?? 0;
  }

  async getState<T>(key: string): Promise<T | undefined> {
    return this.run([STATE], 'readonly', (tx) => tx.objectStore(STATE).get(key) as IDBRequest<T | undefined>);
  }

  async setState(key: string, value: unknown): Promise<void> {
    await this.run([STATE], 'readwrite', (tx) => tx.objectStore(STATE).put(value, key));
  }

  close(): void {
    this.db.close();
  }

  private async run<T>(storeNames: string[], mode: IDBTransactionMode, work: (transaction: IDBTransaction) => IDBRequest<T>): Promise<T> {
    const transaction = this.db.transaction(storeNames, mode);
    const committed = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
    const [result] = await Promise.all([settle(work(transaction)), committed]);
    return result;
  }
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
