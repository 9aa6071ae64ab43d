/**
 * The device's org keys, in an IndexedDB database of their own so that leaving an org can delete its key without
 * touching anything else. The raw bytes are stored because an invite must hand the key on; subkeys are derived
 * (non-extractable) each time an org opens.
 */
import * as idb from 'lib0/indexeddb';
import { assertOrgKey } from './org-key.ts';

export const KEY_STORE_DATABASE = 'p2p-clinic-keys';
const ORG_KEYS = 'orgKeys';

// A connection per call: key look-ups are rare, and an open connection would block another tab deleting the database.
async function withOrgKeys<T>(access: 'readonly' | 'readwrite', use: (store: IDBObjectStore) => Promise<T>): Promise<T> {
  const db = await idb.openDB(KEY_STORE_DATABASE, (database) => idb.createStores(database, [[ORG_KEYS]]));
  try {
    const [store] = idb.transact(db, [ORG_KEYS], access);
    return await use(store!);
  } finally {
    db.close();
  }
}

export async function saveOrgKey(orgId: string, key: Uint8Array): Promise<void> {
  assertOrgKey(key);
  await withOrgKeys('readwrite', (store) => idb.put(store, new Uint8Array(key) as never, orgId));
}

export async function loadOrgKey(orgId: string): Promise<Uint8Array | undefined> {
  const stored: unknown = await withOrgKeys('readonly', (store) => idb.get(store, orgId));
  return stored instanceof Uint8Array ? new Uint8Array(stored) : undefined;
}

export async function deleteOrgKey(orgId: string): Promise<void> {
  await withOrgKeys('readwrite', (store) => idb.del(store, orgId));
}
