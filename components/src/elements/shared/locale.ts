/**
 * What a locale says about dates, read from `Intl`: the week's first day, 12- or 24-hour clock, text direction,
 * and cached `Intl.DateTimeFormat`s. Elements take a `locale` attribute (default: the browser's) and let attributes
 * such as `first-day` override what the locale says.
 *
 * Calendar dates here are *local milliseconds*: a wall-clock time written as if it were UTC (see
 * core/calendar/wall-clock-time.ts), so formatting one with `timeZone: 'UTC'` prints it as it reads, whatever the
 * device's zone.
 */

/** 0 = Sunday … 6 = Saturday, as `Date.prototype.getUTCDay`. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

interface WeekInfo {
  firstDay: number;
  weekend?: number[];
}
interface LocaleWithWeekInfo extends Intl.Locale {
  getWeekInfo?: () => WeekInfo;
  weekInfo?: WeekInfo;
  getTextInfo?: () => { direction: 'ltr' | 'rtl' };
  textInfo?: { direction: 'ltr' | 'rtl' };
}

/** CLDR's first day by region, for browsers without `Intl.Locale#getWeekInfo` (Firefox); Monday elsewhere. */
const SUNDAY_FIRST = new Set('AG AS BD BR BS BT BW BZ CA CN CO DM DO ET GT GU HK HN ID IL IN JM JP KE KH KR LA MH MM MO MT MX MZ NI NP PA PE PH PK PR PT PY SA SG SV TH TT TW UM US VE VI WS YE ZA ZW'.split(' '));
const SATURDAY_FIRST = new Set('AE AF BH DJ DZ EG IQ IR JO KW LY OM QA SD SY'.split(' '));
/** Likely regions of languages written without one, for the table above. */
const LIKELY_REGION: Record<string, string> = { en: 'US', ar: 'EG', he: 'IL', ja: 'JP', ko: 'KR', zh: 'CN', pt: 'BR', fa: 'IR', hi: 'IN' };
const RIGHT_TO_LEFT = new Set(['ar', 'he', 'fa', 'ur', 'ps', 'yi', 'dv', 'ckb', 'sd', 'ug']);

/** The given locale if `Intl` knows it, else the browser's. */
export function resolveLocale(locale?: string | null): string {
  if (locale) {
    try {
      const [canonical] = Intl.getCanonicalLocales(locale);
      if (canonical) return canonical;
    } catch {
      // An unknown tag from an attribute: fall back rather than break the element.
    }
  }
  return globalThis.navigator?.language || 'en-US';
}

export function firstDayOfWeek(locale: string): Weekday {
  const intlLocale = new Intl.Locale(locale) as LocaleWithWeekInfo;
  const info = intlLocale.getWeekInfo?.() ?? intlLocale.weekInfo;
  // Intl numbers days 1 (Monday) … 7 (Sunday).
  if (info) return (info.firstDay % 7) as Weekday;
  const region = intlLocale.region ?? LIKELY_REGION[intlLocale.language];
  if (region && SUNDAY_FIRST.has(region)) return 0;
  if (region && SATURDAY_FIRST.has(region)) return 6;
  return 1;
}

/** The days of the locale's weekend: Saturday and Sunday in most, Friday and Saturday in much of the Middle East. */
export function weekendDays(locale: string): Weekday[] {
  const intlLocale = new Intl.Locale(locale) as LocaleWithWeekInfo;
  const info = intlLocale.getWeekInfo?.() ?? intlLocale.weekInfo;
  if (info?.weekend) return info.weekend.map((day) => (day % 7) as Weekday);
  const region = intlLocale.region ?? LIKELY_REGION[intlLocale.language];
  return region && (SATURDAY_FIRST.has(region) || region === 'IL') ? [5, 6] : [6, 0];
}

/** Whether the locale writes times on a 12-hour clock. */
export function uses12HourClock(locale: string): boolean {
  const cycle = formatter(locale, { hour: 'numeric', timeZone: 'UTC' }).resolvedOptions().hourCycle;
  return cycle === 'h12' || cycle === 'h11';
}

export function textDirection(locale: string): 'ltr' | 'rtl' {
  const intlLocale = new Intl.Locale(locale) as LocaleWithWeekInfo;
  const info = intlLocale.getTextInfo?.() ?? intlLocale.textInfo;
  if (info) return info.direction;
  return RIGHT_TO_LEFT.has(intlLocale.language) ? 'rtl' : 'ltr';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A cached `Intl.DateTimeFormat`: building one costs more than formatting hundreds of dates. */
export function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(options);
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, cached);
  }
  return cached;
}

const listFormatters = new Map<string, Intl.ListFormat>();

/** A cached `Intl.ListFormat`: "a, b and c" (`unit`: "a, b, c"; `disjunction`: "a, b or c"). */
export function listFormatter(locale: string, type: Intl.ListFormatType): Intl.ListFormat {
  const key = `${locale} ${type}`;
  let cached = listFormatters.get(key);
  if (!cached) {
    cached = new Intl.ListFormat(locale, { type });
    listFormatters.set(key, cached);
  }
  return cached;
}

/** The largest unit first: how far back an instant was reads in the largest unit it reaches ("3 hours ago"). */
const TIME_AGO_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3_600_000],
  ['month', 30 * 24 * 3_600_000],
  ['week', 7 * 24 * 3_600_000],
  ['day', 24 * 3_600_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];
const relativeFormatters = new Map<string, Intl.RelativeTimeFormat>();

/** A cached `Intl.RelativeTimeFormat` that says "yesterday" rather than "1 day ago". */
export function relativeTimeFormatter(locale: string): Intl.RelativeTimeFormat {
  let cached = relativeFormatters.get(locale);
  if (!cached) {
    cached = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    relativeFormatters.set(locale, cached);
  }
  return cached;
}

/** How long ago `at` was, seen at `now`, in the locale's words ("5 minutes ago", "yesterday", "this minute"). */
export function formatTimeAgo(at: number, now: number, locale: string): string {
  const relative = relativeTimeFormatter(locale);
  const ago = Math.max(0, now - at);
  const [unit, size] = TIME_AGO_UNITS.find(([, size]) => ago >= size) ?? TIME_AGO_UNITS.at(-1)!;
  return relative.format(-Math.floor(ago / size), unit);
}

/** Formatted strings by format and instant: a view labels hundreds of events with a handful of dates and times. */
const formatted = new Map<string, Map<number, string>>();
const FORMATTED_PER_FORMAT = 4096;

/** Formats a wall-clock time (local milliseconds) as it reads. */
export function formatLocal(localMs: number, locale: string, options: Intl.DateTimeFormatOptions): string {
  const key = locale + JSON.stringify(options);
  let cache = formatted.get(key);
  if (!cache) formatted.set(key, (cache = new Map()));
  let text = cache.get(localMs);
  if (text === undefined) {
    text = formatter(locale, { ...options, timeZone: 'UTC' }).format(localMs);
    if (cache.size >= FORMATTED_PER_FORMAT) cache.clear();
    cache.set(localMs, text);
  }
  return text;
}

/** Formats a time of day in the locale's clock, or the one forced by `hour12`. */
export function formatTimeOfDay(localMs: number, locale: string, hour12: boolean = uses12HourClock(locale)): string {
  // 24-hour clocks read 09:00, 12-hour ones 9:00 AM.
  return formatLocal(localMs, locale, { hour: hour12 ? 'numeric' : '2-digit', minute: '2-digit', hour12 });
}

/** A zone's short name at an instant, as the locale writes it: `GMT+1` in en-GB for Berlin in winter, `EDT` in en-US for New York in summer. */
export function zoneShortName(zone: string, locale: string, instant: number): string {
  return formatter(locale, { timeZone: zone, timeZoneName: 'short' }).formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? zone;
}
