/**
 * Which days a calendar view shows, and how it steps: pure functions of the view, the date it is anchored on and
 * the locale's week. Days are *day numbers* (days since 1970-01-01, as a wall-clock date reads, zone-free), so
 * that a week across a daylight-saving change still has seven days of 24 wall-clock hours each.
 */
import { formatLocalDate, parseLocalDate, wallClockToInstant } from '../../core/calendar/wall-clock-time.ts';
import type { Weekday } from '../shared/locale.ts';

export const DAY_MS = 86_400_000;

export const CALENDAR_VIEWS = ['day', 'work-week', 'week', 'month', 'agenda', 'resource-day'] as const;
export type CalendarView = (typeof CALENDAR_VIEWS)[number];

/** How many days the agenda lists from its date: a month's worth, scrolled in a virtualised list. */
export const AGENDA_DAYS = 31;

export interface WeekRules {
  firstDay: Weekday;
  /** The locale's weekend, left out of the work week. */
  weekend: readonly Weekday[];
}

export interface ViewRange {
  view: CalendarView;
  /** The days shown, in order: the columns of a time grid, the cells of a month (row by row), the agenda's days. */
  days: number[];
  /** First day shown and the day after the last. */
  start: number;
  end: number;
  /** For a month view: the month's first day (the grid starts earlier, on the week's first day). */
  monthStart?: number;
}

export function isCalendarView(value: unknown): value is CalendarView {
  return CALENDAR_VIEWS.includes(value as CalendarView);
}

/** `YYYY-MM-DD` → day number, or undefined if it is not a real date. */
export function dayOf(date: string): number | undefined {
  const local = parseLocalDate(date);
  return local === undefined ? undefined : local / DAY_MS;
}

export function dateOf(day: number): string {
  return formatLocalDate(day * DAY_MS);
}

export function weekdayOf(day: number): Weekday {
  // 1970-01-01 was a Thursday.
  return ((((day + 4) % 7) + 7) % 7) as Weekday;
}

/** The first day of the week holding `day`. */
export function startOfWeek(day: number, firstDay: Weekday): number {
  return day - ((weekdayOf(day) - firstDay + 7) % 7);
}

function monthParts(day: number): { year: number; month: number } {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() };
}

function firstOfMonth(year: number, month: number): number {
  return Date.UTC(year, month, 1) / DAY_MS;
}

const span = (start: number, count: number) => Array.from({ length: count }, (_, index) => start + index);

export function viewRange(view: CalendarView, anchor: number, week: WeekRules): ViewRange {
  switch (view) {
    case 'day':
    case 'resource-day':
      return { view, days: [anchor], start: anchor, end: anchor + 1 };
    case 'week': {
      const start = startOfWeek(anchor, week.firstDay);
      return { view, days: span(start, 7), start, end: start + 7 };
    }
    case 'work-week': {
      const start = startOfWeek(anchor, week.firstDay);
      const days = span(start, 7).filter((day) => !week.weekend.includes(weekdayOf(day)));
      return { view, days, start: days[0] ?? start, end: (days.at(-1) ?? start) + 1 };
    }
    case 'month': {
      const { year, month } = monthParts(anchor);
      const monthStart = firstOfMonth(year, month);
      const monthEnd = firstOfMonth(year, month + 1);
      const start = startOfWeek(monthStart, week.firstDay);
      const weeks = Math.ceil((monthEnd - start) / 7);
      return { view, days: span(start, weeks * 7), start, end: start + weeks * 7, monthStart };
    }
    case 'agenda':
      return { view, days: span(anchor, AGENDA_DAYS), start: anchor, end: anchor + AGENDA_DAYS };
  }
}

/** The anchor one period before or after: a day, a week, a month (clamped to its length), an agenda's span. */
export function stepAnchor(view: CalendarView, anchor: number, direction: 1 | -1): number {
  switch (view) {
    case 'day':
    case 'resource-day':
      return anchor + direction;
    case 'week':
    case 'work-week':
      return anchor + 7 * direction;
    case 'agenda':
      return anchor + AGENDA_DAYS * direction;
    case 'month': {
      const date = new Date(anchor * DAY_MS);
      const target = firstOfMonth(date.getUTCFullYear(), date.getUTCMonth() + direction);
      const { year, month } = monthParts(target);
      const length = firstOfMonth(year, month + 1) - target;
      return target + Math.min(date.getUTCDate(), length) - 1;
    }
  }
}

/** The instants a range covers in `zone`: from the first day's midnight to the midnight after the last day. */
export function rangeInstants(range: Pick<ViewRange, 'start' | 'end'>, zone: string): [number, number] {
  return [wallClockToInstant(range.start * DAY_MS, zone), wallClockToInstant(range.end * DAY_MS, zone)];
}
