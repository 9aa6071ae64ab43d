/**
 * Where events go in a month: one row per week, each event a bar over the days it covers in that row (a
 * one-day timed event is a one-day bar), stacked in lanes. Cells keep a fixed size: a day with more events than
 * fit shows `+N more` in its last line instead, N counting every event of that day left out.
 */
import { instantToWallClock } from '../../core/calendar/wall-clock-time.ts';
import type { Occurrence } from '../../core/index.ts';
import { DAY_MS } from './calendar-range.ts';
import { assignLanes, capLanes } from './spanning-lanes.ts';

export interface MonthBar {
  occurrence: Occurrence;
  /** Columns 0–6 of its week row. */
  firstColumn: number;
  lastColumn: number;
  lane: number;
  startsBefore: boolean;
  endsAfter: boolean;
}

export interface MonthWeek {
  /** The seven days of the row. */
  days: number[];
  bars: MonthBar[];
  /** Per column: how many events of that day are not shown. */
  hidden: number[];
}

interface Placed {
  occurrence: Occurrence;
  startDay: number;
  endDay: number;
  long: boolean;
}

/**
 * Lays out `occurrences` (in `zone`) over the weeks of `days` (whole weeks, as `viewRange` gives for a month),
 * showing at most `lines` lines of events per cell, the last of which says `+N more` when needed.
 */
export function layoutMonth(occurrences: readonly Occurrence[], days: readonly number[], zone: string, lines: number): MonthWeek[] {
  const placed: Placed[] = occurrences.map((occurrence) => {
    const localStart = instantToWallClock(occurrence.start, zone);
    const localEnd = Math.max(localStart, instantToWallClock(occurrence.end, zone));
    const startDay = Math.floor(localStart / DAY_MS);
    const endDay = localEnd > localStart ? Math.ceil(localEnd / DAY_MS) - 1 : startDay;
    return { occurrence, startDay, endDay, long: occurrence.allDay || endDay > startDay };
  });
  // All-day and multi-day events first, longer first, so that they keep the top lines; then timed ones by start;
  // then by title, so that a day's birthdays read in order and stay put from render to render.
  placed.sort(
    (a, b) =>
      Number(b.long) - Number(a.long) ||
      a.startDay - b.startDay ||
      b.endDay - b.startDay - (a.endDay - a.startDay) ||
      a.occurrence.start - b.occurrence.start ||
      a.occurrence.title.localeCompare(b.occurrence.title),
  );

  const weeks: MonthWeek[] = [];
  for (let row = 0; row * 7 < days.length; row++) {
    const weekDays = days.slice(row * 7, row * 7 + 7);
    const first = weekDays[0]!;
    const last = weekDays.at(-1)!;
    const inRow = placed.filter((item) => item.endDay >= first && item.startDay <= last);
    const spans = inRow.map((item) => ({ firstColumn: Math.max(item.startDay, first) - first, lastColumn: Math.min(item.endDay, last) - first }));
    const lanes = assignLanes(spans, 7);
    const { shown, hidden } = capLanes(spans, lanes, 7, lines);
    const bars: MonthBar[] = [];
    inRow.forEach((item, index) => {
      if (shown[index]) bars.push({ occurrence: item.occurrence, ...spans[index]!, lane: lanes[index]!, startsBefore: item.startDay < first, endsAfter: item.endDay > last });
    });
    weeks.push({ days: weekDays, bars, hidden });
  }
  return weeks;
}
