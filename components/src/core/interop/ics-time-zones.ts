/**
 * Turning an iCalendar TZID into an IANA zone. Google, Apple and Thunderbird write IANA names (Thunderbird's old
 * Lightning wrote them behind a `/mozilla.org/…/` prefix); Outlook writes Windows names ("W. Europe Standard
 * Time") or a "Customized Time Zone" that only its VTIMEZONE defines.
 */
import ICAL from 'ical.js';
import { isValidTimeZone, zoneOffset } from '../calendar/wall-clock-time.ts';
import { VtimezoneOffsets } from './vtimezone-offsets.ts';

/**
 * The Windows zone names Outlook and Exchange write most, with the IANA zone CLDR's windowsZones.xml maps each
 * to for its main territory ("001"). Not all ~140 Windows zones: a name that is missing here still imports
 * through its VTIMEZONE.
 */
export const WINDOWS_TIME_ZONES: Readonly<Record<string, string>> = {
  'Dateline Standard Time': 'Etc/GMT+12',
  'UTC-11': 'Etc/GMT+11',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Alaskan Standard Time': 'America/Anchorage',
  'Pacific Standard Time (Mexico)': 'America/Tijuana',
  'Pacific Standard Time': 'America/Los_Angeles',
  'US Mountain Standard Time': 'America/Phoenix',
  'Mountain Standard Time': 'America/Denver',
  'Central America Standard Time': 'America/Guatemala',
  'Central Standard Time': 'America/Chicago',
  'Central Standard Time (Mexico)': 'America/Mexico_City',
  'Canada Central Standard Time': 'America/Regina',
  'SA Pacific Standard Time': 'America/Bogota',
  'Eastern Standard Time': 'America/New_York',
  'US Eastern Standard Time': 'America/Indiana/Indianapolis',
  'Atlantic Standard Time': 'America/Halifax',
  'SA Western Standard Time': 'America/La_Paz',
  'Newfoundland Standard Time': 'America/St_Johns',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'Argentina Standard Time': 'America/Argentina/Buenos_Aires',
  'SA Eastern Standard Time': 'America/Cayenne',
  'Azores Standard Time': 'Atlantic/Azores',
  UTC: 'UTC',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'Morocco Standard Time': 'Africa/Casablanca',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Romance Standard Time': 'Europe/Paris',
  'Central European Standard Time': 'Europe/Warsaw',
  'W. Central Africa Standard Time': 'Africa/Lagos',
  'GTB Standard Time': 'Europe/Bucharest',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'Israel Standard Time': 'Asia/Jerusalem',
  'Egypt Standard Time': 'Africa/Cairo',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Turkey Standard Time': 'Europe/Istanbul',
  'Russian Standard Time': 'Europe/Moscow',
  'Arab Standard Time': 'Asia/Riyadh',
  'E. Africa Standard Time': 'Africa/Nairobi',
  'Iran Standard Time': 'Asia/Tehran',
  'Arabian Standard Time': 'Asia/Dubai',
  'Pakistan Standard Time': 'Asia/Karachi',
  'India Standard Time': 'Asia/Kolkata',
  'Nepal Standard Time': 'Asia/Kathmandu',
  'Bangladesh Standard Time': 'Asia/Dhaka',
  'SE Asia Standard Time': 'Asia/Bangkok',
  'China Standard Time': 'Asia/Shanghai',
  'Singapore Standard Time': 'Asia/Singapore',
  'Taipei Standard Time': 'Asia/Taipei',
  'W. Australia Standard Time': 'Australia/Perth',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul',
  'Cen. Australia Standard Time': 'Australia/Adelaide',
  'AUS Central Standard Time': 'Australia/Darwin',
  'E. Australia Standard Time': 'Australia/Brisbane',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'Tasmania Standard Time': 'Australia/Hobart',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'Tonga Standard Time': 'Pacific/Tongatapu',
};

/** How a TZID that is not itself an IANA name was read, as the import summary reports it. */
export type TimeZoneMappingKind =
  /** An IANA name behind a vendor prefix (Thunderbird's `/mozilla.org/…/Europe/Paris`). */
  | 'vendor-prefix'
  /** A Windows zone name, through CLDR's table. */
  | 'windows-name'
  /** The VTIMEZONE's X-LIC-LOCATION, the IANA name its writer took it from. */
  | 'x-lic-location'
  /** An IANA zone whose offsets and changes match the VTIMEZONE's over the dates of the events that use it. */
  | 'matching-rules'
  /** A VTIMEZONE with one fixed offset of whole hours: the `Etc/GMT` zone of that offset. */
  | 'fixed-offset'
  /**
   * A VTIMEZONE that no IANA zone matches: times converted to UTC from its own rules, exact for each instant.
   * A series in it is refused instead when the zone changes offset, as its later occurrences would drift.
   */
  | 'converted-to-utc';

/** How a TZID resolved: an IANA zone, or only the file's VTIMEZONE (times are then converted to UTC). */
export type ResolvedZone = { iana: string; kind: TimeZoneMappingKind | undefined } | { definition: VtimezoneOffsets; changesOffset: boolean };

/** The years whose dates an event's times fall on, first and last; zones are matched over them. */
export interface YearRange {
  from: number;
  to: number;
}

/** The TZID's IANA zone if it is one, or contains one behind a vendor prefix. */
function ianaName(tzid: string): string | undefined {
  if (isValidTimeZone(tzid)) return tzid;
  const segments = tzid.split('/').filter(Boolean);
  for (const length of [3, 2]) {
    const candidate = segments.slice(-length).join('/');
    if (segments.length > length && isValidTimeZone(candidate)) return candidate;
  }
  return undefined;
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
const MINUTE_MS = 60_000;

/**
 * The instants at which a zone must agree with the VTIMEZONE over the years: a minute before and at each of the
 * VTIMEZONE's changes (so that both change when it does), and once a week (so that the zone has no change of
 * its own in between: no zone changes and changes back within a week). The changes come first, as most zones
 * differ there and a check stops at its first difference.
 */
function checkpoints(definition: VtimezoneOffsets, years: YearRange): number[] {
  const from = Date.UTC(years.from, 0, 1);
  const to = Date.UTC(years.to + 1, 0, 1);
  const points = definition.changesBetween(from, to).flatMap((instant) => [instant - MINUTE_MS, instant]);
  for (let instant = from; instant < to; instant += WEEK_MS) points.push(instant);
  return points;
}

/**
 * The IANA zone for a VTIMEZONE over the years: the `Etc/GMT` zone of a fixed offset of whole hours, or the first
 * zone of the Windows table whose offsets match at every checkpoint (Outlook's customised zones are edited
 * copies of Windows zones). The table's zones only, so that a file costs at most one Intl formatter per table
 * zone, not one per zone the runtime knows. Otherwise the definition itself.
 */
function zoneForDefinition(definition: VtimezoneOffsets, years: YearRange): ResolvedZone {
  const points = checkpoints(definition, years);
  const offsets = new Set(points.map((instant) => definition.offsetAt(instant)));
  const offset = [...offsets][0]!;
  // Etc/GMT zones are named with the sign POSIX uses: Etc/GMT-5 is five hours ahead of UTC.
  if (offsets.size === 1 && offset % HOUR_MS === 0 && Math.abs(offset) <= 12 * HOUR_MS) {
    return { iana: offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset) / HOUR_MS}`, kind: 'fixed-offset' };
  }
  const match = [...new Set(Object.values(WINDOWS_TIME_ZONES))].find((iana) => points.every((instant) => zoneOffset(iana, instant) === definition.offsetAt(instant)));
  return match ? { iana: match, kind: 'matching-rules' } : { definition, changesOffset: offsets.size > 1 };
}

/**
 * The IANA zone for a TZID: the name itself, a Windows name from the table, the VTIMEZONE's X-LIC-LOCATION, or
 * an IANA zone whose changes match the VTIMEZONE's over `years` (so that a weekly 09:00 meeting stays at 09:00
 * across daylight-saving changes). Otherwise the VTIMEZONE itself, or undefined when the file defines none.
 */
export function resolveTzid(tzid: string, definitions: ReadonlyMap<string, ICAL.Component>, years: YearRange): ResolvedZone | undefined {
  if (isValidTimeZone(tzid)) return { iana: tzid, kind: undefined };
  const prefixed = ianaName(tzid);
  if (prefixed) return { iana: prefixed, kind: 'vendor-prefix' };
  if (WINDOWS_TIME_ZONES[tzid]) return { iana: WINDOWS_TIME_ZONES[tzid], kind: 'windows-name' };
  const component = definitions.get(tzid);
  if (!component) return undefined;
  const location = component.getFirstPropertyValue('x-lic-location');
  const located = typeof location === 'string' ? ianaName(location) : undefined;
  if (located) return { iana: located, kind: 'x-lic-location' };
  return zoneForDefinition(new VtimezoneOffsets(component, years.from, years.to), years);
}
