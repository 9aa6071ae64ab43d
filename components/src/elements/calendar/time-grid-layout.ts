/**
 * Where events go in a time grid (day, work week, week, resource day): timed events as blocks in their columns,
 * overlapping ones side by side; all-day events and events of a day or more as bars above the grid.
 *
 * Blocks sit at their wall-clock times in the view's zone: an event at 09:00 Berlin shows at 09:00 in a
 * Berlin view and at 03:00 in a New York one, and across a daylight-saving change a day keeps 24 wall-clock
 * hours (the skipped hour is empty, the repeated one holds both).
 */
import { instantToWallClock } from '../../core/calendar/wall-clock-time.ts';
import type { Occurrence } from '../../core/index.ts';
import { DAY_MS } from './calendar-range.ts';
import { assignLanes, capLanes } from './spanning-lanes.ts';

const MINUTE_MS = 60_000;
/** The all-day row, folded: two lines of bars and a third for `+N more`, as the big calendars do. */
export const ALL_DAY_LINES = 3;
const DAY_MINUTES = 1440;

/** A column of the grid: a day, or one resource's (or the unassigned) column of a day. */
export interface GridColumn {
  day: number;
  /** In a resource day view: the resource shown, '' for events booking none. */
  resourceId?: string;
}

export interface TimedBlock {
  occurrence: Occurrence;
  column: number;
  /** Minutes after the day's wall-clock midnight. */
  startMinute: number;
  endMinute: number;
  /** The event started on an earlier day, or goes on after this one. */
  startsBefore: boolean;
  endsAfter: boolean;
  /** Side by side: this block's lane of `lanes` in its group of overlapping blocks. */
  lane: number;
  lanes: number;
}

export interface AllDayBar {
  occurrence: Occurrence;
  firstColumn: number;
  lastColumn: number;
  lane: number;
  startsBefore: boolean;
  endsAfter: boolean;
}

export interface TimeGridLayout {
  timed: TimedBlock[];
  /** The all-day bars shown. */
  allDay: AllDayBar[];
  /** Lines the all-day row takes, the `+N more` line included. */
  allDayLanes: number;
  /** Per column: how many all-day bars are not shown, for its `+N more`. */
  allDayHidden: number[];
}

/** Whether an occurrence belongs in a resource column. */
export function booksColumn(occurrence: Occurrence, column: GridColumn): boolean {
  if (column.resourceId === undefined) return true;
  const resources = occurrence.resources ?? [];
  return column.resourceId === '' ? resources.length === 0 : resources.includes(column.resourceId);
}

/**
 * Lays out `occurrences` (as the events store returns them, in `zone`) over `columns`. `minMinutes` is the
 * shortest a block is drawn, so that short events drawn taller than they last do not hide each other. The all-day
 * row shows at most `allDayLines` lines a column, the last of a fuller column saying `+N more` (a clinic's
 * birthdays alone can be dozens a day).
 */
export function layoutTimeGrid(occurrences: readonly Occurrence[], columns: readonly GridColumn[], zone: string, minMinutes = 15, allDayLines = Infinity): TimeGridLayout {
  const timed: TimedBlock[] = [];
  const bars: Omit<AllDayBar, 'lane'>[] = [];
  const firstDay = columns[0]?.day ?? 0;
  const lastDay = columns.at(-1)?.day ?? 0;
  const byResource = columns.some((column) => column.resourceId !== undefined);

  for (const occurrence of occurrences) {
    const localStart = instantToWallClock(occurrence.start, zone);
    const localEnd = Math.max(localStart, instantToWallClock(occurrence.end, zone));
    const startDay = Math.floor(localStart / DAY_MS);
    // An end at midnight belongs to the day before; a zero-length event to the day it is on.
    const endDay = localEnd > localStart ? Math.ceil(localEnd / DAY_MS) - 1 : startDay;
    if (endDay < firstDay || startDay > lastDay) continue;

    if (occurrence.allDay || occurrence.end - occurrence.start >= DAY_MS) {
      if (byResource) {
        columns.forEach((column, index) => {
          if (column.day >= startDay && column.day <= endDay && booksColumn(occurrence, column))
            bars.push({ occurrence, firstColumn: index, lastColumn: index, startsBefore: startDay < column.day, endsAfter: endDay > column.day });
        });
        continue;
      }
      const covered = columns.flatMap((column, index) => (column.day >= startDay && column.day <= endDay ? [index] : []));
      if (covered.length === 0) continue;
      bars.push({ occurrence, firstColumn: covered[0]!, lastColumn: covered.at(-1)!, startsBefore: startDay < firstDay, endsAfter: endDay > lastDay });
      continue;
    }

    columns.forEach((column, index) => {
      if (column.day < startDay || column.day > endDay || !booksColumn(occurrence, column)) return;
      const dayStart = column.day * DAY_MS;
      const startMinute = Math.max(0, (localStart - dayStart) / MINUTE_MS);
      const endMinute = Math.min(DAY_MINUTES, (localEnd - dayStart) / MINUTE_MS);
      timed.push({ occurrence, column: index, startMinute, endMinute, startsBefore: localStart < dayStart, endsAfter: localEnd > dayStart + DAY_MS, lane: 0, lanes: 1 });
    });
  }

  placeSideBySide(timed, minMinutes);
  // Same days and start: by title, so that a day's birthdays read in order and stay put from render to render.
  bars.sort(
    (a, b) =>
      a.firstColumn - b.firstColumn ||
      b.lastColumn - b.firstColumn - (a.lastColumn - a.firstColumn) ||
      a.occurrence.start - b.occurrence.start ||
      a.occurrence.title.localeCompare(b.occurrence.title),
  );
  const lanes = assignLanes(bars, columns.length);
  const { shown, hidden } = capLanes(bars, lanes, columns.length, allDayLines);
  const allDay = bars.flatMap((bar, index) => (shown[index] ? [{ ...bar, lane: lanes[index]! }] : []));
  const allDayLanes = hidden.some((count) => count > 0) ? allDayLines : allDay.reduce((most, bar) => Math.max(most, bar.lane + 1), 0);
  return { timed, allDay, allDayLanes, allDayHidden: hidden };
}

/**
 * Gives overlapping blocks of a column lanes side by side: each group of blocks that overlap one another,
 * directly or through others, shares its number of lanes, so that widths line up within the group.
 */
function placeSideBySide(blocks: TimedBlock[], minMinutes: number): void {
  blocks.sort((a, b) => a.column - b.column || a.startMinute - b.startMinute || b.endMinute - a.endMinute);
  let group: TimedBlock[] = [];
  let laneEnds: number[] = [];
  let groupEnd = -1;
  let groupColumn = -1;
  const closeGroup = () => {
    for (const block of group) block.lanes = laneEnds.length;
    group = [];
    laneEnds = [];
  };
  for (const block of blocks) {
    const drawnEnd = Math.max(block.endMinute, block.startMinute + minMinutes);
    if (block.column !== groupColumn || block.startMinute >= groupEnd) {
      closeGroup();
      groupColumn = block.column;
      groupEnd = drawnEnd;
    }
    let lane = laneEnds.findIndex((end) => end <= block.startMinute);
    if (lane === -1) lane = laneEnds.push(drawnEnd) - 1;
    else laneEnds[lane] = drawnEnd;
    block.lane = lane;
    groupEnd = Math.max(groupEnd, drawnEnd);
    group.push(block);
  }
  closeGroup();
}
