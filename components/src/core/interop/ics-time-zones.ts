/**
 * Turning an iCalendar TZID into an IANA zone. Google, Apple and Thunderbird write IANA names (Thunderbird's old
 * Lightning wrote them behind a `/mozilla.org/…/` prefix); Outlook writes Windows names ("W. Europe Standard
 * Time") or a "Customized Time Zone" that only its VTIMEZONE defines.
 */
import ICAL from 'ical.js';
import { formatLocalDateTime, isValidTimeZone, parseLocalDateTime, wallClockToInstant } from '../calendar/wall-clock-time.ts';

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

/** How a TZID resolved: an IANA zone, or only the file's VTIMEZONE (times are then converted to UTC). */
export type ResolvedZone = { iana: string } | { definition: ICAL.Timezone };

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

const DAY_MS = 86_400_000;

/** Whether the VTIMEZONE puts every noon of `year` at the same instant as the IANA zone does. */
function definitionMatches(definition: ICAL.Timezone, iana: string, year: number): boolean {
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += DAY_MS) {
    const noon = day + DAY_MS / 2;
    if (instantInDefinition(formatLocalDateTime(noon), definition) !== wallClockToInstant(noon, iana)) return false;
  }
  return true;
}

/**
 * The IANA zone for a TZID: the name itself, a Windows name from the table, the VTIMEZONE's X-LIC-LOCATION, or
 * a zone from the table whose rules match the VTIMEZONE's in `year` (so that a weekly 09:00 meeting stays at
 * 09:00 across daylight-saving changes). Otherwise the VTIMEZONE itself, or undefined when the file defines none.
 */
export function resolveTzid(tzid: string, definitions: ReadonlyMap<string, ICAL.Component>, year: number): ResolvedZone | undefined {
  const direct = ianaName(tzid) ?? WINDOWS_TIME_ZONES[tzid];
  if (direct) return { iana: direct };
  const component = definitions.get(tzid);
  if (!component) return undefined;
  const location = component.getFirstPropertyValue('x-lic-location');
  if (typeof location === 'string' && ianaName(location)) return { iana: ianaName(location)! };
  const definition = new ICAL.Timezone(component);
  const match = [...new Set(Object.values(WINDOWS_TIME_ZONES))].find((iana) => definitionMatches(definition, iana, year));
  return match ? { iana: match } : { definition };
}

/** The UTC instant (ms) of a wall-clock time `YYYY-MM-DDTHH:mm:ss` in a zone that only a VTIMEZONE defines. */
export function instantInDefinition(wall: string, definition: ICAL.Timezone): number {
  const local = new Date(parseLocalDateTime(wall)!);
  const time = ICAL.Time.fromData(
    {
      year: local.getUTCFullYear(),
      month: local.getUTCMonth() + 1,
      day: local.getUTCDate(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      second: local.getUTCSeconds(),
      isDate: false,
    },
    definition,
  );
  return time.toUnixTime() * 1000;
}
