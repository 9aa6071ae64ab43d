/**
 * `<p2p-calendar>`'s time grids: an event moved between the all-day row and the hours, by mouse and by keyboard,
 * over the seeded clinic's week of 24 March 2025 (Europe/Berlin); and a full all-day row folded.
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import { expectNoAxeViolations } from '../../../../scripts/device-lab/axe.ts';
import { CalendarPage } from './calendar.page.ts';

const lab = useDeviceLab();

describe('<p2p-calendar> all-day and timed', () => {
  it('makes a timed event all-day by dragging it into the all-day row, on the day it is dropped on', async () => {
    const { calendar } = await CalendarPage.openIn(lab);
    await calendar.drag(calendar.event('Check-up Ada'), await calendar.allDayAt('2025-03-27'));
    await calendar.waitForStored('the check-up all day on Thursday', { title: 'Check-up Ada', allDay: true, start: '2025-03-27', end: '2025-03-28' });
    const [drawn] = await calendar.drawn('Check-up Ada');
    expect(drawn!.parts).toContain('all-day');
    expect((await calendar.recordedEvents('p2p-request-change')).at(-1)?.detail).toMatchObject({ patch: { allDay: true, start: '2025-03-27', end: '2025-03-28' }, scope: 'all' });
  });

  it('gives an all-day event an hour where it is dropped in the grid', async () => {
    const { calendar } = await CalendarPage.openIn(lab);
    await calendar.drag(calendar.event('First-aid training'), await calendar.at('2025-03-24', '10:00'));
    await calendar.waitForStored('the training at 10:00 on Monday', { title: 'First-aid training', allDay: false, start: '2025-03-24T10:00:00', end: '2025-03-24T11:00:00' });
    const [stored] = await calendar.stored('First-aid training');
    expect(stored!.timeZone).toBe('Europe/Berlin');
  });

  it('moves an event into the all-day row and back with Alt+A, keeping focus on it', async () => {
    const { calendar } = await CalendarPage.openIn(lab);
    await calendar.focusCell('2025-03-28', '11:00');
    await calendar.press('Enter');
    expect(await calendar.focused()).toMatch(/^Dental review, Cancelled, 11:00 – 11:30/);
    await calendar.press('Alt+a');
    await calendar.waitForStored('the review all day on Friday', { title: 'Dental review', allDay: true, start: '2025-03-28', end: '2025-03-29' });
    expect(await calendar.texts('[role="status"]')).toEqual([expect.stringMatching(/^Moved Dental review to the all-day row on Friday,? 28 March$/)]);
    expect(await calendar.focused()).toMatch(/^Dental review, Cancelled, All day/);
    // Back out at the slot the keyboard cursor is on: 11:00, for the hour an all-day event becomes.
    await calendar.press('Alt+a');
    await calendar.waitForStored('the review at 11:00 again', { title: 'Dental review', allDay: false, start: '2025-03-28T11:00:00', end: '2025-03-28T12:00:00' });
    expect(await calendar.focused()).toMatch(/^Dental review, Cancelled, 11:00 – 12:00/);
  });

  it('leaves a repeating event’s times alone when it is dragged to the all-day row', async () => {
    const { calendar } = await CalendarPage.openIn(lab);
    await calendar.drag(calendar.event('Physio Grace'), await calendar.allDayAt('2025-03-25'));
    await calendar.rendered();
    const [series] = await calendar.stored('Physio Grace');
    expect(series).toMatchObject({ allDay: false, start: '2025-03-24T10:00:00' });
    expect(await calendar.recordedEvents('p2p-request-change')).toEqual([]);
  });

  it('folds a full all-day row to two lines and “+N more” per day, unfolds it with a click and folds it again from the keyboard', async () => {
    const { calendar, device } = await CalendarPage.openIn(lab, { date: '2025-04-09' });
    await calendar.addAllDay('2025-04-09', ['Ada’s birthday', 'Grace’s birthday', 'Hedy’s birthday', 'Alan’s birthday', 'Emmy’s birthday']);
    await calendar.addAllDay('2025-04-10', ['Team day']);
    await device.waitFor('the all-day row folded with +3 more', () => document.querySelector('p2p-calendar')?.shadowRoot?.querySelector('.tg-allday .more .more-words')?.textContent?.trim() === '+3 more');
    expect(await calendar.texts('.tg-allday .bar .ev-title')).toEqual(['Ada’s birthday', 'Alan’s birthday', 'Team day']);
    expect(await calendar.attribute('.tg-allday .more', 'aria-label')).toBe('3 more events on 9 April');

    await calendar.click(['p2p-calendar', '.tg-allday .more']);
    await device.waitFor('every bar of the all-day row', () => document.querySelector('p2p-calendar')?.shadowRoot?.querySelectorAll('.tg-allday .bar').length === 6);
    expect(await calendar.texts('.tg-allday .more')).toEqual([]);
    expect(await calendar.focused()).toBe('Show fewer');
    await expectNoAxeViolations(device, 'p2p-calendar');

    await calendar.press('Enter');
    await device.waitFor('the all-day row folded again', () => document.querySelector('p2p-calendar')?.shadowRoot?.querySelectorAll('.tg-allday .bar').length === 3);
    expect(await calendar.focused()).toBe('3 more events on 9 April');

    // Unfolded, it stays so from week to week.
    await calendar.press('Enter');
    await device.waitFor('the all-day row unfolded by keyboard', () => document.querySelector('p2p-calendar')?.shadowRoot?.querySelectorAll('.tg-allday .bar').length === 6);
    await calendar.click(['p2p-calendar', '[data-nav="1"]']);
    await calendar.click(['p2p-calendar', '[data-nav="-1"]']);
    expect(await calendar.texts('.tg-allday .bar')).toHaveLength(6);
  });
});
