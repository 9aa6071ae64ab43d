/**
 * Wall-clock times (`YYYY-MM-DDTHH:mm:ss` in an IANA zone) and dates (`YYYY-MM-DD`), and their conversion to
 * instants with Intl, correct across daylight-saving changes.
 *
 * A wall-clock time is handled internally as "local milliseconds": the time read as if it were UTC. The zone's
 * offset turns it into an instant. Offsets are cached per zone and UTC day, because Intl lookups are the slow
 * part of expanding thousands of events.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const DAY_MS = 86_400_000;

function validLocalMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number | undefined {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  // Date.UTC rolls 2024-02-30 over into March; a real date reads back unchanged.
  return check.getUTCDate() === day && check.getUTCMonth() === month - 1 ? ms : undefined;
}

/** `YYYY-MM-DD` → local milliseconds of its midnight, or undefined if it is not a real date. */
export function parseLocalDate(value: string): number | undefined {
  const match = DATE_PATTERN.exec(value);
  if (!match) return undefined;
  return validLocalMs(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** `YYYY-MM-DDTHH:mm:ss` → local milliseconds, or undefined if it is not a real date and time. */
export function parseLocalDateTime(value: string): number | undefined {
  const match = DATE_TIME_PATTERN.exec(value);
  if (!match) return undefined;
  return validLocalMs(Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6]));
}

/** Parses an event's start or end: a date for all-day events, a date-time otherwise. */
export function parseLocal(value: string, allDay: boolean): number | undefined {
  return allDay ? parseLocalDate(value) : parseLocalDateTime(value);
}

/**
 * Formatted dates by day and times of day by second, kept once made: series format a recurrence id for every
 * occurrence they place, and a date-time then costs one concatenation instead of a dozen small strings.
 */
const formattedDates = new Map<number, string>();
const formattedTimes: string[] = [];

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function formattedDate(day: number): string {
  let formatted = formattedDates.get(day);
  if (formatted === undefined) {
    const date = new Date(day * DAY_MS);
    formatted = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
    formattedDates.set(day, formatted);
  }
  return formatted;
}

function formattedTime(second: number): string {
  return (formattedTimes[second] ??= `T${pad(Math.floor(second / 3600))}:${pad(Math.floor(second / 60) % 60)}:${pad(second % 60)}`);
}

export function formatLocalDate(localMs: number): string {
  return formattedDate(Math.floor(localMs / DAY_MS));
}

export function formatLocalDateTime(localMs: number): string {
  const day = Math.floor(localMs / DAY_MS);
  return formattedDate(day) + formattedTime(Math.floor((localMs - day * DAY_MS) / 1000));
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      formatter = null;
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows the IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  return timeZone.length > 0 && formatterFor(timeZone) !== null;
}

/** The zone's offset from UTC in milliseconds at an instant, straight from Intl. */
function exactOffset(timeZone: string, instant: number): number {
  const formatter = formatterFor(timeZone);
  if (!formatter) throw new RangeError(`Unknown time zone ${timeZone}`);
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const seconds = Math.floor(instant / 1000) * 1000;
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return local - seconds;
}

/** Per zone, per UTC day: the offset at the day's first instant. */
const midnightOffsets = new Map<string, Map<number, number>>();

function offsetAtStartOf(timeZone: string, day: number): number {
  let days = midnightOffsets.get(timeZone);
  if (!days) midnightOffsets.set(timeZone, (days = new Map()));
  let offset = days.get(day);
  if (offset === undefined) days.set(day, (offset = exactOffset(timeZone, day * DAY_MS)));
  return offset;
}

/** The zone's offset at an instant. */
export function zoneOffset(timeZone: string, instant: number): number {
  const day = Math.floor(instant / DAY_MS);
  const atStart = offsetAtStartOf(timeZone, day);
  // Zones change offset at most once a day, so equal offsets at this midnight and the next mean none in between;
  // each midnight's offset serves the day before and the day after.
  return atStart === offsetAtStartOf(timeZone, day + 1) ? atStart : exactOffset(timeZone, instant);
}

/**
 * Per zone, per local day: the offset when it holds from the UTC midnight before the day to the one two days
 * after (so over every instant a wall-clock time of the day can be), or NaN when it changes meanwhile.
 */
const steadyOffsets = new Map<string, Map<number, number>>();

function steadyOffsetAround(timeZone: string, localDay: number): number {
  let days = steadyOffsets.get(timeZone);
  if (!days) steadyOffsets.set(timeZone, (days = new Map()));
  let offset = days.get(localDay);
  if (offset === undefined) {
    offset = offsetAtStartOf(timeZone, localDay - 1);
    for (let day = localDay; day <= localDay + 2; day++) if (offsetAtStartOf(timeZone, day) !== offset) offset = Number.NaN;
    days.set(localDay, offset);
  }
  return offset;
}

/**
 * The instant at which the zone's clocks show a wall-clock time. A time skipped by a spring-forward gap moves
 * forward by the gap; a time that occurs twice in a fall-back overlap takes the earlier instant (both as
 * RFC 5545 and Temporal's "compatible" disambiguation specify).
 */
export function wallClockToInstant(localMs: number, timeZone: string): number {
  // Months of occurrences convert thousands of times a query: away from offset changes, one lookup does.
  const steady = steadyOffsetAround(timeZone, Math.floor(localMs / DAY_MS));
  if (!Number.isNaN(steady)) return localMs - steady;
  const before = zoneOffset(timeZone, localMs - DAY_MS);
  const after = zoneOffset(timeZone, localMs + DAY_MS);
  const earlier = localMs - before;
  if (zoneOffset(timeZone, earlier) === before) return earlier;
  const later = localMs - after;
  if (zoneOffset(timeZone, later) === after) return later;
  return earlier;
}

/** The wall-clock time (local milliseconds) that the zone's clocks show at an instant. */
export function instantToWallClock(instant: number, timeZone: string): number {
  return instant + zoneOffset(timeZone, instant);
}

/** The device's own time zone, in which all-day events are placed (they float: the same date everywhere). */
export function deviceTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
