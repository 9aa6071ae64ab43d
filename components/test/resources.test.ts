/** Resources (practitioners, rooms, equipment), the event fields that book them, and schema version 2. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import * as Y from 'yjs';
import { openOrg } from '../src/core/org/org-session.ts';
import { CURRENT_SCHEMA_VERSION, metaMap, recordsMap } from '../src/core/records/org-document.ts';
import { eventFields, memoryStores, resourceFields, syncDocs, weekly, refusal } from './core-fixtures.ts';
import type { EventFields, ResourceFields } from '../src/core/records/records.ts';

afterEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('the resources store', () => {
  it('creates a resource and reads it back with an id and timestamps', async () => {
    const { resources } = await memoryStores();
    const room = resources.create(resourceFields({ name: 'Room 2', kind: 'room', color: '#AABBCC' }));
    expect(resources.get(room.id)).toMatchObject({ name: 'Room 2', kind: 'room', color: '#aabbcc' });
    expect(room.createdAt).toBeGreaterThan(0);
  });

  it('lists practitioners, then rooms, then equipment, each by name', async () => {
    const { resources } = await memoryStores();
    resources.create(resourceFields({ name: 'Ultrasound', kind: 'equipment' }));
    resources.create(resourceFields({ name: 'Room 10', kind: 'room' }));
    resources.create(resourceFields({ name: 'Dr Weiß', kind: 'practitioner' }));
    resources.create(resourceFields({ name: 'Room 9', kind: 'room' }));
    resources.create(resourceFields({ name: 'Dr Adeyemi', kind: 'practitioner' }));
    expect(resources.list().map((resource) => resource.name)).toEqual(['Dr Adeyemi', 'Dr Weiß', 'Room 9', 'Room 10', 'Ultrasound']);
  });

  it('brings a resource created on another device', async () => {
    const first = await memoryStores();
    const second = await memoryStores();
    const room = first.resources.create(resourceFields({ name: 'Physio', kind: 'room' }));
    syncDocs(first.doc, second.doc);
    expect(second.resources.get(room.id)?.name).toBe('Physio');
  });

  it('keeps resources in the records snapshot, and serves them from it', async () => {
    const session = await openOrg('org-with-resources');
    const room = session.resources.create(resourceFields({ name: 'Room 1', kind: 'room' }));
    await session.close();
    const reopened = await openOrg('org-with-resources');
    expect(reopened.resources.get(room.id)?.name).toBe('Room 1');
    await reopened.close();
  });

  const badResources: [string, Record<string, unknown>, string][] = [
    ['an empty name', { name: '  ' }, 'name'],
    ['an unknown kind', { kind: 'nurse' }, 'kind'],
    ['a colour name', { color: 'red' }, 'color'],
    ['a short colour', { color: '#abc' }, 'color'],
  ];

  it.each(badResources)('refuses %s, naming the field', async (_case, patch, field) => {
    const { resources } = await memoryStores();
    expect(refusal(() => resources.create({ ...resourceFields(), ...patch } as ResourceFields)).field).toBe(field);
  });
});

describe('events booking resources', () => {
  it('stores resources, status and category and shows them on occurrences', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ resources: ['dr', 'room'], status: 'arrived', category: 'physio' }));
    const [occurrence] = events.occurrences(Date.parse('2024-05-06T00:00:00Z'), Date.parse('2024-05-07T00:00:00Z'));
    expect(occurrence).toMatchObject({ resources: ['dr', 'room'], status: 'arrived', event: { category: 'physio' } });
  });

  it('lets an occurrence book other resources and have its own status', async () => {
    const { events } = await memoryStores();
    const series = events.create(eventFields({ resources: ['dr'], recurrence: weekly('FREQ=WEEKLY;COUNT=2') }));
    events.editOccurrence(series.id, '2024-05-13T09:00:00', { resources: ['locum'], status: 'no-show' }, 'this');
    const occurrences = events.occurrences(Date.parse('2024-05-01T00:00:00Z'), Date.parse('2024-05-20T00:00:00Z'));
    expect(occurrences.map(({ resources, status }) => ({ resources, status }))).toEqual([
      { resources: ['dr'], status: 'booked' },
      { resources: ['locum'], status: 'no-show' },
    ]);
  });

  it('leaves the default status out of the document', async () => {
    const { doc, events } = await memoryStores();
    const event = events.create(eventFields({ status: 'booked' }));
    expect(recordsMap(doc, 'events').get(event.id)!.has('status')).toBe(false);
    expect(events.get(event.id)!.status).toBe('booked');
  });

  it('reads a status it does not know, written by a newer peer, as booked', async () => {
    const { doc, events } = await memoryStores();
    const event = events.create(eventFields());
    recordsMap(doc, 'events').get(event.id)!.set('status', 'teleported');
    expect(events.get(event.id)!.status).toBe('booked');
  });

  const badEvents: [string, Record<string, unknown>, string][] = [
    ['an unknown status', { status: 'late' }, 'status'],
    ['a resource booked twice', { resources: ['dr', 'dr'] }, 'resources.1'],
    ['an empty resource id', { resources: [''] }, 'resources.0'],
    ['too many resources', { resources: Array.from({ length: 21 }, (_, index) => `r${index}`) }, 'resources'],
    ['a category longer than a few words', { category: 'x'.repeat(101) }, 'category'],
    ['an override with an unknown status', { recurrence: weekly('FREQ=DAILY', { overrides: [{ recurrenceId: '2024-05-07T09:00:00', status: 'gone' as 'booked' }] }) }, 'recurrence.overrides.0.status'],
  ];

  it.each(badEvents)('refuses %s, naming the field', async (_case, patch, field) => {
    const { events } = await memoryStores();
    expect(refusal(() => events.create({ ...eventFields(), ...patch } as EventFields)).field).toBe(field);
  });
});

describe('schema version 2', () => {
  /** A document as version 1 wrote it: no resources map, events without the new fields. */
  function versionOneDocument(): Y.Doc {
    const doc = new Y.Doc();
    metaMap(doc).set('schemaVersion', 1);
    const event = new Y.Map<unknown>();
    recordsMap(doc, 'events').set('e1', event);
    for (const [key, value] of Object.entries({ title: 'Old', start: '2024-05-06T09:00:00', end: '2024-05-06T09:30:00', timeZone: 'Europe/Berlin', createdAt: 1, updatedAt: 1 })) {
      event.set(key, value);
    }
    return doc;
  }

  it('is the version new documents get', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(2);
  });

  it('opens a version 1 document as version 2, its events booked and booking nothing', async () => {
    const { doc, events, resources, readOnly } = await memoryStores(versionOneDocument());
    expect(readOnly).toBe(false);
    expect(metaMap(doc).get('schemaVersion')).toBe(2);
    expect(events.get('e1')).toMatchObject({ title: 'Old', status: 'booked', resources: [], category: '' });
    expect(resources.list()).toEqual([]);
  });
});
