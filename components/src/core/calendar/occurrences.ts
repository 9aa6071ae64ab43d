/**
 * The occurrences of one event within a range of instants: RRULE expanded by ical.js in floating (wall-clock)
 * time, EXDATE removed, RDATE added, overridden occurrences replaced, then each wall-clock time turned into an
 * instant in the event's zone. All-day events float: their dates are placed in the viewer's zone.
 *
 * Expanding a rule from its first occurrence each time a view asks would cost most of a query, so the starts a
 * rule generates are kept per event (a WeakMap on the immutable materialised event: an edit makes a new one).
 * The commonest series, every n days or weeks on the start's own weekday, need no expansion at all: their starts
 * in a range are computed directly, as wall-clock days all last 24 hours.
 */
import ICAL from 'ical.js';
import { formatLocalDate, formatLocalDateTime, instantToWallClock, parseLocal, wallClockToInstant } from './wall-clock-time.ts';
import type { CalendarEvent, Occurrence, OccurrenceOverride } from '../records/records.ts';

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
  /** A UTC UNTIL of a timed series, as the instant it names; the iterator itself then runs unbounded. */
  untilInstant: number | undefined;
}

const expansions = new WeakMap<CalendarEvent, RuleExpansion>();

const DAY_MS = 24 * HOUR_MS;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** A rule whose starts lie a fixed wall-clock step apart from the event's start, `count` of them at most. */
export interface FixedStepRule {
  stepMs: number;
  count: number;
}

/**
 * The rule as a fixed step when it is FREQ=DAILY or WEEKLY with no parts but INTERVAL and COUNT, or, weekly, a
 * BYDAY naming only the start's own weekday (as Google and Apple write weekly series); null for any other rule.
 * `localStart` is the event's start in local milliseconds.
 */
export function fixedStepRule(rrule: string, localStart: number): FixedStepRule | null {
  const recur = ICAL.Recur.fromString(rrule);
  const parts = Object.keys(recur.parts);
  const weekday = WEEKDAYS[new Date(localStart).getUTCDay()];
  const ownWeekdayOnly = parts.length === 0 || (parts.length === 1 && recur.parts.BYDAY?.length === 1 && recur.parts.BYDAY[0] === weekday);
  const days = recur.freq === 'DAILY' && parts.length === 0 ? 1 : recur.freq === 'WEEKLY' && ownWeekdayOnly ? 7 : 0;
  return days > 0 && !recur.until ? { stepMs: days * recur.interval * DAY_MS, count: Math.min(recur.count ?? Infinity, MAX_GENERATED_STARTS) } : null;
}

const fixedStepRules = new WeakMap<CalendarEvent, FixedStepRule | null>();

function fixedStepRuleOf(event: CalendarEvent): FixedStepRule | null {
  let rule = fixedStepRules.get(event);
  if (rule === undefined) fixedStepRules.set(event, (rule = fixedStepRule(event.recurrence!.rrule, masterTimesOf(event).start)));
  return rule;
}

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

/**
 * Starts the rule's expansion. ical.js compares UNTIL with the floating starts as if both were wall-clock times,
 * but RFC 5545 3.3.10 makes a UTC UNTIL of a zoned DTSTART an instant: a timed series' UTC UNTIL is therefore
 * taken off the rule and compared, instant to instant, as the starts are generated.
 */
function startExpansion(event: CalendarEvent): RuleExpansion {
  const recur = ICAL.Recur.fromString(event.recurrence!.rrule);
  let untilInstant: number | undefined;
  if (!event.allDay && recur.until && !recur.until.isDate && recur.until.zone === ICAL.Timezone.utcTimezone) {
    untilInstant = recur.until.toUnixTime() * 1000;
    recur.until = null;
  }
  const dtstart = icalTimeOf(parseLocal(event.start, event.allDay)!, event.allDay);
  return { iterator: recur.iterator(dtstart), starts: [], done: false, untilInstant };
}

/** The rule's generated starts up to (excluding) `untilLocal`, extending the kept expansion as needed. */
function generatedStarts(event: CalendarEvent, untilLocal: number): number[] {
  let expansion = expansions.get(event);
  if (!expansion) expansions.set(event, (expansion = startExpansion(event)));
  const { untilInstant } = expansion;
  while (!expansion.done && (expansion.starts.length === 0 || expansion.starts.at(-1)! < untilLocal)) {
    const next = expansion.iterator.next();
    const localStart = next && localMsOf(next);
    // No zone is more than MAX_ZONE_OFFSET_MS ahead of UTC, so a start this late is past the UNTIL in any zone.
    if (!next || expansion.starts.length >= MAX_GENERATED_STARTS || (untilInstant !== undefined && localStart! > untilInstant + MAX_ZONE_OFFSET_MS)) {
      expansion.done = true;
    } else if (untilInstant === undefined || wallClockToInstant(localStart!, event.timeZone) <= untilInstant) {
      expansion.starts.push(localStart!);
    }
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

/** An event's own start and end in local milliseconds, and, for timed events, its exact duration. */
interface MasterTimes extends OccurrenceTimes {
  exactDuration: number | undefined;
}

/** Turns an occurrence's local start (and local end, if overridden) into instants. */
function timesOf(event: CalendarEvent, zone: string, localStart: number, localEnd: number | undefined): OccurrenceTimes {
  const start = wallClockToInstant(localStart, zone);
  return { start, end: localEnd === undefined ? ruleOccurrenceEnd(event, zone, localStart, start) : wallClockToInstant(localEnd, zone) };
}

/** The end of an occurrence lasting as long as the event, given its start as wall-clock time and instant. */
function ruleOccurrenceEnd(event: CalendarEvent, zone: string, localStart: number, start: number): number {
  const master = masterTimesOf(event);
  // All-day occurrences last as many calendar days as the event; timed ones last the same exact time (RFC 5545 3.8.5.3).
  return event.allDay ? wallClockToInstant(localStart + (master.end - master.start), zone) : start + exactDurationOf(event);
}

/** A timed event's duration in exact time, in its own zone. */
function exactDurationOf(event: CalendarEvent): number {
  const master = masterTimesOf(event);
  master.exactDuration ??= wallClockToInstant(master.end, event.timeZone) - wallClockToInstant(master.start, event.timeZone);
  return master.exactDuration;
}

const masterTimes = new WeakMap<CalendarEvent, MasterTimes>();

/** The event's own start and end in local milliseconds, parsed once per (immutable) event. */
function masterTimesOf(event: CalendarEvent): MasterTimes {
  let times = masterTimes.get(event);
  if (!times) {
    times = { start: parseLocal(event.start, event.allDay)!, end: parseLocal(event.end, event.allDay)!, exactDuration: undefined };
    masterTimes.set(event, times);
  }
  return times;
}

const overlaps = (times: OccurrenceTimes, rangeStart: number, rangeEnd: number) =>
  times.start < rangeEnd && (times.end > rangeStart || (times.end === times.start && times.start >= rangeStart));

function occurrenceOf(event: CalendarEvent, recurrenceId: string, start: number, end: number, override?: OccurrenceOverride): Occurrence {
  return {
    eventId: event.id,
    recurrenceId,
    title: override?.title ?? event.title,
    start,
    end,
    allDay: event.allDay,
    location: override?.location ?? event.location,
    status: override?.status ?? event.status,
    resources: override?.resources ?? event.resources,
    event,
  };
}

/** The zone an event's wall-clock times are read in: its own, or the viewer's for floating all-day events. */
export const zoneOf = (event: CalendarEvent, viewZone: string) => (event.allDay ? viewZone : event.timeZone);

/**
 * A one-off event's occurrence, kept per (immutable) event so that browsing months does not place the bulk of a
 * calendar again and again; with the zone it was placed in, as all-day events float in the viewer's zone.
 */
const oneOffOccurrences = new WeakMap<CalendarEvent, { zone: string; occurrence: Occurrence }>();

function oneOffOccurrenceOf(event: CalendarEvent, zone: string): Occurrence {
  let placed = oneOffOccurrences.get(event);
  if (placed?.zone !== zone) {
    const times = timesOf(event, zone, masterTimesOf(event).start, undefined);
    const occurrence = Object.freeze(occurrenceOf(event, event.start, times.start, times.end));
    oneOffOccurrences.set(event, (placed = { zone, occurrence }));
  }
  return placed.occurrence;
}

/**
 * Places a one-off event, or parses what a series' occurrences are made from, ahead of the queries that will ask
 * for it; index builds call this in idle time.
 */
export function placeAhead(event: CalendarEvent, viewZone: string): void {
  if (parseLocal(event.start, event.allDay) === undefined) return;
  if (!event.recurrence) {
    oneOffOccurrenceOf(event, zoneOf(event, viewZone));
    return;
  }
  fixedStepRuleOf(event);
  exceptionsOf(event);
  if (!event.allDay) exactDurationOf(event);
}

/** A series' exceptions, parsed once per (immutable) event. */
interface SeriesExceptions {
  /** Local starts that the rule's own occurrences must not give: excluded or overridden. */
  replaced: Set<number>;
  excluded: Set<string>;
  /** Extra starts in local milliseconds. */
  rdates: number[];
  overrides: { override: OccurrenceOverride; localStart: number; localEnd: number | undefined }[];
}

const seriesExceptions = new WeakMap<CalendarEvent, SeriesExceptions>();

function exceptionsOf(event: CalendarEvent): SeriesExceptions {
  let exceptions = seriesExceptions.get(event);
  if (!exceptions) {
    const recurrence = event.recurrence!;
    // Recurrence ids are formatted as the event's start is, so a parsed one equals the start it names.
    const replaced = [...recurrence.exdates, ...recurrence.overrides.map((override) => override.recurrenceId)].map((id) => parseLocal(id, event.allDay));
    exceptions = {
      replaced: new Set(replaced.filter((localStart) => localStart !== undefined)),
      excluded: new Set(recurrence.exdates),
      rdates: recurrence.rdates.map((rdate) => parseLocal(rdate, event.allDay)!),
      overrides: recurrence.overrides.map((override) => ({
        override,
        localStart: parseLocal(override.start ?? override.recurrenceId, event.allDay)!,
        localEnd: override.end === undefined ? undefined : parseLocal(override.end, event.allDay)!,
      })),
    };
    seriesExceptions.set(event, exceptions);
  }
  return exceptions;
}

/** Occurrences of one event overlapping [rangeStart, rangeEnd), in no particular order. */
export function expandEvent(event: CalendarEvent, rangeStart: number, rangeEnd: number, viewZone: string): Occurrence[] {
  const occurrences: Occurrence[] = [];
  appendOccurrences(event, rangeStart, rangeEnd, viewZone, occurrences);
  return occurrences;
}

/** Appends to `occurrences` those of one event overlapping [rangeStart, rangeEnd), in no particular order. */
export function appendOccurrences(event: CalendarEvent, rangeStart: number, rangeEnd: number, viewZone: string, occurrences: Occurrence[]): void {
  if (event.recurrence) return appendSeriesOccurrences(event, rangeStart, rangeEnd, zoneOf(event, viewZone), occurrences);
  const occurrence = oneOffOccurrenceOf(event, zoneOf(event, viewZone));
  if (overlaps(occurrence, rangeStart, rangeEnd)) occurrences.push(occurrence);
}

/**
 * A series' occurrences overlapping the range. A month browsed for the first time places every series occurrence
 * in it, so nothing here allocates but the occurrences themselves: no closures, intermediate arrays or time
 * objects, as the garbage one query leaves is what a later one pays for in collection pauses.
 */
function appendSeriesOccurrences(event: CalendarEvent, rangeStart: number, rangeEnd: number, zone: string, occurrences: Occurrence[]): void {
  const master = masterTimesOf(event);
  // Widen the range to wall-clock times: an occurrence starting this early could still reach into the range.
  const fromLocal = rangeStart - MAX_ZONE_OFFSET_MS - (master.end - master.start) - HOUR_MS;
  const toLocal = rangeEnd + MAX_ZONE_OFFSET_MS + HOUR_MS;
  const exceptions = exceptionsOf(event);
  const rule = fixedStepRuleOf(event);
  if (rule) {
    for (let index = Math.max(0, Math.ceil((fromLocal - master.start) / rule.stepMs)); index < rule.count; index++) {
      const localStart = master.start + index * rule.stepMs;
      if (localStart >= toLocal) break;
      appendRuleOccurrence(event, zone, localStart, rangeStart, rangeEnd, exceptions, occurrences);
    }
  } else {
    const starts = generatedStarts(event, toLocal);
    for (let index = firstIndexAtOrAfter(starts, fromLocal); index < starts.length && starts[index]! < toLocal; index++) {
      appendRuleOccurrence(event, zone, starts[index]!, rangeStart, rangeEnd, exceptions, occurrences);
    }
  }
  for (let index = 0; index < exceptions.rdates.length; index++) {
    const localStart = exceptions.rdates[index]!;
    if (localStart >= fromLocal && localStart < toLocal && !isRuleStart(event, rule, localStart)) {
      appendRuleOccurrence(event, zone, localStart, rangeStart, rangeEnd, exceptions, occurrences);
    }
  }
  for (let index = 0; index < exceptions.overrides.length; index++) {
    const { override, localStart, localEnd } = exceptions.overrides[index]!;
    if (exceptions.excluded.has(override.recurrenceId)) continue;
    const times = timesOf(event, zone, localStart, localEnd);
    if (overlaps(times, rangeStart, rangeEnd)) occurrences.push(occurrenceOf(event, override.recurrenceId, times.start, times.end, override));
  }
}

/** Whether the rule itself gives a start (an RDATE on one adds nothing). */
function isRuleStart(event: CalendarEvent, rule: FixedStepRule | null, localStart: number): boolean {
  if (!rule) {
    const starts = generatedStarts(event, localStart + 1);
    return starts[firstIndexAtOrAfter(starts, localStart)] === localStart;
  }
  const index = (localStart - masterTimesOf(event).start) / rule.stepMs;
  return Number.isInteger(index) && index >= 0 && index < rule.count;
}

/** Appends the occurrence the rule (or an RDATE) gives at a local start, unless excluded, overridden or outside the range. */
function appendRuleOccurrence(
  event: CalendarEvent,
  zone: string,
  localStart: number,
  rangeStart: number,
  rangeEnd: number,
  exceptions: SeriesExceptions,
  occurrences: Occurrence[],
): void {
  const start = wallClockToInstant(localStart, zone);
  if (start >= rangeEnd || exceptions.replaced.has(localStart)) return;
  const end = ruleOccurrenceEnd(event, zone, localStart, start);
  if (end > rangeStart || (end === start && start >= rangeStart)) {
    const recurrenceId = event.allDay ? formatLocalDate(localStart) : formatLocalDateTime(localStart);
    occurrences.push(occurrenceOf(event, recurrenceId, start, end));
  }
}

/**
 * The wall-clock end (local milliseconds) of the occurrence the rule gives at a local start, as the occurrences
 * query places it: all-day ones last as many days as the event, timed ones the same exact time.
 */
export function ruleOccurrenceLocalEnd(event: CalendarEvent, localStart: number): number {
  const master = masterTimesOf(event);
  if (event.allDay) return localStart + (master.end - master.start);
  return instantToWallClock(wallClockToInstant(localStart, event.timeZone) + exactDurationOf(event), event.timeZone);
}

/** Whether the series' rule (not an RDATE) gives an occurrence at a local start. */
export function isRuleStartOf(event: CalendarEvent, localStart: number): boolean {
  return isRuleStart(event, fixedStepRuleOf(event), localStart);
}

/** How many starts the series' rule gives before a local start, its own start included (as COUNT counts them). */
export function ruleStartsBefore(event: CalendarEvent, localStart: number): number {
  const rule = fixedStepRuleOf(event);
  if (rule) return Math.min(rule.count, Math.max(0, Math.ceil((localStart - masterTimesOf(event).start) / rule.stepMs)));
  return firstIndexAtOrAfter(generatedStarts(event, localStart), localStart);
}

/** The n-th start (from 0) the series' rule gives, or undefined past its end. */
export function ruleStartAt(event: CalendarEvent, index: number): number | undefined {
  const rule = fixedStepRuleOf(event);
  if (rule) return index < rule.count ? masterTimesOf(event).start + index * rule.stepMs : undefined;
  let until = masterTimesOf(event).start;
  let starts = generatedStarts(event, until);
  while (starts.length <= index && !expansions.get(event)!.done) starts = generatedStarts(event, (until += 366 * DAY_MS));
  return starts[index];
}
