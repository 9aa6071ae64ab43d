import { describe, expect, it } from 'vitest';
import { weekendDays, firstDayOfWeek, formatLocal, formatTimeAgo, formatTimeOfDay, resolveLocale, textDirection, uses12HourClock } from './locale.ts';

const LOCAL_2025_03_30_1430 = Date.UTC(2025, 2, 30, 14, 30);

describe('locale helpers', () => {
  it('start the week on the day each locale starts it', () => {
    expect(firstDayOfWeek('en-US')).toBe(0);
    expect(firstDayOfWeek('de-DE')).toBe(1);
    expect(firstDayOfWeek('en-GB')).toBe(1);
    expect(firstDayOfWeek('ar-EG')).toBe(6);
  });

  it('know each locale’s weekend', () => {
    expect(weekendDays('de-DE')).toEqual([6, 0]);
    expect(weekendDays('ar-EG')).toEqual([5, 6]);
  });

  it('read the clock from the locale', () => {
    expect(uses12HourClock('en-US')).toBe(true);
    expect(uses12HourClock('de-DE')).toBe(false);
  });

  it('know which locales are written right to left', () => {
    expect(textDirection('ar-EG')).toBe('rtl');
    expect(textDirection('he')).toBe('rtl');
    expect(textDirection('de-DE')).toBe('ltr');
  });

  it('format wall-clock times as they read, whatever the device zone', () => {
    expect(formatLocal(LOCAL_2025_03_30_1430, 'en-US', { dateStyle: 'medium' })).toBe('Mar 30, 2025');
    expect(formatTimeOfDay(LOCAL_2025_03_30_1430, 'de-DE')).toBe('14:30');
    expect(formatTimeOfDay(LOCAL_2025_03_30_1430, 'en-US')).toMatch(/^2:30\sPM$/);
    expect(formatTimeOfDay(LOCAL_2025_03_30_1430, 'en-US', false)).toBe('14:30');
    expect(formatTimeOfDay(Date.UTC(2025, 2, 30, 9), 'en-GB')).toBe('09:00');
  });

  it('say how long ago an instant was in the largest unit it reaches', () => {
    const now = Date.UTC(2026, 11, 1, 12);
    expect(formatTimeAgo(now - 20_000, now, 'en')).toBe('this minute');
    expect(formatTimeAgo(now - 5 * 60_000, now, 'en')).toBe('5 minutes ago');
    expect(formatTimeAgo(now - 3 * 3_600_000 - 59 * 60_000, now, 'en')).toBe('3 hours ago');
    expect(formatTimeAgo(now - 26 * 3_600_000, now, 'de')).toBe('gestern');
    expect(formatTimeAgo(now - 15 * 24 * 3_600_000, now, 'en')).toBe('2 weeks ago');
    // A clock that went back since does not make it the future.
    expect(formatTimeAgo(now + 60_000, now, 'en')).toBe('this minute');
  });

  it('fall back to the browser language for a tag Intl refuses', () => {
    expect(resolveLocale('not a locale!')).toBe(resolveLocale(undefined));
    expect(resolveLocale('de-de')).toBe('de-DE');
  });
});
