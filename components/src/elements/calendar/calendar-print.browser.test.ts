/**
 * `<p2p-calendar>` printed: the day sheets of its print stylesheet, laid out with the page's media set to print
 * (the device lab's `setMediaType`), over the seeded clinic's Wednesday 26 March 2025.
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import { CalendarPage } from './calendar.page.ts';

const lab = useDeviceLab();
const SCREEN_PARTS = ['.toolbar', '.view', '.zone-note', '.legend'];

describe('<p2p-calendar> print', () => {
  it('prints one sheet per practitioner or room with appointments that day, and nothing of the screen', async () => {
    const { device, calendar } = await CalendarPage.openIn(lab, { view: 'resource-day', date: '2025-03-26' });
    expect(await calendar.printedSheets()).toEqual([]);
    expect(await calendar.laidOut(SCREEN_PARTS)).toEqual([true, true, true, true]);

    await device.setMediaType('print');
    const sheets = await calendar.printedSheets();
    expect(sheets.map((sheet) => sheet.heading)).toEqual([
      expect.stringMatching(/^Dr Amir Haddad — Wednesday,? 26 March 2025$/),
      expect.stringMatching(/^Room 2 — Wednesday,? 26 March 2025$/),
    ]);
    expect(sheets[0]!.rows).toEqual([
      ['09:00 – 09:30', 'Check-up Ada', 'Ada Lovelace', 'Room 2', 'Booked'],
      ['09:15 – 09:45', 'Blood test', '', '', 'Booked'],
    ]);
    expect(sheets[1]!.rows).toEqual([
      ['09:00 – 09:30', 'Check-up Ada', 'Ada Lovelace', 'Room 2', 'Booked'],
      ['11:00 – 11:15', 'Vaccination', '', '', 'Arrived'],
    ]);
    // Each practitioner takes their own sheet of paper.
    expect(sheets.map((sheet) => sheet.breakAfter)).toEqual(['page', 'page']);
    expect(await calendar.laidOut(SCREEN_PARTS)).toEqual([false, false, false, false]);

    await device.setMediaType('screen');
    expect(await calendar.printedSheets()).toEqual([]);
  });

  it('prints the day view’s sheets too, cancelled appointments and all-day events included', async () => {
    const { device, calendar } = await CalendarPage.openIn(lab, { view: 'day', date: '2025-03-28' });
    await device.setMediaType('print');
    const sheets = await calendar.printedSheets();
    expect(sheets.map((sheet) => sheet.heading)).toEqual([expect.stringMatching(/^Dr Amir Haddad — Friday,? 28 March 2025$/), expect.stringMatching(/^Unassigned — Friday,? 28 March 2025$/)]);
    // A cancelled appointment stays on the sheet, marked so.
    expect(sheets[0]!.rows).toEqual([['11:00 – 11:30', 'Dental review', '', '', 'Cancelled']]);
    expect(sheets[1]!.rows).toEqual([['All day', 'First-aid training', '', '', 'Booked']]);
  });
});
