/**
 * An open org: its Yjs document loaded from the device's IndexedDB (no network needed) and the stores over it.
 * The sync layer attaches its providers to `doc`; the stores pick up whatever they bring.
 */
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { prepareDocument } from './org-document.ts';
import { ContactsStore } from './contacts-store.ts';
import { EventsStore } from './events-store.ts';
import { RemindersStore } from './reminders.ts';
import { indexedDbReminderStorage, memoryReminderStorage, type ReminderStateStorage } from './reminder-state-storage.ts';

/** The IndexedDB database holding an org's document (and this device's reminder state for it). */
export const orgDatabaseName = (orgId: string) => `p2p-clinic-org-${orgId}`;

export interface OrgStores {
  doc: Y.Doc;
  contacts: ContactsStore;
  events: EventsStore;
  reminders: RemindersStore;
  /** True when the document comes from a newer version of p2p-clinic: reads work, writes throw. */
  readOnly: boolean;
  /** Why it is read-only, to show the person; absent when writable. */
  readOnlyReason?: string;
}

export interface OrgSession extends OrgStores {
  orgId: string;
  /** Flushes and closes the document's database and stops the stores. */
  close(): Promise<void>;
}

/** Stores over a document that is already loaded; migrates it first if it is older than this code. */
export async function attachStores(doc: Y.Doc, reminderStorage: ReminderStateStorage = memoryReminderStorage()): Promise<OrgStores> {
  const schema = prepareDocument(doc);
  const contacts = new ContactsStore(doc);
  const events = new EventsStore(doc);
  const reminders = await RemindersStore.open(events, reminderStorage);
  return { doc, contacts, events, reminders, ...schema };
}

/** Opens an org of this device's registry from IndexedDB. */
export async function openOrg(orgId: string): Promise<OrgSession> {
  const doc = new Y.Doc();
  const persistence = new IndexeddbPersistence(orgDatabaseName(orgId), doc);
  await persistence.whenSynced;
  const stores = await attachStores(doc, indexedDbReminderStorage(persistence));
  return {
    ...stores,
    orgId,
    async close() {
      stores.reminders.destroy();
      stores.contacts.destroy();
      stores.events.destroy();
      await persistence.destroy();
      doc.destroy();
    },
  };
}
