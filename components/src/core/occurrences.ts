/**
 * The occurrences of one event within a range of instants: RRULE expanded by ical.js in floating (wall-clock)
 * time, EXDATE removed, RDATE added, overridden occurrences replaced, then each wall-clock time turned into an
 * instant in the event's zone. All-day events float: their dates are placed in the viewer's zone.
 *
 * Expanding a rule from its first occurrence each time a view asks would cost most of a query, so the starts a
 * rule generates are kept per event (a WeakMap on the immutable materialised event: an edit makes a new one).
 */
import ICAL from 'ical.js';
import { formatLocalDate, formatLocalDateTime, parseLocal, wallClockToInstant } from './wall-clock-time.ts';
import type { CalendarEvent, Occurrence, OccurrenceOverride } from './records.ts';

const HOUR_MS = 3_600_000;
/** No zone is further than 14 hours from UTC (Pacific/Kiritimati), so a wall-clock time is within that of its instant. */
export const MAX_ZONE_OFFSET_MS = 14 * HOUR_MS;
/** A rule that yields nothing or runs on forever in a tight loop stops after this many generated starts. */
const MAX_GENERATED_STARTS = 200_000;

interface RuleExpansion {
  iterator: ICAL.RecurIterator;
  /** Generated starts so far, in local milliseconds, ascending. */
  starts: number[];
  done: boolean;
}

const expansions = new WeakMap<CalendarEvent, RuleExpansion>();

function icalTimeOf(localMs: number, allDay: boolean): ICAL.Time {
  const date = new Date(localMs);
  return ICAL.Time.fromData({
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    isDate: allDay,
  });
}

const localMsOf = (time: ICAL.Time) => Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);

/** The rule's generated starts up to (excluding) `untilLocal`, extending the kept expansion as needed. */
function generatedStarts(event: CalendarEvent, untilLocal: number): number[] {
  let expansion = expansions.get(event);
  if (!expansion) {
    const dtstart = icalTimeOf(parseLocal(event.start, event.allDay)!, event.allDay);
    expansion = { iterator: ICAL.Recur.fromString(event.recurrence!.rrule).iterator(dtstart), starts: [], done: false };
    expansions.set(event, expansion);
  }
  while (!expansion.done && (expansion.starts.length === 0 || expansion.starts.at(-1)! < untilLocal)) {
    const next = expansion.iterator.next();
    if (!next || expansion.starts.length >= MAX_GENERATED_STARTS) expansion.done = true;
    else expansion.starts.push(localMsOf(next));
  }
  return expansion.starts;
}

function firstIndexAtOrAfter(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

interface OccurrenceTimes {
  start: number;
  end: number;
}

/** Turns an occurrence's local start (and local end, if overridden) into instants. */
function timesOf(event: CalendarEvent, zone: string, localStart: number, localEnd: number | undefined): OccurrenceTimes {
  const start = wallClockToInstant(localStart, zone);
  if (localEnd !== undefined) return { start, end: wallClockToInstant(localEnd, zone) };
  const master = masterTimesOf(event);
  // All-day occurrences last as many calendar days as the event; timed ones last the same exact time (RFC 5545 3.8.5.3).
  if (event.allDay) return { start, end: wallClockToInstant(localStart + (master.end - master.start), zone) };
  return { start, end: start + (wallClockToInstant(master.end, zone) - wallClockToInstant(master.start, zone)) };
}

const masterTimes = new WeakMap<CalendarEvent, OccurrenceTimes>();

/** The event's own start and end in local milliseconds, parsed once per (immutable) event. */
function masterTimesOf(event: CalendarEvent): OccurrenceTimes {
  let times = masterTimes.get(event);
  if (!times) masterTimes.set(event, (times = { start: parseLocal(event.start, event.allDay)!, end: parseLocal(event.end, event.allDay)! }));
  return times;
}

const overlaps = (times: OccurrenceTimes, rangeStart: number, rangeEnd: number) =>
  times.start < rangeEnd && (times.end > rangeStart || (times.end === times.start && times.start >= rangeStart));

function occurrenceOf(event: CalendarEvent, recurrenceId: string, times: OccurrenceTimes, override?: OccurrenceOverride): Occurrence {
  return {
    eventId: event.id,
    recurrenceId,
    title: override?.title ?? event.title,
    start: times.start,
    end: times.end,
    allDay: event.allDay,
    location: override?.location ?? event.location,
    event,
  };
}

/** The zone an event's wall-clock times are read in: its own, or the viewer's for floating all-day events. */
export const zoneOf = (event: CalendarEvent, viewZone: string) => (event.allDay ? viewZone : event.timeZone);

/** Occurrences of one event overlapping [rangeStart, rangeEnd), in no particular order. */
export function expandEvent(event: CalendarEvent, rangeStart: number, rangeEnd: number, viewZone: string): Occurrence[] {
  const zone = zoneOf(event, viewZone);
  const format = (localMs: number) => (event.allDay ? formatLocalDate(localMs) : formatLocalDateTime(localMs));
  const recurrence = event.recurrence;
  if (!recurrence) {
    const times = timesOf(event, zone, masterTimesOf(event).start, undefined);
    return overlaps(times, rangeStart, rangeEnd) ? [occurrenceOf(event, event.start, times)] : [];
  }
  const duration = masterTimesOf(event).end - masterTimesOf(event).start;
  // Widen the range to wall-clock times: an occurrence starting this early could still reach into the range.
  const fromLocal = rangeStart - MAX_ZONE_OFFSET_MS - duration - HOUR_MS;
  const toLocal = rangeEnd + MAX_ZONE_OFFSET_MS + HOUR_MS;
  const excluded = new Set(recurrence.exdates);
  const overridden = new Set(recurrence.overrides.map((override) => override.recurrenceId));
  const occurrences: Occurrence[] = [];
  const consider = (localStart: number) => {
    const recurrenceId = format(localStart);
    if (excluded.has(recurrenceId) || overridden.has(recurrenceId)) return;
    const times = timesOf(event, zone, localStart, undefined);
    if (overlaps(times, rangeStart, rangeEnd)) occurrences.push(occurrenceOf(event, recurrenceId, times));
  };
  const starts = generatedStarts(event, toLocal);
  const seen = new Set<number>();
  for (let index = firstIndexAtOrAfter(starts, fromLocal); index < starts.length && starts[index]! < toLocal; index++) {
    seen.add(starts[index]!);
    consider(starts[index]!);
  }
  for (const rdate of recurrence.rdates) {
    const localStart = parseLocal(rdate, event.allDay)!;
    if (localStart >= fromLocal && localStart < toLocal && !seen.has(localStart)) consider(localStart);
  }
  for (const override of recurrence.overrides) {
    if (excluded.has(override.recurrenceId)) continue;
    const localStart = parseLocal(override.start ?? override.recurrenceId, event.allDay)!;
    const localEnd = override.end === undefined ? undefined : parseLocal(override.end, event.allDay)!;
    const times = timesOf(event, zone, localStart, localEnd);
    if (overlaps(times, rangeStart, rangeEnd)) occurrences.push(occurrenceOf(event, override.recurrenceId, times, override));
  }
  return occurrences;
}
