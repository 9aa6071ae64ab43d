/**
 * An open org: its Yjs document loaded from the device's IndexedDB (no network needed) and the stores over it.
 * The sync layer attaches its providers to `doc`; the stores pick up whatever they bring.
 */
import * as Y from 'yjs';
import { prepareDocument } from './org-document.ts';
import { OrgPersistence } from './org-persistence.ts';
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
  /**
   * Resolves once contact search and the events' time index have been built, in idle slices after opening.
   * Queries work before: one that comes first finishes the index it needs on the spot.
   */
  indexesReady: Promise<void>;
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
  const persistence = await OrgPersistence.open(orgDatabaseName(orgId), doc);
  const stores = await attachStores(doc, indexedDbReminderStorage(persistence));
  // The calendar is what most people look at first.
  const indexesReady = stores.events.indexWhenIdle().then(() => stores.contacts.indexWhenIdle());
  return {
    ...stores,
    orgId,
    indexesReady,
    async close() {
      stores.reminders.destroy();
      stores.contacts.destroy();
      stores.events.destroy();
      await persistence.close();
      doc.destroy();
    },
  };
}
