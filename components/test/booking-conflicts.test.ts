/** Double bookings: warned of before saving (`conflicts`), and marked after a sync brings one in (`conflictingIn`). */
import { describe, expect, it } from 'vitest';
import { eventFields, memoryStores, syncDocs, utc, weekly } from './core-fixtures.ts';

const MAY_6 = [utc('2024-05-06T00:00:00Z'), utc('2024-05-07T00:00:00Z')] as const;

/** Dr Okafor in room 1 from 09:00 to 09:30 Berlin time on 6 May 2024. */
const booking = (overrides: Parameters<typeof eventFields>[0] = {}) => eventFields({ resources: ['okafor', 'room-1'], ...overrides });

describe('checking a booking before saving it', () => {
  it('finds an appointment of the same practitioner at an overlapping time', async () => {
    const { events } = await memoryStores();
    const existing = events.create(booking());
    const found = events.conflicts(booking({ start: '2024-05-06T09:15:00', end: '2024-05-06T09:45:00', resources: ['okafor'] }));
    expect(found.map((occurrence) => occurrence.eventId)).toEqual([existing.id]);
  });

  it('finds none for another resource, or back to back', async () => {
    const { events } = await memoryStores();
    events.create(booking());
    expect(events.conflicts(booking({ resources: ['adeyemi', 'room-2'] }))).toEqual([]);
    expect(events.conflicts(booking({ start: '2024-05-06T09:30:00', end: '2024-05-06T10:00:00' }))).toEqual([]);
  });

  it('finds none with a cancelled appointment, or for one', async () => {
    const { events } = await memoryStores();
    events.create(booking({ status: 'cancelled' }));
    expect(events.conflicts(booking())).toEqual([]);
    events.create(booking());
    expect(events.conflicts(booking({ status: 'cancelled' }))).toEqual([]);
  });

  it('leaves out the event being edited', async () => {
    const { events } = await memoryStores();
    const existing = events.create(booking());
    expect(events.conflicts(booking({ title: 'Edited' }), { ignoreEventId: existing.id })).toEqual([]);
  });

  it('checks every occurrence of a series up to the range end', async () => {
    const { events } = await memoryStores();
    const third = events.create(booking({ start: '2024-05-20T09:00:00', end: '2024-05-20T10:00:00' }));
    const series = booking({ recurrence: weekly('FREQ=WEEKLY') });
    expect(events.conflicts(series).map((occurrence) => occurrence.eventId)).toEqual([third.id]);
    expect(events.conflicts(series, { rangeEnd: utc('2024-05-19T00:00:00Z') })).toEqual([]);
  });

  it('finds the occurrence of an existing series that clashes, not the series as a whole', async () => {
    const { events } = await memoryStores();
    events.create(booking({ recurrence: weekly('FREQ=DAILY;COUNT=5') }));
    const found = events.conflicts(booking({ start: '2024-05-08T09:00:00', end: '2024-05-08T09:10:00' }));
    expect(found.map((occurrence) => occurrence.recurrenceId)).toEqual(['2024-05-08T09:00:00']);
  });

  it('honours an occurrence that no longer books the resource', async () => {
    const { events } = await memoryStores();
    const series = events.create(booking({ recurrence: weekly('FREQ=DAILY;COUNT=5') }));
    events.editOccurrence(series.id, '2024-05-08T09:00:00', { status: 'cancelled' }, 'this');
    expect(events.conflicts(booking({ start: '2024-05-08T09:00:00', end: '2024-05-08T09:10:00' }))).toEqual([]);
  });
});

describe('marking double bookings in a view', () => {
  it('marks both appointments of a double booking that a sync brought in', async () => {
    const desk = await memoryStores();
    const phone = await memoryStores();
    syncDocs(desk.doc, phone.doc);
    const mine = desk.events.create(booking());
    const theirs = phone.events.create(booking({ start: '2024-05-06T09:20:00', end: '2024-05-06T09:40:00', resources: ['room-1'] }));
    desk.events.create(booking({ start: '2024-05-06T11:00:00', end: '2024-05-06T11:30:00' }));
    syncDocs(phone.doc, desk.doc);
    expect(desk.events.conflictingIn(...MAY_6, 'UTC')).toEqual(new Set([`${mine.id}|${mine.start}`, `${theirs.id}|${theirs.start}`]));
  });

  it('marks nothing for a series whose occurrences do not overlap each other', async () => {
    const { events } = await memoryStores();
    events.create(booking({ recurrence: weekly('FREQ=DAILY;COUNT=5') }));
    expect(events.conflictingIn(utc('2024-05-01T00:00:00Z'), utc('2024-05-31T00:00:00Z'), 'UTC').size).toBe(0);
  });

  it('marks a chain of overlapping bookings whole, and only the clashing ones where a series overlaps itself', async () => {
    const { events } = await memoryStores();
    const chain = [
      ['09:00', '09:30'],
      ['09:20', '09:50'],
      ['09:40', '10:10'],
    ].map(([start, end]) => events.create(booking({ start: `2024-05-06T${start}:00`, end: `2024-05-06T${end}:00` })));
    const series = events.create(booking({ start: '2024-05-06T14:00:00', end: '2024-05-07T14:30:00', resources: ['room-9'], recurrence: weekly('FREQ=DAILY;COUNT=2') }));
    const late = events.create(booking({ start: '2024-05-07T15:00:00', end: '2024-05-07T15:10:00', resources: ['room-9'] }));
    const marked = events.conflictingIn(utc('2024-05-06T00:00:00Z'), utc('2024-05-09T00:00:00Z'), 'UTC');
    expect(marked).toEqual(
      new Set([...chain.map((event) => `${event.id}|${event.start}`), `${series.id}|2024-05-07T14:00:00`, `${late.id}|${late.start}`]),
    );
  });

  it('marks a clash with an appointment that began before the range', async () => {
    const { events } = await memoryStores();
    const long = events.create(booking({ start: '2024-05-05T20:00:00', end: '2024-05-06T10:00:00' }));
    events.create(booking({ start: '2024-05-05T21:00:00', end: '2024-05-05T22:00:00' }));
    expect(events.conflictingIn(...MAY_6, 'UTC')).toEqual(new Set([`${long.id}|${long.start}`]));
  });
});
