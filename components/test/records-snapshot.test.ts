import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import * as Y from 'yjs';
import { openOrg, orgDatabaseName } from '../src/core/org/org-session.ts';
import { OrgPersistence } from '../src/core/records/org-persistence.ts';
import { RecordsSnapshotSaver, SAVE_SNAPSHOT_AFTER_CHANGE_MS, SNAPSHOT_CHUNK_RECORDS, recordsSnapshotSteps, takeRecordsSnapshot, readRecordsSnapshot } from '../src/core/records/records-snapshot.ts';
import { prepareDocument, recordsMap } from '../src/core/records/org-document.ts';
import { ValidationError } from '../src/core/records/validation-error.ts';
import type { StoreChange } from '../src/core/records/change-listeners.ts';
import { contactFields, eventFields } from './core-fixtures.ts';

/** A fresh device: nothing in IndexedDB. */
afterEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

const ORG = 'org-with-snapshot';

/** An org holding one contact and one event, closed, so that its snapshot is saved. */
async function savedOrg() {
  const session = await openOrg(ORG);
  const contact = session.contacts.create(contactFields({ notes: 'as stored' }));
  const event = session.events.create(eventFields({ attendees: [contact.id] }));
  await session.close();
  return { contactId: contact.id, eventId: event.id };
}

interface StoredSnapshot {
  head: { document: Uint8Array };
  chunks: string[];
}

/** Rewrites the stored snapshot as if it had been taken of other records; it stays fresh. */
async function alterSnapshot(change: (snapshot: StoredSnapshot) => void): Promise<void> {
  const persistence = await OrgPersistence.read(orgDatabaseName(ORG));
  const snapshot = persistence.takeSnapshot() as StoredSnapshot | undefined;
  if (!snapshot) throw new Error('no fresh snapshot stored');
  change(snapshot);
  await persistence.saveSnapshot(snapshot);
  await persistence.close();
}

/** Gives the snapshot's copy of the contact other notes, so that reads show where they come from. */
function contactNotesInSnapshot(contactId: string, notes: string) {
  return (snapshot: StoredSnapshot) => {
    snapshot.chunks = snapshot.chunks.map((chunk) => {
      const [kind, records] = JSON.parse(chunk) as [string, [string, Record<string, unknown>][]];
      for (const [id, entries] of records) if (kind === 'contacts' && id === contactId) entries.notes = notes;
      return JSON.stringify([kind, records]);
    });
  };
}

/** Stores one more update, as another tab or an older version of the app would. */
async function storeUpdateBehindTheSnapshot(contactId: string, notes: string): Promise<void> {
  const doc = new Y.Doc();
  const persistence = await OrgPersistence.open(orgDatabaseName(ORG), doc);
  recordsMap(doc, 'contacts').get(contactId)!.set('notes', notes);
  await persistence.close();
}

describe('opening an org onto its records snapshot', () => {
  it('serves reads from a fresh snapshot before the document has loaded', async () => {
    const { contactId, eventId } = await savedOrg();
    await alterSnapshot(contactNotesInSnapshot(contactId, 'from the snapshot'));

    const session = await openOrg(ORG);
    expect(session.contacts.get(contactId)?.notes).toBe('from the snapshot');
    expect(session.contacts.search('ada').map((contact) => contact.id)).toEqual([contactId]);
    expect(session.events.list().map((event) => event.id)).toEqual([eventId]);
    expect(session.events.occurrences(Date.parse('2024-05-06T00:00:00Z'), Date.parse('2024-05-07T00:00:00Z'))).toHaveLength(1);
    await session.close();
  });

  it('ignores a snapshot that updates stored since have made stale', async () => {
    const { contactId } = await savedOrg();
    await alterSnapshot(contactNotesInSnapshot(contactId, 'from the snapshot'));
    await storeUpdateBehindTheSnapshot(contactId, 'stored later');

    const session = await openOrg(ORG);
    expect(session.contacts.get(contactId)?.notes).toBe('stored later');
    await session.close();
  });

  it('keeps the records unchanged when the document turns out to be the one the snapshot was taken of', async () => {
    const { contactId } = await savedOrg();
    const session = await openOrg(ORG);
    const before = session.contacts.get(contactId);
    const changes: StoreChange[] = [];
    session.contacts.subscribe((change) => changes.push(change));
    void session.doc;
    expect(session.contacts.get(contactId)).toBe(before);
    expect(changes).toEqual([]);
    await session.close();
  });

  it('switches to the document once it has loaded and tells listeners of records that differ', async () => {
    const { contactId } = await savedOrg();
    await alterSnapshot((snapshot) => {
      contactNotesInSnapshot(contactId, 'from the snapshot')(snapshot);
      snapshot.head.document = Y.encodeSnapshot(Y.emptySnapshot);
    });

    const session = await openOrg(ORG);
    const changes: StoreChange[] = [];
    session.contacts.subscribe((change) => changes.push(change));
    expect(session.contacts.get(contactId)?.notes).toBe('from the snapshot');
    void session.doc;
    expect(changes).toEqual([{ ids: [contactId], local: false }]);
    expect(session.contacts.get(contactId)?.notes).toBe('as stored');
    expect(session.contacts.search('ada')[0]?.notes).toBe('as stored');
    await session.close();
  });

  it('loads the document in idle time after opening', async () => {
    const { contactId } = await savedOrg();
    await alterSnapshot((snapshot) => {
      contactNotesInSnapshot(contactId, 'from the snapshot')(snapshot);
      snapshot.head.document = Y.encodeSnapshot(Y.emptySnapshot);
    });

    const session = await openOrg(ORG);
    const switched = new Promise<StoreChange>((resolve) => session.contacts.subscribe(resolve));
    expect(await switched).toEqual({ ids: [contactId], local: false });
    await session.close();
  });

  it('keeps writes made before the document has loaded, in order', async () => {
    const { contactId, eventId } = await savedOrg();
    const session = await openOrg(ORG);
    const created = session.contacts.create(contactFields({ givenName: 'Grace', familyName: 'Hopper' }));
    session.contacts.update(created.id, { notes: 'first' });
    session.contacts.update(created.id, { notes: 'second' });
    session.contacts.update(contactId, { organisation: 'Analytical Engines' });
    session.events.remove(eventId);
    await session.close();

    const reopened = await openOrg(ORG);
    expect(reopened.contacts.get(created.id)?.notes).toBe('second');
    expect(reopened.contacts.get(contactId)).toMatchObject({ notes: 'as stored', organisation: 'Analytical Engines' });
    expect(reopened.events.get(eventId)).toBeUndefined();
    await reopened.close();
  });

  it('validates a write made before the document has loaded', async () => {
    const { contactId } = await savedOrg();
    const session = await openOrg(ORG);
    expect(() => session.contacts.update(contactId, { emails: [{ label: 'home', value: 'not an address' }] })).toThrow(ValidationError);
    await session.close();
  });

  it('tells listeners of a write made before the document has loaded', async () => {
    await savedOrg();
    const session = await openOrg(ORG);
    const changes: StoreChange[] = [];
    session.contacts.subscribe((change) => changes.push(change));
    const created = session.contacts.create(contactFields({ givenName: 'Grace' }));
    expect(changes).toEqual([{ ids: [created.id], local: true }]);
    await session.close();
  });

  it('shows a write made while the document is still loading without loading it, and makes it in the document once loaded', async () => {
    const { contactId } = await savedOrg();
    const session = await openOrg(ORG);
    const load = vi.spyOn(OrgPersistence.prototype, 'load');
    expect(session.contacts.update(contactId, { notes: 'edited while loading' }).notes).toBe('edited while loading');
    expect(session.contacts.search('ada')[0]?.notes).toBe('edited while loading');
    expect(load).not.toHaveBeenCalled();
    load.mockRestore();

    const doc = await session.loadedDoc();
    expect(recordsMap(doc, 'contacts').get(contactId)?.get('notes')).toBe('edited while loading');
    expect(session.contacts.get(contactId)?.notes).toBe('edited while loading');
    await session.close();
  });

  it('keeps a write made while the document is still loading when the page closes before it has loaded, and makes it once', async () => {
    const { contactId, eventId } = await savedOrg();
    const session = await openOrg(ORG);
    session.contacts.update(contactId, { notes: 'edited while loading' });
    session.events.remove(eventId);
    await session.close();

    const reopened = await openOrg(ORG);
    expect(reopened.contacts.get(contactId)?.notes).toBe('edited while loading');
    expect(reopened.events.get(eventId)).toBeUndefined();
    const doc = await reopened.loadedDoc();
    expect(recordsMap(doc, 'contacts').get(contactId)?.get('notes')).toBe('edited while loading');
    expect(recordsMap(doc, 'events').has(eventId)).toBe(false);
    await reopened.close();

    const stored = await OrgPersistence.read(orgDatabaseName(ORG));
    expect(stored.pendingWrites).toEqual([]);
    await stored.close();
  });

  it('makes a kept write after the updates stored since it was made, when they have made the snapshot stale', async () => {
    const { contactId } = await savedOrg();
    const session = await openOrg(ORG);
    session.contacts.update(contactId, { notes: 'edited while loading' });
    await session.close();
    await storeUpdateBehindTheSnapshot(contactId, 'ignored: the later write sets notes');
    const persistence = await OrgPersistence.read(orgDatabaseName(ORG));
    expect(persistence.takeSnapshot()).toBeUndefined();
    await persistence.close();

    const reopened = await openOrg(ORG);
    expect(reopened.contacts.get(contactId)?.notes).toBe('edited while loading');
    await reopened.close();
  });
});

describe('saving the records snapshot', () => {
  /** A document of `count` contacts, stored. */
  async function storedDocument(count: number) {
    const doc = new Y.Doc();
    const persistence = await OrgPersistence.open(orgDatabaseName(ORG), doc);
    prepareDocument(doc);
    doc.transact(() => {
      for (let index = 0; index < count; index++) {
        const record = new Y.Map<unknown>();
        recordsMap(doc, 'contacts').set(`c${index}`, record);
        record.set('givenName', `Ada ${index}`);
      }
    });
    return { doc, persistence };
  }

  it(`stores the records in strings of ${SNAPSHOT_CHUNK_RECORDS} records each and reads them all back`, async () => {
    const { doc, persistence } = await storedDocument(SNAPSHOT_CHUNK_RECORDS * 2 + 1);
    const stored = takeRecordsSnapshot(doc);
    expect(stored.chunks).toHaveLength(3);
    const snapshot = await readRecordsSnapshot(stored);
    expect(snapshot?.contacts.size).toBe(SNAPSHOT_CHUNK_RECORDS * 2 + 1);
    expect(snapshot?.contacts.get('c2000')).toEqual({ givenName: 'Ada 2000' });
    await persistence.close();
  });

  it('takes in steps the snapshot it takes at once', async () => {
    const { doc, persistence } = await storedDocument(250);
    const steps = recordsSnapshotSteps(doc);
    let step = steps.next();
    let count = 1;
    for (; !step.done; count++) step = steps.next();
    expect(count).toBeGreaterThan(3);
    expect(step.value).toEqual(takeRecordsSnapshot(doc));
    await persistence.close();
  });

  it(`saves it ${SAVE_SNAPSHOT_AFTER_CHANGE_MS} ms after a change, in idle slices, and not again while nothing changes`, async () => {
    const { doc, persistence } = await storedDocument(250);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const saver = new RecordsSnapshotSaver(persistence, doc);
      saver.follow(true);
      const saves = vi.spyOn(persistence, 'saveSnapshot');
      recordsMap(doc, 'contacts').get('c1')!.set('notes', 'changed');
      await vi.advanceTimersByTimeAsync(SAVE_SNAPSHOT_AFTER_CHANGE_MS - 1);
      expect(saves).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(saves).toHaveBeenCalledOnce();
      await vi.advanceTimersByTimeAsync(SAVE_SNAPSHOT_AFTER_CHANGE_MS * 3);
      expect(saves).toHaveBeenCalledOnce();
      await saver.close();
    } finally {
      vi.useRealTimers();
    }
    await persistence.close();
    const again = await OrgPersistence.read(orgDatabaseName(ORG));
    const snapshot = await readRecordsSnapshot(again.takeSnapshot());
    expect(snapshot?.contacts.get('c1')).toMatchObject({ notes: 'changed' });
    await again.close();
  });

  it('saves on close a snapshot whose taking in idle slices had not finished', async () => {
    const { doc, persistence } = await storedDocument(250);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const saver = new RecordsSnapshotSaver(persistence, doc);
      saver.follow(true);
      recordsMap(doc, 'contacts').get('c1')!.set('notes', 'changed');
      // The delay has passed; the first idle slice has not run.
      await vi.advanceTimersByTimeAsync(SAVE_SNAPSHOT_AFTER_CHANGE_MS);
      await saver.close();
    } finally {
      vi.useRealTimers();
    }
    await persistence.close();
    const again = await OrgPersistence.read(orgDatabaseName(ORG));
    expect((await readRecordsSnapshot(again.takeSnapshot()))?.contacts.get('c1')).toMatchObject({ notes: 'changed' });
    await again.close();
  });
});
