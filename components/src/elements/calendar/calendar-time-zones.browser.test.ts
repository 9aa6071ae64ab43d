/**
 * `<p2p-calendar>`'s second time zone (`secondary-time-zone`) beside the hours of day and week views, over the seeded
 * clinic's week of 24 March 2025: New York is already on summer time, Berlin changes on Sunday 30 March.
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import { CalendarPage } from './calendar.page.ts';

const lab = useDeviceLab();

describe('<p2p-calendar> second time zone', () => {
  it('names both zones and gives each hour its time in the second one, for the focused day', async () => {
    const { calendar } = await CalendarPage.openIn(lab, { timeZone: 'Europe/Berlin', secondaryTimeZone: 'America/New_York' });
    expect(await calendar.texts('.tg-head .zone-name')).toEqual(['GMT-4', 'CET']);
    expect(await calendar.texts('.zone-note')).toEqual(['Times in Europe/Berlin; beside them in America/New_York']);
    // Wednesday 26 March: five hours apart.
    expect(await calendar.hourHeading(9)).toBe('09:00, 04:00 GMT-4');
    // On Sunday Berlin moves to summer time: six hours apart again from that day.
    await calendar.focusCell('2025-03-30', '09:00');
    await calendar.rendered();
    expect(await calendar.hourHeading(9)).toBe('09:00, 03:00 GMT-4');
    expect(await calendar.texts('.tg-head .zone-name')).toEqual(['GMT-4', 'CEST']);
  });

  it('shows one column of hours when the second zone is unset, unknown, the same zone, or the view has no hours', async () => {
    const { calendar } = await CalendarPage.openIn(lab, { timeZone: 'Europe/Berlin', secondaryTimeZone: 'Mars/Olympus_Mons' });
    expect(await calendar.texts('.tg-time .second')).toEqual([]);
    await calendar.setAttribute('secondary-time-zone', 'Europe/Berlin');
    expect(await calendar.texts('.tg-time .second')).toEqual([]);
    await calendar.setAttribute('secondary-time-zone', 'Asia/Kolkata');
    expect(await calendar.hourHeading(9)).toBe('09:00, 13:30 GMT+5:30');
    await calendar.setAttribute('view', 'month');
    expect(await calendar.texts('.zone-note')).toEqual(['Times in Europe/Berlin']);
  });

  it('keeps the second zone’s hours beside the grid, not over it, and has no axe violations light or dark', async () => {
    const { device, calendar } = await CalendarPage.openIn(lab, { view: 'day', timeZone: 'Europe/Berlin', secondaryTimeZone: 'America/New_York' });
    const second = await device.boxOf(['p2p-calendar', '.tg-row:nth-child(10) .tg-time .second']);
    const own = await device.boxOf(['p2p-calendar', '.tg-row:nth-child(10) .tg-time span:not(.second)']);
    const cell = await device.boxOf(calendar.cell('2025-03-26', '09:00'));
    expect(second.x + second.width).toBeLessThanOrEqual(own.x);
    expect(own.x + own.width).toBeLessThanOrEqual(cell.x);
    await calendar.expectAccessibleIn(['day', 'week', 'resource-day']);
  });
});
