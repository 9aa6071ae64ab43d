/**
 * A VTIMEZONE's UTC offsets over a window of years, read from its observances (STANDARD and DAYLIGHT: an onset,
 * the offsets before and after it, and a rule or dates for its repeats). ical.js expands a zone's rules year by
 * year from each observance's DTSTART, and Outlook starts them in 1601: four centuries of expansion, most of a
 * second, for each zone a file defines. Here a yearly rule without COUNT is expanded from the window's start.
 */
import ICAL from 'ical.js';
import { parseLocalDateTime } from '../calendar/wall-clock-time.ts';

const DAY_MS = 86_400_000;
const UTC_OFFSET = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?$/;
/** A rule that is not yearly, or that must be expanded from its own start, stops after this many onsets. */
const MAX_ONSETS_PER_OBSERVANCE = 2_000;

function offsetMs(text: string): number | undefined {
  const match = UTC_OFFSET.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4] ?? 0);
  return (match[1] === '-' ? -1 : 1) * seconds * 1000;
}

const localMsOf = (time: ICAL.Time) => Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);

function icalTimeOf(localMs: number): ICAL.Time {
  const date = new Date(localMs);
  return ICAL.Time.fromData({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: date.getUTCHours(), minute: date.getUTCMinutes(), second: date.getUTCSeconds(), isDate: false });
}

/** The local onsets of a yearly rule's repeats up to `untilLocal`, starting no earlier than the year before `fromLocal` needs. */
function ruleOnsets(recur: ICAL.Recur, dtstart: number, fromLocal: number, untilLocal: number): number[] {
  const onsets: number[] = [];
  const windowStart = Date.UTC(new Date(fromLocal).getUTCFullYear() - 1, 0, 1) + (dtstart % DAY_MS);
  // A yearly rule by month (and weekday or day) gives the same dates whatever year it starts in, so it may start
  // again on 1 January before the window (the iterator gives that synthetic start first; it is not an onset).
  // COUNT counts from the real start, so such a rule is expanded from there.
  const shifted = recur.freq === 'YEARLY' && recur.parts.BYMONTH !== undefined && !recur.count && windowStart > dtstart && !(recur.until && localMsOf(recur.until) < windowStart);
  const iterator = recur.iterator(icalTimeOf(shifted ? windowStart : dtstart));
  for (let next = iterator.next(); next && onsets.length < MAX_ONSETS_PER_OBSERVANCE; next = iterator.next()) {
    const local = localMsOf(next);
    if (local > untilLocal) break;
    if (!(shifted && local === windowStart)) onsets.push(local);
  }
  return onsets;
}

export class VtimezoneOffsets {
  /** UTC instants at which the offset changes, ascending, and the offset from each on. */
  readonly #instants: number[] = [];
  readonly #offsets: number[] = [];
  readonly #initial: number;

  /** The offsets of the VTIMEZONE from the year before `fromYear` to the end of `toYear`. */
  constructor(component: ICAL.Component, fromYear: number, toYear: number) {
    const fromLocal = Date.UTC(fromYear, 0, 1);
    const untilLocal = Date.UTC(toYear + 2, 0, 1);
    const changes: { instant: number; from: number; to: number }[] = [];
    for (const observance of component.getAllSubcomponents()) {
      const name = observance.name.toLowerCase();
      if (name !== 'standard' && name !== 'daylight') continue;
      const dtstart = parseLocalDateTime(String(observance.getFirstProperty('dtstart')?.jCal[3] ?? ''));
      const from = offsetMs(String(observance.getFirstPropertyValue('tzoffsetfrom') ?? ''));
      const to = offsetMs(String(observance.getFirstPropertyValue('tzoffsetto') ?? ''));
      if (dtstart === undefined || from === undefined || to === undefined) continue;
      const rule = observance.getFirstPropertyValue('rrule');
      const onsets = rule instanceof ICAL.Recur ? ruleOnsets(rule, dtstart, fromLocal, untilLocal) : [dtstart];
      for (const property of observance.getAllProperties('rdate')) {
        for (const value of property.jCal.slice(3)) {
          const local = parseLocalDateTime(String(Array.isArray(value) ? value[0] : value).replace(/Z$/, ''));
          if (local !== undefined) onsets.push(local);
        }
      }
      // RFC 5545 3.6.5: an onset is a local time read with the offset in force before it.
      for (const onset of onsets) changes.push({ instant: onset - from, from, to });
    }
    changes.sort((a, b) => a.instant - b.instant);
    for (const change of changes) {
      this.#instants.push(change.instant);
      this.#offsets.push(change.to);
    }
    this.#initial = changes[0]?.from ?? 0;
  }

  /** The offset at a UTC instant. */
  offsetAt(instant: number): number {
    let low = 0;
    let high = this.#instants.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#instants[middle]! <= instant) low = middle + 1;
      else high = middle;
    }
    return low === 0 ? this.#initial : this.#offsets[low - 1]!;
  }

  /** The instants at which the offset changes in [from, to). */
  changesBetween(from: number, to: number): number[] {
    return this.#instants.filter((instant) => instant >= from && instant < to);
  }

  /**
   * The instant at which the zone's clocks show a wall-clock time (local milliseconds), disambiguated as
   * wall-clock-time.ts does for IANA zones: a skipped time moves forward by the gap, a repeated one is the earlier.
   */
  instantOf(localMs: number): number {
    const before = this.offsetAt(localMs - DAY_MS);
    const after = this.offsetAt(localMs + DAY_MS);
    const earlier = localMs - before;
    if (this.offsetAt(earlier) === before) return earlier;
    const later = localMs - after;
    if (this.offsetAt(later) === after) return later;
    return earlier;
  }
}
