import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CURRENT_SCHEMA_VERSION, ReadOnlyDocumentError, metaMap } from '../src/core/records/org-document.ts';
import { contactFields, eventFields, memoryStores, syncDocs } from './core-fixtures.ts';

/** A document as written before versioning: records as plain JSON objects. */
function unversionedDocument(): Y.Doc {
  const doc = new Y.Doc();
  doc.getMap('contacts').set('c1', { id: 'c1', ...contactFields({ notes: 'old' }), createdAt: 1, updatedAt: 1 });
  doc.getMap('events').set('e1', { id: 'e1', ...eventFields({ recurrence: { rrule: 'FREQ=DAILY;COUNT=2', exdates: [], rdates: [], overrides: [] } }), createdAt: 1, updatedAt: 1 });
  return doc;
}

function documentOfVersion(version: number): Y.Doc {
  const doc = new Y.Doc();
  metaMap(doc).set('schemaVersion', version);
  return doc;
}

describe('opening an older document', () => {
  it('stamps a new document with the current version', async () => {
    const { doc } = await memoryStores();
    expect(metaMap(doc).get('schemaVersion')).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('migrates plain records of an unversioned document into nested maps', async () => {
    const { doc, contacts, events } = await memoryStores(unversionedDocument());
    expect(doc.getMap('contacts').get('c1')).toBeInstanceOf(Y.Map);
    expect(contacts.get('c1')).toMatchObject({ givenName: 'Ada', notes: 'old' });
    expect(events.get('e1')!.recurrence!.rrule).toBe('FREQ=DAILY;COUNT=2');
  });

  it('lets two devices keep both field edits of a migrated record', async () => {
    const first = await memoryStores(unversionedDocument());
    const second = await memoryStores();
    syncDocs(first.doc, second.doc);
    first.contacts.update('c1', { notes: 'new' });
    second.contacts.update('c1', { organisation: 'Analytical Engines' });
    syncDocs(first.doc, second.doc);
    syncDocs(second.doc, first.doc);
    expect(first.contacts.get('c1')).toMatchObject({ notes: 'new', organisation: 'Analytical Engines' });
  });
});

describe('opening a newer document', () => {
  it('opens it read-only with a message saying why', async () => {
    const stores = await memoryStores(documentOfVersion(CURRENT_SCHEMA_VERSION + 1));
    expect(stores.readOnly).toBe(true);
    expect(stores.readOnlyReason).toMatch(/newer version/);
  });

  it('refuses writes with a typed error', async () => {
    const { contacts } = await memoryStores(documentOfVersion(CURRENT_SCHEMA_VERSION + 1));
    expect(() => contacts.create(contactFields())).toThrow(ReadOnlyDocumentError);
  });

  it('does not downgrade its version', async () => {
    const { doc } = await memoryStores(documentOfVersion(CURRENT_SCHEMA_VERSION + 1));
    expect(metaMap(doc).get('schemaVersion')).toBe(CURRENT_SCHEMA_VERSION + 1);
  });

  it('refuses writes once a newer version arrives by sync', async () => {
    const { doc, events } = await memoryStores();
    const newerDevice = new Y.Doc();
    syncDocs(doc, newerDevice);
    metaMap(newerDevice).set('schemaVersion', CURRENT_SCHEMA_VERSION + 1);
    syncDocs(newerDevice, doc);
    expect(() => events.create(eventFields())).toThrow(ReadOnlyDocumentError);
  });
});
