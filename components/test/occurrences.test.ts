import { describe, expect, it } from 'vitest';
import { eventFields, memoryStores, syncDocs, utc, weekly } from './core-fixtures.ts';
import { EventTimeIndex } from '../src/core/calendar/event-time-index.ts';
import type { EventsStore } from '../src/core/calendar/events-store.ts';
import { expandEvent } from '../src/core/calendar/occurrences.ts';
import type { EventFields, Occurrence } from '../src/core/records/records.ts';

const startsOf = (occurrences: { start: number }[]) => occurrences.map((occurrence) => new Date(occurrence.start).toISOString());

describe('one-off events', () => {
  it('places a timed event at its wall-clock time in its own zone', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ start: '2024-07-01T09:00:00', end: '2024-07-01T10:00:00', timeZone: 'America/New_York' }));
    const [occurrence] = events.occurrences(utc('2024-07-01T00:00:00Z'), utc('2024-07-02T00:00:00Z'));
    expect(occurrence).toMatchObject({ start: utc('2024-07-01T13:00:00Z'), end: utc('2024-07-01T14:00:00Z') });
  });

  it('leaves out events outside the range', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ start: '2024-07-01T09:00:00', end: '2024-07-01T10:00:00' }));
    expect(events.occurrences(utc('2024-07-02T00:00:00Z'), utc('2024-07-03T00:00:00Z'))).toEqual([]);
  });

  it('includes an event that started before the range and ends inside it', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ start: '2024-07-01T22:00:00', end: '2024-07-02T02:00:00', timeZone: 'UTC' }));
    expect(events.occurrences(utc('2024-07-02T00:00:00Z'), utc('2024-07-03T00:00:00Z'))).toHaveLength(1);
  });

  it('moves a time skipped by spring-forward to after the gap', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ start: '2024-03-31T02:30:00', end: '2024-03-31T03:30:00', timeZone: 'Europe/Berlin' }));
    const [occurrence] = events.occurrences(utc('2024-03-30T00:00:00Z'), utc('2024-04-01T00:00:00Z'));
    expect(occurrence!.start).toBe(utc('2024-03-31T01:30:00Z'));
  });

  it('takes the first of a wall-clock time repeated by fall-back', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ start: '2024-11-03T01:30:00', end: '2024-11-03T02:30:00', timeZone: 'America/New_York' }));
    const [occurrence] = events.occurrences(utc('2024-11-02T00:00:00Z'), utc('2024-11-04T00:00:00Z'));
    expect(occurrence!.start).toBe(utc('2024-11-03T05:30:00Z'));
  });
});

describe('recurring events across daylight-saving changes', () => {
  it('keeps a weekly Berlin appointment at 09:00 local time over the spring change', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ start: '2024-03-25T09:00:00', end: '2024-03-25T09:30:00', recurrence: weekly('FREQ=WEEKLY;COUNT=2') }));
    const occurrences = events.occurrences(utc('2024-03-20T00:00:00Z'), utc('2024-04-10T00:00:00Z'));
    expect(startsOf(occurrences)).toEqual(['2024-03-25T08:00:00.000Z', '2024-04-01T07:00:00.000Z']);
  });

  it('keeps a daily New York appointment at 08:00 local time over the autumn change', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ start: '2024-11-02T08:00:00', end: '2024-11-02T08:45:00', timeZone: 'America/New_York', recurrence: weekly('FREQ=DAILY;COUNT=3') }));
    const occurrences = events.occurrences(utc('2024-11-01T00:00:00Z'), utc('2024-11-06T00:00:00Z'));
    expect(startsOf(occurrences)).toEqual(['2024-11-02T12:00:00.000Z', '2024-11-03T13:00:00.000Z', '2024-11-04T13:00:00.000Z']);
  });

  it('gives each occurrence the exact duration of the first, even across a change', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ start: '2024-03-30T23:00:00', end: '2024-03-31T01:00:00', recurrence: weekly('FREQ=DAILY;COUNT=2') }));
    const occurrences = events.occurrences(utc('2024-03-29T00:00:00Z'), utc('2024-04-02T00:00:00Z'));
    expect(occurrences.map((occurrence) => occurrence.end - occurrence.start)).toEqual([2 * 3_600_000, 2 * 3_600_000]);
  });

  it('finds the occurrences of a long-running series in a late month', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ start: '2020-01-06T09:00:00', end: '2020-01-06T10:00:00', recurrence: weekly('FREQ=WEEKLY;BYDAY=MO') }));
    const occurrences = events.occurrences(utc('2024-07-01T00:00:00Z'), utc('2024-08-01T00:00:00Z'));
    expect(occurrences.map((occurrence) => occurrence.recurrenceId)).toEqual(['2024-07-01T09:00:00', '2024-07-08T09:00:00', '2024-07-15T09:00:00', '2024-07-22T09:00:00', '2024-07-29T09:00:00']);
  });

  it('stops a series at its UNTIL', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ start: '2024-05-06T09:00:00', end: '2024-05-06T10:00:00', recurrence: weekly('FREQ=WEEKLY;UNTIL=20240520T235959') }));
    expect(events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-07-01T00:00:00Z'))).toHaveLength(3);
  });
});

describe('exceptions', () => {
  it('leaves out excluded dates', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ recurrence: weekly('FREQ=WEEKLY;COUNT=3', { exdates: ['2024-05-13T09:00:00'] }) }));
    const occurrences = events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-06-01T00:00:00Z'));
    expect(occurrences.map((occurrence) => occurrence.recurrenceId)).toEqual(['2024-05-06T09:00:00', '2024-05-20T09:00:00']);
  });

  it('adds extra dates', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ recurrence: weekly('FREQ=WEEKLY;COUNT=2', { rdates: ['2024-05-08T15:00:00'] }) }));
    const occurrences = events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-06-01T00:00:00Z'));
    expect(occurrences.map((occurrence) => occurrence.recurrenceId)).toEqual(['2024-05-06T09:00:00', '2024-05-08T15:00:00', '2024-05-13T09:00:00']);
  });

  it.each(['FREQ=WEEKLY;COUNT=3', 'FREQ=WEEKLY;COUNT=3;BYHOUR=9'])('adds nothing for an extra date the rule %s already gives', async (rrule) => {
    const { events } = await memoryStores();
    events.create(eventFields({ recurrence: weekly(rrule, { rdates: ['2024-05-13T09:00:00', '2024-05-27T09:00:00'] }) }));
    const occurrences = events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-06-01T00:00:00Z'));
    expect(occurrences.map((occurrence) => occurrence.recurrenceId)).toEqual(['2024-05-06T09:00:00', '2024-05-13T09:00:00', '2024-05-20T09:00:00', '2024-05-27T09:00:00']);
  });

  it('replaces an overridden occurrence with its moved time and new title', async () => {
    const { events } = await memoryStores();
    events.create(
      eventFields({
        recurrence: weekly('FREQ=WEEKLY;COUNT=2', { overrides: [{ recurrenceId: '2024-05-13T09:00:00', start: '2024-05-14T11:00:00', end: '2024-05-14T12:00:00', title: 'Moved' }] }),
      }),
    );
    const occurrences = events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-06-01T00:00:00Z'));
    expect(occurrences.map(({ recurrenceId, title, start }) => ({ recurrenceId, title, start }))).toEqual([
      { recurrenceId: '2024-05-06T09:00:00', title: 'Check-up', start: utc('2024-05-06T07:00:00Z') },
      { recurrenceId: '2024-05-13T09:00:00', title: 'Moved', start: utc('2024-05-14T09:00:00Z') },
    ]);
  });

  it('finds an occurrence moved into the range from outside it', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ recurrence: weekly('FREQ=WEEKLY;COUNT=2', { overrides: [{ recurrenceId: '2024-05-06T09:00:00', start: '2024-06-20T09:00:00', end: '2024-06-20T09:30:00' }] }) }));
    expect(events.occurrences(utc('2024-06-15T00:00:00Z'), utc('2024-06-25T00:00:00Z')).map((occurrence) => occurrence.recurrenceId)).toEqual(['2024-05-06T09:00:00']);
  });
});

describe('all-day events', () => {
  it('spans whole days in the viewer’s zone', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ allDay: true, start: '2024-05-06', end: '2024-05-08', timeZone: 'Europe/Berlin' }));
    const [occurrence] = events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-06-01T00:00:00Z'), 'America/New_York');
    expect(occurrence).toMatchObject({ allDay: true, start: utc('2024-05-06T04:00:00Z'), end: utc('2024-05-08T04:00:00Z') });
  });

  it('repeats yearly on the same date, with exceptions by date', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ allDay: true, start: '2021-12-24', end: '2021-12-25', recurrence: weekly('FREQ=YEARLY', { exdates: ['2023-12-24'] }) }));
    const occurrences = events.occurrences(utc('2021-01-01T00:00:00Z'), utc('2025-01-01T00:00:00Z'), 'UTC');
    expect(occurrences.map((occurrence) => occurrence.recurrenceId)).toEqual(['2021-12-24', '2022-12-24', '2024-12-24']);
  });

  it('lasts 23 hours on the day clocks spring forward', async () => {
    const { events } = await memoryStores();
    events.create(eventFields({ allDay: true, start: '2024-03-31', end: '2024-04-01' }));
    const [occurrence] = events.occurrences(utc('2024-03-30T00:00:00Z'), utc('2024-04-02T00:00:00Z'), 'Europe/Berlin');
    expect(occurrence!.end - occurrence!.start).toBe(23 * 3_600_000);
  });
});

describe('the query after changes', () => {
  it('sees an event moved after the first query', async () => {
    const { events } = await memoryStores();
    const { id } = events.create(eventFields());
    events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-06-01T00:00:00Z'));
    events.update(id, { start: '2024-08-06T09:00:00', end: '2024-08-06T09:30:00' });
    expect(events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-06-01T00:00:00Z'))).toEqual([]);
    expect(events.occurrences(utc('2024-08-01T00:00:00Z'), utc('2024-09-01T00:00:00Z'))).toHaveLength(1);
  });

  it('forgets a removed event', async () => {
    const { events } = await memoryStores();
    const { id } = events.create(eventFields());
    events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-06-01T00:00:00Z'));
    events.remove(id);
    expect(events.occurrences(utc('2024-05-01T00:00:00Z'), utc('2024-06-01T00:00:00Z'))).toEqual([]);
  });
});

describe('series repeating every n days or weeks', () => {
  // A BYHOUR equal to the start's own hour changes nothing, but makes ical.js expand the rule step by step.
  it.each([
    ['FREQ=WEEKLY;INTERVAL=2;COUNT=6', 'FREQ=WEEKLY;INTERVAL=2;COUNT=6;BYHOUR=9'],
    ['FREQ=WEEKLY;BYDAY=MO', 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9'],
    ['FREQ=DAILY;INTERVAL=3;COUNT=40', 'FREQ=DAILY;INTERVAL=3;COUNT=40;BYHOUR=9'],
  ])('places %s exactly where ical.js expands it', async (fixedStep, expanded) => {
    const { events } = await memoryStores();
    events.create(eventFields({ title: 'fixed', start: '2024-03-04T09:00:00', end: '2024-03-04T09:45:00', recurrence: weekly(fixedStep, { exdates: ['2024-03-18T09:00:00'] }) }));
    events.create(eventFields({ title: 'expanded', start: '2024-03-04T09:00:00', end: '2024-03-04T09:45:00', recurrence: weekly(expanded, { exdates: ['2024-03-18T09:00:00'] }) }));
    const found = events.occurrences(utc('2024-03-20T00:00:00Z'), utc('2024-06-01T00:00:00Z'), 'Europe/Berlin');
    const startsOfTitle = (title: string) => startsOf(found.filter((occurrence) => occurrence.title === title));
    expect(startsOfTitle('fixed').length).toBeGreaterThan(0);
    expect(startsOfTitle('fixed')).toEqual(startsOfTitle('expanded'));
  });
});

describe('the time index built in idle time', () => {
  it('finds events added, moved and removed on another device before and after it was built', async () => {
    const remote = await memoryStores();
    const local = await memoryStores();
    const moved = remote.events.create(eventFields({ title: 'moved' }));
    const removed = remote.events.create(eventFields({ title: 'removed' }));
    for (let day = 10; day < 28; day++) remote.events.create(eventFields({ start: `2024-05-${day}T09:00:00`, end: `2024-05-${day}T09:30:00` }));
    syncDocs(remote.doc, local.doc);

    const built = local.events.indexWhenIdle();
    remote.events.update(moved.id, { start: '2024-05-20T15:00:00', end: '2024-05-20T16:00:00' });
    syncDocs(remote.doc, local.doc);
    await built;
    remote.events.remove(removed.id);
    remote.events.create(eventFields({ title: 'weekly', recurrence: weekly('FREQ=WEEKLY;COUNT=4') }));
    syncDocs(remote.doc, local.doc);

    const fresh = await memoryStores();
    syncDocs(local.doc, fresh.doc);
    const may = [utc('2024-05-01T00:00:00Z'), utc('2024-06-01T00:00:00Z')] as const;
    const summary = (occurrences: { title: string; start: number }[]) => occurrences.map(({ title, start }) => ({ title, start }));
    expect(summary(local.events.occurrences(...may, 'Europe/Berlin'))).toEqual(summary(fresh.events.occurrences(...may, 'Europe/Berlin')));
    expect(summary(local.events.occurrences(...may, 'Europe/Berlin')).filter(({ title }) => title !== 'Check-up')).toEqual([
      { title: 'weekly', start: utc('2024-05-06T07:00:00Z') },
      { title: 'weekly', start: utc('2024-05-13T07:00:00Z') },
      { title: 'moved', start: utc('2024-05-20T13:00:00Z') },
      { title: 'weekly', start: utc('2024-05-20T07:00:00Z') },
      { title: 'weekly', start: utc('2024-05-27T07:00:00Z') },
    ].sort((a, b) => a.start - b.start));
  });

  it('places a thousand events ahead with a handful of date formatters, not one per event', async () => {
    const { events } = await memoryStores();
    for (let day = 0; day < 1000; day++) {
      const date = (offset: number) => new Date(Date.UTC(2024, 0, 1 + day + offset)).toISOString().slice(0, 10);
      events.create(day % 2 ? eventFields({ start: `${date(0)}T09:00:00`, end: `${date(0)}T09:30:00` }) : eventFields({ start: date(0), end: date(1), allDay: true }));
    }
    const DateTimeFormat = Intl.DateTimeFormat;
    let built = 0;
    Intl.DateTimeFormat = new Proxy(DateTimeFormat, {
      construct: (target, args) => (built++, Reflect.construct(target, args)),
      apply: (target, self, args) => (built++, Reflect.apply(target, self, args)),
    });
    try {
      await events.indexWhenIdle();
    } finally {
      Intl.DateTimeFormat = DateTimeFormat;
    }
    expect(built).toBeGreaterThan(0);
    expect(built).toBeLessThan(10);
  });
});


describe('series in the time index', () => {
  /** Every event expanded one by one, as if there were no index. */
  const fullScan = (events: EventsStore, rangeStart: number, rangeEnd: number) =>
    events.list().flatMap((event) => expandEvent(event, rangeStart, rangeEnd, 'Europe/Berlin'));
  const byTime = (occurrences: Occurrence[]) =>
    occurrences
      .map(({ eventId, recurrenceId, start, end }) => ({ eventId, recurrenceId, start, end }))
      .sort((a, b) => a.start - b.start || a.end - b.end || a.eventId.localeCompare(b.eventId));
  /** Weeks from January 2024 to June 2026, across three years of daylight-saving changes: short enough that a series cut short is missed. */
  const weeks = Array.from({ length: 130 }, (_, index) => [Date.UTC(2024, 0, 1 + 7 * index), Date.UTC(2024, 0, 8 + 7 * index)] as const);
  const expectSameAsFullScan = (events: EventsStore) => {
    for (const [weekStart, weekEnd] of weeks) {
      expect(byTime(events.occurrences(weekStart, weekEnd, 'Europe/Berlin')), new Date(weekStart).toISOString()).toEqual(byTime(fullScan(events, weekStart, weekEnd)));
    }
  };
  const seriesFields = (rrule: string, start: string, timeZone: string, extra: Partial<NonNullable<EventFields['recurrence']>> = {}) => {
    const end = `${start.slice(0, 11)}${String(Number(start.slice(11, 13)) + 1).padStart(2, '0')}${start.slice(13)}`;
    return eventFields({ title: rrule, start, end, timeZone, recurrence: weekly(rrule, extra) });
  };

  async function storeOfSeries() {
    const { events } = await memoryStores();
    const created = {
      counted: events.create(seriesFields('FREQ=WEEKLY;COUNT=12', '2024-02-05T09:00:00', 'Europe/Berlin', { exdates: ['2024-02-19T09:00:00'] })),
      openEnded: events.create(seriesFields('FREQ=WEEKLY;INTERVAL=2', '2024-03-04T10:15:00', 'America/New_York')),
      daily: events.create(seriesFields('FREQ=DAILY;INTERVAL=3;COUNT=40', '2024-10-01T02:30:00', 'Europe/Berlin')),
      ownWeekday: events.create(seriesFields('FREQ=WEEKLY;BYDAY=TU;COUNT=6', '2024-10-22T08:00:00', 'Europe/Vienna')),
      until: events.create(seriesFields('FREQ=WEEKLY;UNTIL=20241110T000000Z', '2024-09-02T11:00:00', 'America/New_York')),
      monthly: events.create(seriesFields('FREQ=MONTHLY;BYDAY=1MO;COUNT=8', '2024-01-01T12:00:00', 'Europe/Berlin')),
      twoDays: events.create(seriesFields('FREQ=WEEKLY;BYDAY=MO,TH;COUNT=9', '2024-03-25T07:45:00', 'Europe/Berlin')),
      withExtras: events.create(
        seriesFields('FREQ=WEEKLY;COUNT=3', '2024-04-02T13:00:00', 'Europe/Berlin', {
          rdates: ['2024-12-03T13:00:00'],
          overrides: [{ recurrenceId: '2024-04-09T13:00:00', start: '2025-01-14T15:00:00', end: '2025-01-14T16:00:00' }],
        }),
      ),
    };
    events.create(eventFields({ title: 'one-off', start: '2024-03-31T02:30:00', end: '2024-03-31T03:30:00' }));
    return { events, created };
  }

  it('gives the occurrences a full scan gives, week by week across daylight-saving changes', async () => {
    const { events } = await storeOfSeries();
    expectSameAsFullScan(events);
  });

  const candidatesOf = (index: EventTimeIndex, rangeStart: number, rangeEnd: number) => {
    const ids: string[] = [];
    index.forEachCandidate(rangeStart, rangeEnd, (id) => ids.push(id));
    return ids;
  };

  it('leaves a counted weekly series out of the months after its last occurrence, and finds it in its last', async () => {
    const index = new EventTimeIndex([{ id: 'counted', start: '2024-02-05T09:00:00', end: '2024-02-05T10:00:00', allDay: false, recurrence: weekly('FREQ=WEEKLY;COUNT=12') }]);
    // The twelfth occurrence is on 22 April.
    expect(candidatesOf(index, Date.UTC(2024, 3, 1), Date.UTC(2024, 4, 1))).toEqual(['counted']);
    expect(candidatesOf(index, Date.UTC(2024, 5, 1), Date.UTC(2024, 6, 1))).toEqual([]);
  });

  it('keeps giving an open-ended series', async () => {
    const index = new EventTimeIndex([{ id: 'open', start: '2024-02-05T09:00:00', end: '2024-02-05T10:00:00', allDay: false, recurrence: weekly('FREQ=WEEKLY;INTERVAL=2') }]);
    expect(candidatesOf(index, Date.UTC(2031, 5, 1), Date.UTC(2031, 6, 1))).toEqual(['open']);
  });

  it('follows series lengthened, shortened, moved and removed after the first queries', async () => {
    const { events, created } = await storeOfSeries();
    expectSameAsFullScan(events);
    events.update(created.counted.id, { recurrence: weekly('FREQ=WEEKLY;COUNT=60') });
    events.update(created.openEnded.id, { recurrence: weekly('FREQ=WEEKLY;INTERVAL=2;COUNT=5') });
    events.update(created.daily.id, { start: '2025-03-28T02:30:00', end: '2025-03-28T03:30:00' });
    events.update(created.ownWeekday.id, { timeZone: 'America/New_York' });
    events.update(created.until.id, { recurrence: weekly('FREQ=WEEKLY', { exdates: ['2025-11-03T11:00:00'] }) });
    events.remove(created.twoDays.id);
    expectSameAsFullScan(events);
  });
});
