/**
 * Editing and removing occurrences of a series as "this", "this and following" or "all" events, through the
 * events store, checked by the occurrences the store gives afterwards.
 */
import { describe, expect, it } from 'vitest';
import { eventFields, memoryStores, utc, weekly, refusal } from './core-fixtures.ts';
import { seededRandom } from './seeded-random.ts';
import type { EventsStore } from '../src/core/calendar/events-store.ts';
import type { EventFields, Occurrence } from '../src/core/records/records.ts';

const YEAR_START = utc('2024-01-01T00:00:00Z');
const TWO_YEARS_ON = utc('2026-01-01T00:00:00Z');

/** Every occurrence of every event over two years, as what a view shows of it. */
function shown(events: EventsStore, from = YEAR_START, to = TWO_YEARS_ON) {
  return events.occurrences(from, to, 'UTC').map((occurrence) => ({
    start: new Date(occurrence.start).toISOString(),
    end: new Date(occurrence.end).toISOString(),
    title: occurrence.title,
    status: occurrence.status,
  }));
}

const startsOf = (occurrences: Occurrence[]) => occurrences.map((occurrence) => new Date(occurrence.start).toISOString());

/** Mondays 09:00–09:30 in Berlin from 6 May 2024, ten of them unless told otherwise. */
const mondays = (rrule = 'FREQ=WEEKLY;COUNT=10', extra: Parameters<typeof weekly>[1] = {}) => eventFields({ recurrence: weekly(rrule, extra) });

async function seriesIn(fields: EventFields) {
  const { events } = await memoryStores();
  const series = events.create(fields);
  return { events, series };
}

describe('editing this occurrence only', () => {
  it('moves one occurrence and leaves the others where they were', async () => {
    const { events, series } = await seriesIn(mondays());
    events.editOccurrence(series.id, '2024-05-13T09:00:00', { start: '2024-05-14T11:00:00', end: '2024-05-14T11:30:00' }, 'this');
    const starts = startsOf(events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-05-25T00:00:00Z'), 'UTC'));
    expect(starts).toEqual(['2024-05-06T07:00:00.000Z', '2024-05-14T09:00:00.000Z', '2024-05-20T07:00:00.000Z']);
  });

  it('keeps the occurrence’s length when only its start moves', async () => {
    const { events, series } = await seriesIn(mondays());
    events.editOccurrence(series.id, '2024-05-13T09:00:00', { start: '2024-05-13T15:00:00' }, 'this');
    const [moved] = events.occurrences(utc('2024-05-13T00:00:00Z'), utc('2024-05-14T00:00:00Z'), 'UTC');
    expect(moved!.end - moved!.start).toBe(30 * 60_000);
  });

  it('marks one occurrence as arrived, as the occurrence shows', async () => {
    const { events, series } = await seriesIn(mondays());
    events.editOccurrence(series.id, '2024-05-20T09:00:00', { status: 'arrived' }, 'this');
    const statuses = events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-05-25T00:00:00Z'), 'UTC').map((occurrence) => occurrence.status);
    expect(statuses).toEqual(['booked', 'booked', 'arrived']);
  });

  it('ignores the fields a dialog sends back unchanged', async () => {
    const { events, series } = await seriesIn(mondays());
    const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...everything } = series;
    events.editOccurrence(series.id, '2024-05-13T09:00:00', { ...everything, start: '2024-05-13T09:00:00', end: '2024-05-13T09:30:00', title: 'Moved' }, 'this');
    expect(events.get(series.id)!.recurrence!.overrides).toEqual([{ recurrenceId: '2024-05-13T09:00:00', title: 'Moved' }]);
  });

  it('drops the override once the occurrence is edited back to what the series gives', async () => {
    const { events, series } = await seriesIn(mondays());
    events.editOccurrence(series.id, '2024-05-13T09:00:00', { start: '2024-05-13T10:00:00' }, 'this');
    events.editOccurrence(series.id, '2024-05-13T09:00:00', { start: '2024-05-13T09:00:00' }, 'this');
    expect(events.get(series.id)!.recurrence!.overrides).toEqual([]);
  });

  it('refuses a change that only the whole series can have, naming the field', async () => {
    const { events, series } = await seriesIn(mondays());
    expect(refusal(() => events.editOccurrence(series.id, '2024-05-13T09:00:00', { timeZone: 'Europe/London' }, 'this')).field).toBe('timeZone');
  });

  it('refuses an occurrence the series does not have', async () => {
    const { events, series } = await seriesIn(mondays('FREQ=WEEKLY;COUNT=10', { exdates: ['2024-05-20T09:00:00'] }));
    expect(refusal(() => events.editOccurrence(series.id, '2024-05-14T09:00:00', { title: 'x' }, 'this')).field).toBe('recurrenceId');
    expect(refusal(() => events.editOccurrence(series.id, '2024-05-20T09:00:00', { title: 'x' }, 'this')).field).toBe('recurrenceId');
  });

  it('refuses an unknown scope', async () => {
    const { events, series } = await seriesIn(mondays());
    expect(refusal(() => events.editOccurrence(series.id, '2024-05-13T09:00:00', { title: 'x' }, 'some' as 'this')).field).toBe('scope');
  });

  it('updates an event that does not repeat, whatever the scope', async () => {
    const { events, series } = await seriesIn(eventFields());
    events.editOccurrence(series.id, series.start, { title: 'Renamed' }, 'following');
    expect(events.get(series.id)!.title).toBe('Renamed');
  });
});

describe('removing occurrences', () => {
  it('removes this occurrence as an exception date', async () => {
    const { events, series } = await seriesIn(mondays());
    events.removeOccurrence(series.id, '2024-05-13T09:00:00', 'this');
    expect(events.get(series.id)!.recurrence!.exdates).toEqual(['2024-05-13T09:00:00']);
    expect(shown(events)).toHaveLength(9);
  });

  it('drops the extra date of an occurrence only an RDATE gives', async () => {
    const { events, series } = await seriesIn(mondays('FREQ=WEEKLY;COUNT=2', { rdates: ['2024-06-05T09:00:00'] }));
    events.removeOccurrence(series.id, '2024-06-05T09:00:00', 'this');
    expect(events.get(series.id)!.recurrence).toMatchObject({ rdates: [], exdates: [] });
  });

  it('removes a series once its last occurrence is removed', async () => {
    const { events, series } = await seriesIn(mondays('FREQ=WEEKLY;COUNT=2'));
    events.removeOccurrence(series.id, '2024-05-06T09:00:00', 'this');
    events.removeOccurrence(series.id, '2024-05-13T09:00:00', 'this');
    expect(events.get(series.id)).toBeUndefined();
  });

  it('ends the series before this and the following occurrences', async () => {
    const { events, series } = await seriesIn(mondays());
    events.removeOccurrence(series.id, '2024-05-27T09:00:00', 'following');
    expect(events.get(series.id)!.recurrence!.rrule).toBe('FREQ=WEEKLY;COUNT=3');
    expect(events.list()).toHaveLength(1);
  });

  it('removes the whole series when this and following starts at its first occurrence', async () => {
    const { events, series } = await seriesIn(mondays());
    expect(events.removeOccurrence(series.id, '2024-05-06T09:00:00', 'following')).toBe(true);
    expect(events.list()).toEqual([]);
  });

  it('removes all of a series', async () => {
    const { events, series } = await seriesIn(mondays());
    events.removeOccurrence(series.id, '2024-05-27T09:00:00', 'all');
    expect(events.list()).toEqual([]);
  });

  it('reports an event that is already gone', async () => {
    const { events } = await memoryStores();
    expect(events.removeOccurrence('gone', '2024-05-27T09:00:00', 'this')).toBe(false);
  });
});

describe('editing this and the following occurrences', () => {
  it('splits a counted series into the occurrences before and a new series with the rest of the count', async () => {
    const { events, series } = await seriesIn(mondays());
    const after = events.editOccurrence(series.id, '2024-05-27T09:00:00', { title: 'Group therapy' }, 'following');
    expect(events.get(series.id)).toMatchObject({ title: 'Check-up', recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3' } });
    expect(after).toMatchObject({ title: 'Group therapy', start: '2024-05-27T09:00:00', recurrence: { rrule: 'FREQ=WEEKLY;COUNT=7' } });
    expect(shown(events).map((occurrence) => occurrence.title)).toEqual([...Array(3).fill('Check-up'), ...Array(7).fill('Group therapy')]);
  });

  it('ends an open-ended series with UNTIL at its last occurrence before the split', async () => {
    const { events, series } = await seriesIn(mondays('FREQ=WEEKLY;INTERVAL=2'));
    events.editOccurrence(series.id, '2024-06-03T09:00:00', { title: 'Later' }, 'following');
    expect(events.get(series.id)!.recurrence!.rrule).toBe('FREQ=WEEKLY;INTERVAL=2;UNTIL=20240520T090000');
    expect(shown(events, YEAR_START, utc('2024-07-01T00:00:00Z')).map((occurrence) => occurrence.start.slice(0, 10))).toEqual([
      '2024-05-06',
      '2024-05-20',
      '2024-06-03',
      '2024-06-17',
    ]);
  });

  it('keeps the UNTIL of a series that had one for its new part', async () => {
    const { events, series } = await seriesIn(mondays('FREQ=WEEKLY;UNTIL=20240610T235959'));
    const after = events.editOccurrence(series.id, '2024-05-20T09:00:00', { location: 'Room 3' }, 'following');
    expect(after.recurrence!.rrule).toBe('FREQ=WEEKLY;UNTIL=20240610T235959');
    expect(events.get(series.id)!.recurrence!.rrule).toBe('FREQ=WEEKLY;UNTIL=20240513T090000');
    expect(shown(events)).toHaveLength(6);
  });

  it('gives each part the exceptions and overrides of its own occurrences', async () => {
    const { events, series } = await seriesIn(
      mondays('FREQ=WEEKLY;COUNT=10', {
        exdates: ['2024-05-13T09:00:00', '2024-06-10T09:00:00'],
        rdates: ['2024-05-15T09:00:00', '2024-06-12T09:00:00'],
        overrides: [
          { recurrenceId: '2024-05-20T09:00:00', title: 'Early one' },
          { recurrenceId: '2024-06-17T09:00:00', title: 'Late one' },
        ],
      }),
    );
    const after = events.editOccurrence(series.id, '2024-06-03T09:00:00', { notes: 'bring the referral' }, 'following');
    expect(events.get(series.id)!.recurrence).toEqual({
      rrule: 'FREQ=WEEKLY;COUNT=4',
      exdates: ['2024-05-13T09:00:00'],
      rdates: ['2024-05-15T09:00:00'],
      overrides: [{ recurrenceId: '2024-05-20T09:00:00', title: 'Early one' }],
    });
    expect(after.recurrence).toEqual({
      rrule: 'FREQ=WEEKLY;COUNT=6',
      exdates: ['2024-06-10T09:00:00'],
      rdates: ['2024-06-12T09:00:00'],
      overrides: [{ recurrenceId: '2024-06-17T09:00:00', title: 'Late one' }],
    });
  });

  it('moves the following occurrences by as much as the edited one moves', async () => {
    const { events, series } = await seriesIn(mondays());
    events.editOccurrence(series.id, '2024-06-17T09:00:00', { start: '2024-06-17T14:00:00', end: '2024-06-17T15:00:00' }, 'following');
    const times = shown(events).map((occurrence) => `${occurrence.start.slice(11, 16)}–${occurrence.end.slice(11, 16)}`);
    expect(times).toEqual([...Array(6).fill('07:00–07:30'), ...Array(4).fill('12:00–13:00')]);
  });

  it('splits a counted rule that must be expanded, such as the second Tuesday of each month', async () => {
    const { events, series } = await seriesIn(
      eventFields({ start: '2024-01-09T16:00:00', end: '2024-01-09T17:00:00', recurrence: weekly('FREQ=MONTHLY;BYDAY=2TU;COUNT=6') }),
    );
    const after = events.editOccurrence(series.id, '2024-04-09T16:00:00', { title: 'Spring' }, 'following');
    expect(events.get(series.id)!.recurrence!.rrule).toBe('FREQ=MONTHLY;BYDAY=2TU;COUNT=3');
    expect(after).toMatchObject({ start: '2024-04-09T16:00:00', recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=2TU;COUNT=3' } });
    expect(shown(events).map((occurrence) => `${occurrence.start.slice(0, 10)} ${occurrence.title}`)).toEqual([
      '2024-01-09 Check-up',
      '2024-02-13 Check-up',
      '2024-03-12 Check-up',
      '2024-04-09 Spring',
      '2024-05-14 Spring',
      '2024-06-11 Spring',
    ]);
  });

  it('treats this and following from the first occurrence as the whole series', async () => {
    const { events, series } = await seriesIn(mondays());
    events.editOccurrence(series.id, '2024-05-06T09:00:00', { title: 'All of them' }, 'following');
    expect(events.list()).toHaveLength(1);
    expect(events.get(series.id)!.title).toBe('All of them');
  });

  it('splits in one transaction, so that a peer never sees half a split', async () => {
    const { doc, events, series } = await (async () => {
      const stores = await memoryStores();
      return { ...stores, series: stores.events.create(mondays()) };
    })();
    let updates = 0;
    doc.on('update', () => updates++);
    events.editOccurrence(series.id, '2024-05-27T09:00:00', { title: 'x' }, 'following');
    expect(updates).toBe(1);
  });

  it('keeps the wall-clock time of a daily series split after the clocks change', async () => {
    const { events, series } = await seriesIn(
      eventFields({ start: '2024-03-28T09:00:00', end: '2024-03-28T10:00:00', recurrence: weekly('FREQ=DAILY;COUNT=8') }),
    );
    events.editOccurrence(series.id, '2024-04-01T09:00:00', { title: 'After Easter' }, 'following');
    expect(startsOf(events.occurrences(utc('2024-03-28T00:00:00Z'), utc('2024-04-05T00:00:00Z'), 'UTC')).map((start) => start.slice(5, 16))).toEqual([
      '03-28T08:00',
      '03-29T08:00',
      '03-30T08:00',
      '03-31T07:00',
      '04-01T07:00',
      '04-02T07:00',
      '04-03T07:00',
      '04-04T07:00',
    ]);
  });
});

describe('editing all occurrences', () => {
  it('moves the whole series by as much as the edited occurrence moves, exceptions with it', async () => {
    const { events, series } = await seriesIn(
      mondays('FREQ=WEEKLY;COUNT=4', { exdates: ['2024-05-13T09:00:00'], overrides: [{ recurrenceId: '2024-05-20T09:00:00', start: '2024-05-20T12:00:00' }] }),
    );
    events.editOccurrence(series.id, '2024-05-27T09:00:00', { start: '2024-05-27T10:30:00', end: '2024-05-27T11:00:00' }, 'all');
    expect(events.get(series.id)).toMatchObject({
      start: '2024-05-06T10:30:00',
      end: '2024-05-06T11:00:00',
      recurrence: { exdates: ['2024-05-13T10:30:00'], overrides: [{ recurrenceId: '2024-05-20T10:30:00', start: '2024-05-20T13:30:00' }] },
    });
    expect(shown(events).map((occurrence) => occurrence.start.slice(0, 16))).toEqual(['2024-05-06T08:30', '2024-05-20T11:30', '2024-05-27T08:30']);
  });

  it('keeps wall-clock times when a series moves across the clocks changing', async () => {
    const { events, series } = await seriesIn(eventFields({ start: '2024-03-25T09:00:00', end: '2024-03-25T09:30:00', recurrence: weekly('FREQ=DAILY;COUNT=3') }));
    events.editOccurrence(series.id, '2024-03-26T09:00:00', { start: '2024-03-30T10:00:00', end: '2024-03-30T10:30:00' }, 'all');
    // 29 and 30 March are in winter time (UTC+1), 31 March in summer time (UTC+2): 10:00 all the same.
    expect(shown(events).map((occurrence) => occurrence.start.slice(0, 16))).toEqual(['2024-03-29T09:00', '2024-03-30T09:00', '2024-03-31T08:00']);
  });

  it('moves the weekdays of a weekly rule when an occurrence moves to another day', async () => {
    const { events, series } = await seriesIn(mondays('FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6'));
    events.editOccurrence(series.id, '2024-05-08T09:00:00', { start: '2024-05-09T09:00:00', end: '2024-05-09T09:30:00' }, 'all');
    expect(events.get(series.id)).toMatchObject({ start: '2024-05-07T09:00:00', recurrence: { rrule: 'FREQ=WEEKLY;COUNT=6;BYDAY=TU,TH' } });
    expect(shown(events).map((occurrence) => occurrence.start.slice(0, 10))).toEqual([
      '2024-05-07',
      '2024-05-09',
      '2024-05-14',
      '2024-05-16',
      '2024-05-21',
      '2024-05-23',
    ]);
  });

  it('moves UNTIL with the series, so that it keeps its last occurrence', async () => {
    const { events, series } = await seriesIn(mondays('FREQ=WEEKLY;UNTIL=20240527T090000'));
    events.editOccurrence(series.id, '2024-05-06T09:00:00', { start: '2024-05-07T09:00:00', end: '2024-05-07T09:30:00' }, 'all');
    expect(events.get(series.id)!.recurrence!.rrule).toBe('FREQ=WEEKLY;UNTIL=20240528T090000');
    expect(shown(events)).toHaveLength(4);
  });

  it('refuses to move a series pinned to dates of the month to another day', async () => {
    const { events, series } = await seriesIn(mondays('FREQ=MONTHLY;BYMONTHDAY=6;COUNT=3'));
    const error = refusal(() => events.editOccurrence(series.id, '2024-06-06T09:00:00', { start: '2024-06-07T09:00:00' }, 'all'));
    expect(error.field).toBe('start');
    expect(events.get(series.id)!.start).toBe('2024-05-06T09:00:00');
  });

  it('gives every occurrence a title set for all, replacing titles set for one', async () => {
    const { events, series } = await seriesIn(mondays('FREQ=WEEKLY;COUNT=3', { overrides: [{ recurrenceId: '2024-05-13T09:00:00', title: 'Special', notes: 'kept' }] }));
    events.editOccurrence(series.id, '2024-05-20T09:00:00', { title: 'Renamed' }, 'all');
    expect(shown(events).map((occurrence) => occurrence.title)).toEqual(['Renamed', 'Renamed', 'Renamed']);
    expect(events.get(series.id)!.recurrence!.overrides).toEqual([{ recurrenceId: '2024-05-13T09:00:00', notes: 'kept' }]);
  });

  it('turns a timed series all-day, keeping each occurrence’s date', async () => {
    const { events, series } = await seriesIn(mondays('FREQ=WEEKLY;COUNT=3', { exdates: ['2024-05-13T09:00:00'] }));
    events.editOccurrence(series.id, '2024-05-20T09:00:00', { allDay: true, start: '2024-05-20', end: '2024-05-21' }, 'all');
    expect(events.get(series.id)).toMatchObject({ allDay: true, start: '2024-05-06', end: '2024-05-07', recurrence: { exdates: ['2024-05-13'] } });
  });
});

/** A random series: daily, weekly on some days or monthly, counted, ending or open, with random exceptions. */
function randomSeries(random: () => number): EventFields {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const day = 1 + Math.floor(random() * 27);
  const month = 1 + Math.floor(random() * 11);
  const date = `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const hour = String(6 + Math.floor(random() * 14)).padStart(2, '0');
  const rule = pick(['FREQ=DAILY', 'FREQ=WEEKLY', 'FREQ=WEEKLY;BYDAY=MO,TH', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR,SA', 'FREQ=MONTHLY', 'FREQ=DAILY;INTERVAL=3']);
  const end = pick([';COUNT=12', ';COUNT=30', ';UNTIL=20250301T000000', '']);
  const zone = pick(['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC']);
  return eventFields({
    start: `${date}T${hour}:30:00`,
    end: `${date}T${hour}:30:00`.replace(/T(\d\d)/, (_, h: string) => `T${String(Number(h) + 1).padStart(2, '0')}`),
    timeZone: zone,
    recurrence: weekly(rule + end),
  });
}

/** Adds exceptions to a stored series from its own occurrences, so that every one names a real occurrence. */
function withRandomExceptions(events: EventsStore, id: string, random: () => number): void {
  const occurrences = events.occurrences(YEAR_START, TWO_YEARS_ON, 'UTC').filter((occurrence) => occurrence.eventId === id);
  const chosen = occurrences.filter(() => random() < 0.15);
  for (const [index, occurrence] of chosen.entries()) {
    if (index % 2 === 0) events.removeOccurrence(id, occurrence.recurrenceId, 'this');
    else events.editOccurrence(id, occurrence.recurrenceId, { title: `Moved ${index}`, start: occurrence.recurrenceId.replace(/T\d\d/, 'T05') }, 'this');
  }
}

describe('properties of edits on random series', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`a split changes no occurrence, and an edit of the following ones only those (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const { events, series } = await seriesIn(randomSeries(random));
      withRandomExceptions(events, series.id, random);
      const before = shown(events);
      const occurrences = events.occurrences(YEAR_START, TWO_YEARS_ON, 'UTC');
      const cut = occurrences[Math.floor(random() * occurrences.length)]!;
      events.editOccurrence(series.id, cut.recurrenceId, { category: 'split' }, 'following');
      expect(shown(events)).toEqual(before);
      const renamed = events.occurrences(YEAR_START, TWO_YEARS_ON, 'UTC').map((occurrence) => occurrence.event.category === 'split');
      const cutIndex = occurrences.findIndex((occurrence) => occurrence.recurrenceId === cut.recurrenceId);
      // Moved occurrences may sort elsewhere, so count rather than compare positions.
      expect(renamed.filter(Boolean).length).toBe(occurrences.filter((occurrence) => occurrence.recurrenceId >= cut.recurrenceId).length);
      expect(cutIndex).toBeGreaterThanOrEqual(0);
    });

    it(`moving all by half an hour moves every occurrence by half an hour of wall-clock time (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const fields = randomSeries(random);
      const { events, series } = await seriesIn(fields);
      withRandomExceptions(events, series.id, random);
      const wallClock = () =>
        events
          .occurrences(YEAR_START, TWO_YEARS_ON, fields.timeZone)
          .map((occurrence) => new Date(occurrence.start).toLocaleString('sv', { timeZone: fields.timeZone }))
          .sort();
      const before = wallClock();
      const occurrence = events.occurrences(YEAR_START, TWO_YEARS_ON, 'UTC').find((candidate) => candidate.title === 'Check-up')!;
      const later = occurrence.recurrenceId.replace(/:30:00$/, ':59:00');
      events.editOccurrence(series.id, occurrence.recurrenceId, { start: later }, 'all');
      const shift = (text: string) => text.replace(/(\d\d):(\d\d):00$/, (_, hour: string, minute: string) => `${hour}:${String(Number(minute) + 29).padStart(2, '0')}:00`);
      expect(wallClock()).toEqual(before.map(shift));
    });
  }
});
