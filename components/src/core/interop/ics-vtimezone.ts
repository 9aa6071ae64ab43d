/**
 * VTIMEZONE components for IANA zones, built from Intl because ical.js carries no zone database. Outlook needs
 * them to place TZID times at all; other clients know IANA names but the standard asks for the definition.
 *
 * A zone's rules are read from its transitions in one year (the first the calendar uses it) and written as
 * yearly rules (`BYMONTH=3;BYDAY=-1SU`): right for that year and after while the zone's rules stay as they are.
 */
import ICAL from 'ical.js';
import { formatLocalDateTime, zoneOffset } from '../calendar/wall-clock-time.ts';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

interface Transition {
  instant: number;
  from: number;
  to: number;
}

/** The first minute at which the offset differs from the one at `low`, between `low` and `high`. */
function transitionBetween(timeZone: string, low: number, high: number): number {
  const before = zoneOffset(timeZone, low);
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (zoneOffset(timeZone, middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

function transitionsIn(timeZone: string, year: number): Transition[] {
  const transitions: Transition[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += DAY_MS) {
    const from = zoneOffset(timeZone, day);
    const to = zoneOffset(timeZone, day + DAY_MS);
    if (from !== to) transitions.push({ instant: transitionBetween(timeZone, day, day + DAY_MS), from, to });
  }
  return transitions;
}

/** `+01:00`, as jCal writes UTC offsets. */
function utcOffset(offsetMs: number): string {
  const minutes = Math.abs(offsetMs) / MINUTE_MS;
  return `${offsetMs < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** When a yearly transition happens: the same weekday of the same week (or the last) of its month. */
interface YearlyRule {
  month: number;
  weekday: number;
  /** 1–4, or -1 for the last. */
  week: number;
}

function yearlyRuleOf(onsetLocal: number): YearlyRule {
  const date = new Date(onsetLocal);
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  return { month: date.getUTCMonth() + 1, weekday: date.getUTCDay(), week: date.getUTCDate() + 7 > daysInMonth ? -1 : Math.ceil(date.getUTCDate() / 7) };
}

/** The day of `year` on which the rule falls, as local milliseconds of its midnight. */
function dayOfRule(rule: YearlyRule, year: number): number {
  if (rule.week === -1) {
    const last = Date.UTC(year, rule.month, 0);
    return last - ((new Date(last).getUTCDay() - rule.weekday + 7) % 7) * DAY_MS;
  }
  const first = Date.UTC(year, rule.month - 1, 1);
  return first + ((rule.weekday - new Date(first).getUTCDay() + 7) % 7) * DAY_MS + (rule.week - 1) * 7 * DAY_MS;
}

/** Observances start in 1970, as Google's and Thunderbird's do, so that the rules cover every date a reader may ask about. */
const RULES_SINCE_YEAR = 1970;

/** A VTIMEZONE for an IANA zone with the rules it has in `year`. */
export function vtimezoneFor(timeZone: string, year: number): ICAL.Component {
  const transitions = transitionsIn(timeZone, year);
  const observances = transitions.map(({ instant, from, to }) => {
    // RFC 5545 3.6.5: an observance's DTSTART is the local time of the onset, read with the offset in force before it.
    const onsetLocal = instant + from;
    const rule = transitions.length === 2 ? yearlyRuleOf(onsetLocal) : undefined;
    // Two transitions a year is daylight saving, which repeats; any other pattern is written as it happened.
    const dtstart = rule ? dayOfRule(rule, RULES_SINCE_YEAR) + (onsetLocal % DAY_MS) : onsetLocal;
    const properties: unknown[] = [
      ['dtstart', {}, 'date-time', formatLocalDateTime(dtstart)],
      ['tzoffsetfrom', {}, 'utc-offset', utcOffset(from)],
      ['tzoffsetto', {}, 'utc-offset', utcOffset(to)],
    ];
    if (rule) {
      properties.push(['rrule', {}, 'recur', ICAL.Recur.fromString(`FREQ=YEARLY;BYMONTH=${rule.month};BYDAY=${rule.week}${WEEKDAYS[rule.weekday]}`).toJSON()]);
    }
    return [to > from ? 'daylight' : 'standard', properties, []];
  });
  if (observances.length === 0) {
    const offset = utcOffset(zoneOffset(timeZone, Date.UTC(year, 0, 1)));
    observances.push([
      'standard',
      [
        ['dtstart', {}, 'date-time', `${RULES_SINCE_YEAR}-01-01T00:00:00`],
        ['tzoffsetfrom', {}, 'utc-offset', offset],
        ['tzoffsetto', {}, 'utc-offset', offset],
      ],
      [],
    ]);
  }
  return new ICAL.Component([
    'vtimezone',
    [
      ['tzid', {}, 'text', timeZone],
      // Thunderbird's convention: the IANA name, for readers that know it better than the rules.
      ['x-lic-location', {}, 'unknown', timeZone],
    ],
    observances,
  ]);
}
