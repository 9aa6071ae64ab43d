import { describe, expect, it } from 'vitest';
import type { Occurrence } from '../../core/index.ts';
import { wallClockToInstant } from '../../core/calendar/wall-clock-time.ts';
import { DAY_MS, dateOf, dayOf, rangeInstants, stepAnchor, viewRange, weekdayOf } from './calendar-range.ts';
import { layoutTimeGrid } from './time-grid-layout.ts';
import { layoutMonth } from './month-layout.ts';

const day = (date: string) => dayOf(date)!;
const at = (dateTime: string, zone: string) => wallClockToInstant(Date.parse(`${dateTime}Z`), zone);
const MONDAY_FIRST = { firstDay: 1, weekend: [6, 0] } as const;
const SUNDAY_FIRST = { firstDay: 0, weekend: [6, 0] } as const;

let ids = 0;
function occurrence(start: number, end: number, fields: Partial<Occurrence> = {}): Occurrence {
  const eventId = `e${++ids}`;
  return { eventId, recurrenceId: '', title: eventId, start, end, allDay: false, location: '', status: 'booked', resources: [], event: {} as never, ...fields };
}
const timed = (from: string, to: string, zone = 'Europe/Berlin', fields: Partial<Occurrence> = {}) => occurrence(at(from, zone), at(to, zone), fields);
const allDay = (from: string, toExclusive: string, zone = 'Europe/Berlin') => occurrence(at(`${from}T00:00:00`, zone), at(`${toExclusive}T00:00:00`, zone), { allDay: true });

describe('view ranges', () => {
  it('start weeks on the locale’s first day', () => {
    const sunday = day('2025-03-30');
    expect(weekdayOf(sunday)).toBe(0);
    expect(dateOf(viewRange('week', sunday, MONDAY_FIRST).start)).toBe('2025-03-24');
    expect(dateOf(viewRange('week', sunday, SUNDAY_FIRST).start)).toBe('2025-03-30');
  });

  it('leave the locale’s weekend out of the work week', () => {
    const wednesday = day('2025-03-26');
    expect(viewRange('work-week', wednesday, MONDAY_FIRST).days.map(dateOf)).toEqual(['2025-03-24', '2025-03-25', '2025-03-26', '2025-03-27', '2025-03-28']);
    const egypt = viewRange('work-week', wednesday, { firstDay: 6, weekend: [5, 6] });
    expect(egypt.days.map((d) => weekdayOf(d))).toEqual([0, 1, 2, 3, 4]);
  });

  it('show a month as whole weeks', () => {
    const march = viewRange('month', day('2025-03-15'), MONDAY_FIRST);
    expect(dateOf(march.start)).toBe('2025-02-24');
    expect(dateOf(march.end - 1)).toBe('2025-04-06');
    expect(march.days).toHaveLength(42);
    expect(dateOf(march.monthStart!)).toBe('2025-03-01');
    expect(viewRange('month', day('2027-02-10'), MONDAY_FIRST).days).toHaveLength(28);
  });

  it('step a month to the same day, or the last of a shorter month', () => {
    expect(dateOf(stepAnchor('month', day('2025-01-31'), 1))).toBe('2025-02-28');
    expect(dateOf(stepAnchor('month', day('2025-03-31'), -1))).toBe('2025-02-28');
    expect(dateOf(stepAnchor('week', day('2025-03-31'), -1))).toBe('2025-03-24');
  });

  it('cover a daylight-saving week with one hour less', () => {
    const [start, end] = rangeInstants(viewRange('week', day('2025-03-26'), MONDAY_FIRST), 'Europe/Berlin');
    expect((end - start) / 3_600_000).toBe(7 * 24 - 1);
  });
});

describe('time grid layout', () => {
  const week = viewRange('week', day('2025-03-26'), MONDAY_FIRST).days.map((d) => ({ day: d }));

  it('places overlapping events side by side and the next one full width', () => {
    const { timed: blocks } = layoutTimeGrid(
      [timed('2025-03-25T09:00:00', '2025-03-25T10:00:00'), timed('2025-03-25T09:30:00', '2025-03-25T10:30:00'), timed('2025-03-25T10:30:00', '2025-03-25T11:00:00')],
      week,
      'Europe/Berlin',
    );
    expect(blocks.map(({ column, startMinute, endMinute, lane, lanes }) => ({ column, startMinute, endMinute, lane, lanes }))).toEqual([
      { column: 1, startMinute: 540, endMinute: 600, lane: 0, lanes: 2 },
      { column: 1, startMinute: 570, endMinute: 630, lane: 1, lanes: 2 },
      { column: 1, startMinute: 630, endMinute: 660, lane: 0, lanes: 1 },
    ]);
  });

  it('keeps wall-clock times across the change to summer time, in the view’s zone', () => {
    const sundayAfter = timed('2025-03-30T09:00:00', '2025-03-30T10:00:00');
    const mondayAfter = timed('2025-03-31T09:00:00', '2025-03-31T10:00:00');
    const nextWeek = viewRange('week', day('2025-03-31'), MONDAY_FIRST).days.map((d) => ({ day: d }));
    expect(layoutTimeGrid([sundayAfter], week, 'Europe/Berlin').timed[0]).toMatchObject({ column: 6, startMinute: 540, endMinute: 600 });
    expect(layoutTimeGrid([mondayAfter], nextWeek, 'Europe/Berlin').timed[0]).toMatchObject({ column: 0, startMinute: 540 });
    // New York is six hours behind Berlin again once both have changed.
    expect(layoutTimeGrid([mondayAfter], nextWeek, 'America/New_York').timed[0]).toMatchObject({ column: 0, startMinute: 180 });
    // On 2025-03-24 New York has changed (9 March) and Berlin has not: five hours.
    expect(layoutTimeGrid([timed('2025-03-24T09:00:00', '2025-03-24T10:00:00')], week, 'America/New_York').timed[0]).toMatchObject({ startMinute: 240 });
  });

  it('splits an event across midnight into the two days', () => {
    const { timed: blocks } = layoutTimeGrid([timed('2025-03-25T22:00:00', '2025-03-26T02:00:00')], week, 'Europe/Berlin');
    expect(blocks.map(({ column, startMinute, endMinute, startsBefore, endsAfter }) => ({ column, startMinute, endMinute, startsBefore, endsAfter }))).toEqual([
      { column: 1, startMinute: 1320, endMinute: 1440, startsBefore: false, endsAfter: true },
      { column: 2, startMinute: 0, endMinute: 120, startsBefore: true, endsAfter: false },
    ]);
  });

  it('puts all-day events in lanes above the grid, spanning their days', () => {
    const layout = layoutTimeGrid([allDay('2025-03-24', '2025-03-27'), allDay('2025-03-26', '2025-03-27'), allDay('2025-03-27', '2025-04-02')], week, 'Europe/Berlin');
    expect(layout.allDay.map(({ firstColumn, lastColumn, lane, endsAfter }) => ({ firstColumn, lastColumn, lane, endsAfter }))).toEqual([
      { firstColumn: 0, lastColumn: 2, lane: 0, endsAfter: false },
      { firstColumn: 2, lastColumn: 2, lane: 1, endsAfter: false },
      { firstColumn: 3, lastColumn: 6, lane: 0, endsAfter: true },
    ]);
    expect(layout.allDayLanes).toBe(2);
  });

  it('folds a full all-day row to its first lines, counting per day what a `+N more` stands for', () => {
    const busyTuesday = Array.from({ length: 5 }, () => allDay('2025-03-25', '2025-03-26'));
    const acrossMonday = allDay('2025-03-24', '2025-03-26');
    const events = [acrossMonday, ...busyTuesday, allDay('2025-03-27', '2025-03-28')];
    const folded = layoutTimeGrid(events, week, 'Europe/Berlin', 15, 3);
    // Tuesday holds six bars: two lines of them, the third says +4. Monday's bar goes on into Tuesday on line one.
    expect(folded.allDayHidden).toEqual([0, 4, 0, 0, 0, 0, 0]);
    expect(folded.allDay.map(({ occurrence, lane }) => [occurrence.eventId, lane])).toEqual([
      [acrossMonday.eventId, 0],
      [busyTuesday[0]!.eventId, 1],
      [events.at(-1)!.eventId, 0],
    ]);
    expect(folded.allDayLanes).toBe(3);

    const unfolded = layoutTimeGrid(events, week, 'Europe/Berlin', 15, Infinity);
    expect(unfolded.allDay).toHaveLength(events.length);
    expect(unfolded.allDayHidden).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(unfolded.allDayLanes).toBe(6);
  });

  it('never cuts a multi-day all-day bar short: one that does not fit every day it covers is left out of each', () => {
    const mondayToTuesday = [allDay('2025-03-24', '2025-03-26'), allDay('2025-03-24', '2025-03-26')];
    const tuesdayToWednesday = allDay('2025-03-25', '2025-03-27');
    const wednesdays = Array.from({ length: 3 }, () => allDay('2025-03-26', '2025-03-27'));
    const layout = layoutTimeGrid([...mondayToTuesday, tuesdayToWednesday, ...wednesdays], week, 'Europe/Berlin', 15, 3);
    // Tuesday–Wednesday lands on line three: room enough on Tuesday (three bars), not on Wednesday (four: two lines
    // and +2), so it is not shown at all, and both days count it.
    expect(layout.allDay.map((bar) => bar.occurrence.eventId)).not.toContain(tuesdayToWednesday.eventId);
    expect(layout.allDayHidden).toEqual([0, 1, 2, 0, 0, 0, 0]);
    expect(layout.allDay).toHaveLength(4);
  });

  it('gives each resource its column and events booking none the unassigned one', () => {
    const tuesday = day('2025-03-25');
    const columns = [{ day: tuesday, resourceId: 'dr-a' }, { day: tuesday, resourceId: 'room-1' }, { day: tuesday, resourceId: '' }];
    const both = timed('2025-03-25T09:00:00', '2025-03-25T10:00:00', 'Europe/Berlin', { resources: ['dr-a', 'room-1'] });
    const none = timed('2025-03-25T11:00:00', '2025-03-25T12:00:00');
    expect(layoutTimeGrid([both, none], columns, 'Europe/Berlin').timed.map((block) => [block.occurrence.eventId, block.column])).toEqual([
      [both.eventId, 0],
      [both.eventId, 1],
      [none.eventId, 2],
    ]);
  });
});

describe('month layout', () => {
  const march = viewRange('month', day('2025-03-15'), MONDAY_FIRST);

  it('shows what fits and counts the rest as more, per day', () => {
    const busy = Array.from({ length: 5 }, (_, index) => timed(`2025-03-12T0${index + 1}:00:00`, `2025-03-12T0${index + 1}:30:00`));
    const weeks = layoutMonth([...busy, timed('2025-03-13T09:00:00', '2025-03-13T10:00:00')], march.days, 'Europe/Berlin', 3);
    const week = weeks[2]!;
    expect(dateOf(week.days[2]!)).toBe('2025-03-12');
    expect(week.bars.filter((bar) => bar.firstColumn === 2)).toHaveLength(2);
    expect(week.hidden).toEqual([0, 0, 3, 0, 0, 0, 0]);
    expect(week.bars.filter((bar) => bar.firstColumn === 3)).toHaveLength(1);
  });

  it('carries a multi-day event across week rows', () => {
    const weeks = layoutMonth([allDay('2025-03-08', '2025-03-12')], march.days, 'Europe/Berlin', 3);
    expect(weeks[1]!.bars[0]).toMatchObject({ firstColumn: 5, lastColumn: 6, endsAfter: true, startsBefore: false });
    expect(weeks[2]!.bars[0]).toMatchObject({ firstColumn: 0, lastColumn: 1, startsBefore: true, endsAfter: false });
  });

  it('files an event by its day in the view’s zone', () => {
    const lateInBerlin = timed('2025-03-12T23:30:00', '2025-03-12T23:45:00');
    expect(layoutMonth([lateInBerlin], march.days, 'Europe/Berlin', 3)[2]!.bars[0]!.firstColumn).toBe(2);
    expect(layoutMonth([lateInBerlin], march.days, 'Asia/Tokyo', 3)[2]!.bars[0]!.firstColumn).toBe(3);
    expect(DAY_MS).toBe(86_400_000);
  });
});
