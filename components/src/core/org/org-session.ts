/**
 * An open org: its Yjs document loaded from the device's IndexedDB (no network needed) and the stores over it.
 * The sync layer attaches its providers to `doc`; the stores pick up whatever they bring.
 */
import * as Y from 'yjs';
import { prepareDocument, REMOVED_FROM_ORG_MESSAGE, wasRemovedFrom } from '../records/org-document.ts';
import { OrgPersistence } from '../records/org-persistence.ts';
import { ContactsStore } from '../contacts/contacts-store.ts';
import { EventsStore } from '../calendar/events-store.ts';
import { RemindersStore } from '../calendar/reminders.ts';
import { ResourcesStore } from '../calendar/resources-store.ts';
import { RecordsSnapshotSaver, isSnapshotOf, readRecordsSnapshot } from '../records/records-snapshot.ts';
import { isRecordWrite, makeRecordWrite, makeRecordWriteInSnapshot, type RecordWrite } from '../records/record-writes.ts';
import { indexedDbReminderStorage, memoryReminderStorage, type ReminderStateStorage } from '../calendar/reminder-state-storage.ts';
import { indexedDbLastSeenStorage, type LastSeenStorage } from './last-seen.ts';

/** The IndexedDB database holding an org's document (and this device's reminder state for it). */
export const orgDatabaseName = (orgId: string) => `p2p-clinic-org-${orgId}`;

export interface OrgStores {
  doc: Y.Doc;
  contacts: ContactsStore;
  events: EventsStore;
  /** Practitioners, rooms and equipment that events book. */
  resources: ResourcesStore;
  reminders: RemindersStore;
  /**
   * True when the document comes from a newer version of p2p-clinic, or this device was removed from the org (from
   * the moment its member list says so): reads work, writes throw.
   */
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
  /**
   * The document, once it has loaded in idle slices after the indexes, for what can wait for it (a sync); `doc`
   * loads it on the spot instead. Never resolves if the session is closed first.
   */
  loadedDoc(): Promise<Y.Doc>;
  /** Where the org's member list keeps when this device last saw the others (last-seen.ts): the org's own database. */
  lastSeenStorage: LastSeenStorage;
  /** Flushes and closes the document's database and stops the stores. */
  close(): Promise<void>;
}

/** Stores over a document that is already loaded; migrates it first if it is older than this code. */
export async function attachStores(doc: Y.Doc, reminderStorage: ReminderStateStorage = memoryReminderStorage()): Promise<OrgStores> {
  const schema = prepareDocument(doc);
  const contacts = new ContactsStore(doc);
  const events = new EventsStore(doc);
  const resources = new ResourcesStore(doc);
  const reminders = await RemindersStore.open(events, reminderStorage);
  return { doc, contacts, events, resources, reminders, ...schema };
}

/**
 * Opens an org of this device's registry from IndexedDB. When the org's records snapshot is up to date, the
 * stores serve reads from it and the document loads in idle slices after; writes made meanwhile are shown from
 * the snapshot and made in the document once it has loaded (record-writes.ts); `doc` loads it on the spot.
 * Otherwise the document loads, in idle slices, before this resolves.
 */
export async function openOrg(orgId: string): Promise<OrgSession> {
  const persistence = await OrgPersistence.read(orgDatabaseName(orgId));
  const reminderStorage = indexedDbReminderStorage(persistence);
  const snapshot = await readRecordsSnapshot(persistence.takeSnapshot());
  // Made before the document loaded on a page closed before it had: they come after everything stored.
  const writes = persistence.pendingWrites.filter(isRecordWrite);
  const doc = new Y.Doc();
  const makeWrites = () => writes.forEach((write) => makeRecordWrite(doc, write));
  const snapshotSaver = new RecordsSnapshotSaver(persistence, doc);
  let stores: OrgStores;
  let loadDocumentWhenIdle: (() => Promise<void>) | undefined;
  let closed = false;
  if (snapshot) {
    for (const write of writes) makeRecordWriteInSnapshot(snapshot[write.kind], write);
    let followed = false;
    const followDocument = () => {
      // Closed before it loaded: the document is wanted as it was stored, with nothing following it.
      if (followed || closed) return;
      followed = true;
      prepareDocument(doc);
      const sameAsSnapshot = isSnapshotOf(snapshot, doc);
      const wrote = writes.length > 0;
      if (wrote) persistence.settlePendingWrites(makeWrites);
      contacts.followDocument(sameAsSnapshot);
      events.followDocument(sameAsSnapshot);
      resources.followDocument(sameAsSnapshot);
      snapshotSaver.follow(sameAsSnapshot && !wrote);
    };
    const loadDocument = () => {
      persistence.load(doc);
      followDocument();
    };
    const keepWrite = (write: RecordWrite) => {
      writes.push(write);
      // Failing to store it loses it only if the page closes before the document has loaded, as any write
      // whose update fails to be stored.
      void persistence.storePendingWrite(write).catch(() => undefined);
    };
    const contacts = new ContactsStore(doc, { records: snapshot.contacts, loadDocument, keepWrite });
    const events = new EventsStore(doc, { records: snapshot.events, loadDocument, keepWrite });
    const resources = new ResourcesStore(doc, { records: snapshot.resources, loadDocument, keepWrite });
    const reminders = await RemindersStore.open(events, reminderStorage);
    // Only snapshots of the current schema are used, so the document is writable.
    stores = {
      get doc() {
        loadDocument();
        return doc;
      },
      contacts,
      events,
      resources,
      reminders,
      readOnly: false,
    };
    loadDocumentWhenIdle = () => persistence.loadInSlices(doc).then(followDocument);
  } else {
    // Nothing to show before it has loaded; in slices all the same, so that the page stays responsive meanwhile.
    await persistence.loadInSlices(doc);
    stores = await attachStores(doc, reminderStorage);
    if (writes.length > 0 && !stores.readOnly) persistence.settlePendingWrites(makeWrites);
    snapshotSaver.follow(false);
  }
  // The calendar is what most people look at first.
  const indexesReady = stores.events.indexWhenIdle().then(() => stores.contacts.indexWhenIdle());
  // Loading a busy org's document takes seconds of slices (docs/benchmarks.md): it waits for the indexes the first
  // views need, so that it does not hold up painting them.
  const documentLoaded = loadDocumentWhenIdle ? indexesReady.then(loadDocumentWhenIdle) : Promise.resolve();
  return {
    get doc() {
      return stores.doc;
    },
    contacts: stores.contacts,
    events: stores.events,
    resources: stores.resources,
    reminders: stores.reminders,
    get readOnly() {
      return stores.readOnly || wasRemovedFrom(doc);
    },
    get readOnlyReason() {
      return wasRemovedFrom(doc) ? REMOVED_FROM_ORG_MESSAGE : stores.readOnlyReason;
    },
    orgId,
    indexesReady,
    lastSeenStorage: indexedDbLastSeenStorage(persistence),
    async loadedDoc() {
      await documentLoaded;
      return doc;
    },
    async close() {
      closed = true;
      stores.reminders.destroy();
      stores.contacts.destroy();
      stores.events.destroy();
      stores.resources.destroy();
      await snapshotSaver.close();
      await persistence.close();
      doc.destroy();
    },
  };
}
