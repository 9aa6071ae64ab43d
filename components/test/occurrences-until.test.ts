/**
 * RFC 5545 3.3.10: when DTSTART has a zone, UNTIL is in UTC and names an instant; an occurrence belongs to the
 * series when it starts at or before that instant, whatever the zone's offset at the boundary.
 */
import { describe, expect, it } from 'vitest';
import { EventTimeIndex } from '../src/core/calendar/event-time-index.ts';
import { expandEvent } from '../src/core/calendar/occurrences.ts';
import { eventFields, utc, weekly } from './core-fixtures.ts';
import type { CalendarEvent, EventFields } from '../src/core/records/records.ts';

const stored = (fields: EventFields): CalendarEvent => ({ ...fields, id: 'series', createdAt: 0, updatedAt: 0 });

function series(start: string, timeZone: string, rrule: string): CalendarEvent {
  const end = start.replace(/T(\d{2})/, (_, hour: string) => `T${String(Number(hour) + 1).padStart(2, '0')}`);
  return stored(eventFields({ start, end, timeZone, recurrence: weekly(rrule) }));
}

const startsOf = (event: CalendarEvent, from: string, to: string) =>
  expandEvent(event, utc(from), utc(to), 'UTC')
    .map((occurrence) => new Date(occurrence.start).toISOString())
    .sort();

function candidates(event: CalendarEvent, from: string, to: string): string[] {
  const found: string[] = [];
  new EventTimeIndex([event]).forEachCandidate(utc(from), utc(to), (id) => found.push(id));
  return found;
}

describe('UNTIL east of UTC (Europe/Berlin, UTC+2 in summer)', () => {
  // The last Monday's 10:00 in Berlin is 08:00Z: exactly the UNTIL instant, so it belongs to the series.
  const berlin = series('2024-06-03T10:00:00', 'Europe/Berlin', 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20240624T080000Z');

  it('keeps the occurrence that starts exactly at the UNTIL instant', () => {
    expect(startsOf(berlin, '2024-06-01T00:00:00Z', '2024-07-15T00:00:00Z')).toEqual(['2024-06-03T08:00:00.000Z', '2024-06-10T08:00:00.000Z', '2024-06-17T08:00:00.000Z', '2024-06-24T08:00:00.000Z']);
  });

  it('drops an occurrence one second after the UNTIL instant', () => {
    const ending = series('2024-06-03T10:00:00', 'Europe/Berlin', 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20240624T075959Z');
    expect(startsOf(ending, '2024-06-20T00:00:00Z', '2024-07-15T00:00:00Z')).toEqual([]);
  });

  it('names the series as a candidate for the week of its last occurrence and not after', () => {
    expect(candidates(berlin, '2024-06-24T00:00:00Z', '2024-07-01T00:00:00Z')).toEqual(['series']);
    expect(candidates(berlin, '2024-07-02T00:00:00Z', '2024-07-09T00:00:00Z')).toEqual([]);
  });
});

describe('UNTIL west of UTC (America/New_York, UTC-4 in summer)', () => {
  // 22:00 in New York is 02:00Z the next day: UNTIL=…T230000Z on the 10th falls before the 10th's occurrence.
  const newYork = series('2024-06-05T22:00:00', 'America/New_York', 'FREQ=DAILY;UNTIL=20240610T230000Z');

  it('drops the occurrence whose wall-clock time is before UNTIL but whose instant is after it', () => {
    expect(startsOf(newYork, '2024-06-08T00:00:00Z', '2024-06-20T00:00:00Z')).toEqual(['2024-06-08T02:00:00.000Z', '2024-06-09T02:00:00.000Z', '2024-06-10T02:00:00.000Z']);
  });

  it('keeps the occurrence that starts exactly at the UNTIL instant', () => {
    const ending = series('2024-06-05T22:00:00', 'America/New_York', 'FREQ=DAILY;UNTIL=20240611T020000Z');
    expect(startsOf(ending, '2024-06-10T00:00:00Z', '2024-06-20T00:00:00Z')).toEqual(['2024-06-10T02:00:00.000Z', '2024-06-11T02:00:00.000Z']);
  });

  it('names the series as a candidate for the day of its last occurrence and not after', () => {
    const ending = series('2024-06-05T22:00:00', 'America/New_York', 'FREQ=DAILY;UNTIL=20240611T020000Z');
    expect(candidates(ending, '2024-06-11T01:00:00Z', '2024-06-11T03:00:00Z')).toEqual(['series']);
    expect(candidates(ending, '2024-06-13T00:00:00Z', '2024-06-14T00:00:00Z')).toEqual([]);
  });
});

describe('UNTIL across a daylight-saving change', () => {
  it('compares the instant after Berlin leaves summer time', () => {
    // 27 October 2024: Berlin goes from UTC+2 to UTC+1. Sunday 09:00 on the 27th is 08:00Z.
    const sundays = series('2024-10-13T09:00:00', 'Europe/Berlin', 'FREQ=WEEKLY;UNTIL=20241027T080000Z');
    expect(startsOf(sundays, '2024-10-01T00:00:00Z', '2024-11-30T00:00:00Z')).toEqual(['2024-10-13T07:00:00.000Z', '2024-10-20T07:00:00.000Z', '2024-10-27T08:00:00.000Z']);
  });
});

describe('UNTIL as a date or a floating time', () => {
  it('keeps a floating UNTIL as wall-clock time in the event zone', () => {
    const floating = series('2024-05-06T09:00:00', 'America/New_York', 'FREQ=WEEKLY;UNTIL=20240520T090000');
    expect(startsOf(floating, '2024-05-01T00:00:00Z', '2024-06-30T00:00:00Z')).toHaveLength(3);
  });

  it('keeps a series in UTC bounded by its UNTIL', () => {
    const inUtc = series('2024-05-06T09:00:00', 'UTC', 'FREQ=DAILY;UNTIL=20240508T090000Z');
    expect(startsOf(inUtc, '2024-05-01T00:00:00Z', '2024-06-30T00:00:00Z')).toEqual(['2024-05-06T09:00:00.000Z', '2024-05-07T09:00:00.000Z', '2024-05-08T09:00:00.000Z']);
  });
});
