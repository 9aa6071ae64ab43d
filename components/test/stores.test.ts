import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import fc from 'fast-check';
import { RecordNotFoundError } from '../src/core/records/record-not-found-error.ts';
import { contactFields, eventFields, memoryStores, syncDocs, weekly } from './core-fixtures.ts';

describe('contacts store', () => {
  it('creates a contact and reads it back with an id and timestamps', async () => {
    const { contacts } = await memoryStores();
    const created = contacts.create(contactFields({ emails: [{ label: 'work', value: 'ada@example.org' }], tags: ['patient'] }));
    expect(contacts.get(created.id)).toMatchObject({ givenName: 'Ada', emails: [{ label: 'work', value: 'ada@example.org' }], tags: ['patient'] });
    expect(created.createdAt).toBeGreaterThan(0);
  });

  it('derives the display name from the names when none is given', async () => {
    const { contacts } = await memoryStores();
    expect(contacts.create(contactFields()).displayName).toBe('Ada Lovelace');
  });

  it('updates only the patched fields', async () => {
    const { contacts } = await memoryStores();
    const { id } = contacts.create(contactFields({ notes: 'allergic to penicillin' }));
    contacts.update(id, { familyName: 'King' });
    expect(contacts.get(id)).toMatchObject({ familyName: 'King', notes: 'allergic to penicillin', displayName: 'Ada King' });
  });

  it('removes a contact', async () => {
    const { contacts } = await memoryStores();
    const { id } = contacts.create(contactFields());
    expect(contacts.remove(id)).toBe(true);
    expect(contacts.get(id)).toBeUndefined();
    expect(contacts.list()).toEqual([]);
  });

  it('refuses to update a contact that does not exist', async () => {
    const { contacts } = await memoryStores();
    expect(() => contacts.update('missing', { notes: 'x' })).toThrow(RecordNotFoundError);
  });

  it('lists contacts by display name', async () => {
    const { contacts } = await memoryStores();
    contacts.create(contactFields({ givenName: 'Zoë', familyName: 'Adams' }));
    contacts.create(contactFields({ givenName: 'Émile', familyName: 'Brun' }));
    expect(contacts.list().map((contact) => contact.givenName)).toEqual(['Émile', 'Zoë']);
  });

  it('keeps the list in order through edits, creations and removals, one or many at a time', async () => {
    const names = fc.constantFrom('Ada', 'ada', 'Émile', 'Zoë', 'Ünal', 'Jürgen', 'Anna', 'Åsa', '', 'Ødegaard');
    const step = fc.oneof(
      fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), givenName: names, familyName: names }),
      fc.record({ kind: fc.constant('create' as const), count: fc.integer({ min: 1, max: 80 }), givenName: names }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const doc = new Y.Doc();
        const { contacts } = await memoryStores(doc);
        for (let index = 0; index < 30; index++) contacts.create(contactFields({ givenName: `Person ${index % 7}` }));
        for (const change of steps) {
          const ids = contacts.list().map((contact) => contact.id);
          if (change.kind === 'rename' && ids.length > 0) contacts.update(ids[change.at % ids.length]!, { givenName: change.givenName, familyName: change.familyName || 'X' });
          if (change.kind === 'create') doc.transact(() => Array.from({ length: change.count }, () => contacts.create(contactFields({ givenName: change.givenName || 'Y' }))));
          if (change.kind === 'remove' && ids.length > 0) contacts.remove(ids[change.at % ids.length]!);
          const collator = new Intl.Collator(undefined, { sensitivity: 'base' });
          const sortedAfresh = [...contacts.ids()].map((id) => contacts.get(id)!).sort((a, b) => collator.compare(a.displayName, b.displayName) || (a.id < b.id ? -1 : 1));
          expect(contacts.list().map((contact) => contact.id)).toEqual(sortedAfresh.map((contact) => contact.id));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('returns records that cannot be mutated behind the store’s back', async () => {
    const { contacts } = await memoryStores();
    const created = contacts.create(contactFields({ tags: ['a'] }));
    expect(() => (created.tags as string[]).push('b')).toThrow();
  });
});

describe('events store', () => {
  it('creates an event with its recurrence and reads it back', async () => {
    const { events } = await memoryStores();
    const created = events.create(eventFields({ recurrence: weekly('FREQ=WEEKLY;COUNT=3', { exdates: ['2024-05-13T09:00:00'] }), reminders: [10] }));
    expect(events.get(created.id)).toMatchObject({ title: 'Check-up', reminders: [10], recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3', exdates: ['2024-05-13T09:00:00'] } });
  });

  it('removes the recurrence when a patch sets it to undefined', async () => {
    const { events } = await memoryStores();
    const { id } = events.create(eventFields({ recurrence: weekly('FREQ=DAILY') }));
    events.update(id, { recurrence: undefined });
    expect(events.get(id)!.recurrence).toBeUndefined();
  });

  it('writes one update per create, so a create is one transaction', async () => {
    const { doc, events } = await memoryStores();
    let updates = 0;
    doc.on('update', () => updates++);
    events.create(eventFields());
    expect(updates).toBe(1);
  });

  it('finds the events a contact attends as they are added, changed and removed, here and on another device', async () => {
    const remote = await memoryStores();
    const local = await memoryStores();
    const attended = (contactId: string) => local.events.attendedBy(contactId).map((event) => event.title).sort();
    remote.events.create(eventFields({ title: 'Anna and Ben', attendees: ['anna', 'ben'] }));
    const moved = remote.events.create(eventFields({ title: 'Anna, then Ben', attendees: ['anna'] }));
    syncDocs(remote.doc, local.doc);
    const built = local.events.indexWhenIdle();
    local.events.create(eventFields({ title: 'Ben alone', attendees: ['ben'] }));
    await built;
    expect(attended('anna')).toEqual(['Anna and Ben', 'Anna, then Ben']);

    remote.events.update(moved.id, { attendees: ['ben'] });
    const gone = local.events.list().find((event) => event.title === 'Anna and Ben')!;
    syncDocs(remote.doc, local.doc);
    local.events.remove(gone.id);
    expect(attended('anna')).toEqual([]);
    expect(attended('ben')).toEqual(['Anna, then Ben', 'Ben alone']);
    expect(attended('nobody')).toEqual([]);
  });
});

describe('observing stores', () => {
  it('tells subscribers about local changes', async () => {
    const { contacts } = await memoryStores();
    const changes: { ids: readonly string[]; local: boolean }[] = [];
    contacts.subscribe((change) => changes.push(change));
    const { id } = contacts.create(contactFields());
    expect(changes).toEqual([{ ids: [id], local: true }]);
  });

  it('tells subscribers about changes that arrive from another device', async () => {
    const here = await memoryStores();
    const there = await memoryStores();
    const changes: { ids: readonly string[]; local: boolean }[] = [];
    here.events.subscribe((change) => changes.push(change));
    const { id } = there.events.create(eventFields());
    syncDocs(there.doc, here.doc);
    expect(changes.at(-1)).toEqual({ ids: [id], local: false });
    expect(here.events.get(id)?.title).toBe('Check-up');
  });

  it('stops telling a subscriber who unsubscribed', async () => {
    const { contacts } = await memoryStores();
    let calls = 0;
    const unsubscribe = contacts.subscribe(() => calls++);
    unsubscribe();
    contacts.create(contactFields());
    expect(calls).toBe(0);
  });
});

describe('concurrent edits of one record', () => {
  it('keeps both edits when two devices change different fields', async () => {
    const first = await memoryStores();
    const second = await memoryStores(new Y.Doc());
    const { id } = first.contacts.create(contactFields());
    syncDocs(first.doc, second.doc);
    first.contacts.update(id, { notes: 'prefers mornings' });
    second.contacts.update(id, { phones: [{ label: 'mobile', value: '+49 170 555' }] });
    syncDocs(first.doc, second.doc);
    syncDocs(second.doc, first.doc);
    for (const side of [first, second]) {
      expect(side.contacts.get(id)).toMatchObject({ notes: 'prefers mornings', phones: [{ label: 'mobile', value: '+49 170 555' }] });
    }
  });

  it('keeps both an added exception and an edited title of one event', async () => {
    const first = await memoryStores();
    const second = await memoryStores();
    const { id } = first.events.create(eventFields({ recurrence: weekly('FREQ=WEEKLY') }));
    syncDocs(first.doc, second.doc);
    first.events.update(id, { title: 'Physio' });
    second.events.update(id, { recurrence: weekly('FREQ=WEEKLY', { exdates: ['2024-05-13T09:00:00'] }) });
    syncDocs(first.doc, second.doc);
    syncDocs(second.doc, first.doc);
    expect(first.events.get(id)).toMatchObject({ title: 'Physio', recurrence: { exdates: ['2024-05-13T09:00:00'] } });
  });
});
