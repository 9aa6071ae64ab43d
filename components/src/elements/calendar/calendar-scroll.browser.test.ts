/**
 * Where a time grid opens: on the clinic's morning, or an hour before now once the morning has begun, so that
 * neither the empty small hours nor a morning long past fill the screen. "Now" is the real clock, read in a time
 * zone chosen for the hour it is there.
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import { CalendarPage } from './calendar.page.ts';

const lab = useDeviceLab();
const MORNING_MINUTE = 7 * 60;

/** A time zone where the wall clock now reads an hour in `[from, to)`, with today's date and the minute of day there. */
function zoneWhereItIs(from: number, to: number): { zone: string; date: string; minute: number } {
  for (const zone of Intl.supportedValuesOf('timeZone')) {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
        .formatToParts(new Date())
        .map((part) => [part.type, part.value]),
    );
    const hour = Number(parts.hour);
    if (hour >= from && hour < to) return { zone, date: `${parts.year}-${parts.month}-${parts.day}`, minute: hour * 60 + Number(parts.minute) };
  }
  throw new Error(`no time zone where it is between ${from}:00 and ${to}:00 now`);
}

/** The minute of the day at the top of the time grid as scrolled, and the latest it can be scrolled to. */
function topMinute(calendar: CalendarPage): Promise<{ top: number; latest: number }> {
  return calendar.device.evaluate(() => {
    const root = document.querySelector('p2p-calendar')!.shadowRoot!;
    const body = root.querySelector<HTMLElement>('.timegrid')!;
    const grid = body.querySelector<HTMLElement>('.tg-body')!;
    const head = body.querySelector<HTMLElement>('.tg-head')?.offsetHeight ?? 0;
    const minuteAt = (scrollTop: number) => ((scrollTop - (grid.offsetTop - head)) / grid.offsetHeight) * 1440;
    return { top: minuteAt(body.scrollTop), latest: minuteAt(body.scrollHeight - body.clientHeight) };
  });
}

describe('<p2p-calendar> opens its time grid', () => {
  it('on the morning when it is night where the clinic is', async () => {
    const { zone, date } = zoneWhereItIs(1, 5);
    const { calendar } = await CalendarPage.openIn(lab, { view: 'day', date, timeZone: zone });
    expect(Math.round((await topMinute(calendar)).top)).toBe(MORNING_MINUTE);
  });

  it('an hour before now in the afternoon, or as far as the day scrolls', async () => {
    const { zone, date, minute } = zoneWhereItIs(13, 16);
    const { calendar } = await CalendarPage.openIn(lab, { view: 'day', date, timeZone: zone });
    const { top, latest } = await topMinute(calendar);
    // The page opens a few seconds to a minute after the zone was chosen.
    expect(top).toBeGreaterThanOrEqual(Math.min(minute - 60, latest) - 1);
    expect(top).toBeLessThanOrEqual(Math.min(minute - 60 + 5, latest) + 1);
    expect(top).toBeGreaterThan(MORNING_MINUTE);
  });

  it('on the morning of a day that is not today', async () => {
    const { zone } = zoneWhereItIs(13, 16);
    const { calendar } = await CalendarPage.openIn(lab, { view: 'day', date: '2025-03-26', timeZone: zone });
    expect(Math.round((await topMinute(calendar)).top)).toBe(MORNING_MINUTE);
  });
});
