/**
 * Where events go in a month: one row per week, each event a bar over the days it covers in that row (a
 * one-day timed event is a one-day bar), stacked in lanes. Cells keep a fixed size: a day with more events than
 * fit shows `+N more` in its last line instead, N counting every event of that day left out.
 */
import { instantToWallClock } from '../../core/calendar/wall-clock-time.ts';
import type { Occurrence } from '../../core/index.ts';
import { DAY_MS } from './calendar-range.ts';
import { assignLanes } from './spanning-lanes.ts';

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
  // All-day and multi-day events first, longer first, so that they keep the top lines; then timed ones by start.
  placed.sort(
    (a, b) =>
      Number(b.long) - Number(a.long) || a.startDay - b.startDay || b.endDay - b.startDay - (a.endDay - a.startDay) || a.occurrence.start - b.occurrence.start,
  );

  const weeks: MonthWeek[] = [];
  for (let row = 0; row * 7 < days.length; row++) {
    const weekDays = days.slice(row * 7, row * 7 + 7);
    const first = weekDays[0]!;
    const last = weekDays.at(-1)!;
    const inRow = placed.filter((item) => item.endDay >= first && item.startDay <= last);
    const spans = inRow.map((item) => ({ firstColumn: Math.max(item.startDay, first) - first, lastColumn: Math.min(item.endDay, last) - first }));
    const lanes = assignLanes(spans, 7);
    const perDay = new Array<number>(7).fill(0);
    for (const span of spans) for (let column = span.firstColumn; column <= span.lastColumn; column++) perDay[column]!++;
    // A day whose events all fit shows them all; a fuller one gives its last line to `+N more`.
    const linesFor = (column: number) => (perDay[column]! <= lines ? lines : lines - 1);
    const bars: MonthBar[] = [];
    const shown = new Array<number>(7).fill(0);
    inRow.forEach((item, index) => {
      const span = spans[index]!;
      const lane = lanes[index]!;
      let fits = true;
      for (let column = span.firstColumn; column <= span.lastColumn && fits; column++) fits = lane < linesFor(column);
      if (!fits) return;
      for (let column = span.firstColumn; column <= span.lastColumn; column++) shown[column]!++;
      bars.push({ occurrence: item.occurrence, ...span, lane, startsBefore: item.startDay < first, endsAfter: item.endDay > last });
    });
    weeks.push({ days: weekDays, bars, hidden: perDay.map((count, column) => count - shown[column]!) });
  }
  return weeks;
}
