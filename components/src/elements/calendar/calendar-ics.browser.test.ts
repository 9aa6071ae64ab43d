/**
 * `<p2p-calendar>` and iCalendar files: import from the picker or by dropping a file on the calendar, with a summary
 * of what was imported, what the calendar already held and what was refused and why; export of the events shown or
 * of all of them. Over the seeded clinic's week of 24 March 2025 (Europe/Berlin).
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import { expectNoAxeViolations } from '../../../../scripts/device-lab/axe.ts';
import { CalendarPage } from './calendar.page.ts';

const lab = useDeviceLab();

const vevent = (lines: string[]) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT'];
/** A new appointment, one the seeded calendar holds already, and one whose start is no date. */
const FILE = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Other practice//EN',
  ...vevent(['UID:new-1@other', 'SUMMARY:Ultrasound', 'DTSTART;TZID=Europe/Berlin:20250324T130000', 'DTEND;TZID=Europe/Berlin:20250324T134500']),
  ...vevent(['UID:same-1@other', 'SUMMARY:Check-up Ada', 'DTSTART;TZID=Europe/Berlin:20250326T090000', 'DTEND;TZID=Europe/Berlin:20250326T093000']),
  ...vevent(['UID:bad-1@other', 'SUMMARY:Broken', 'DTSTART:not-a-date']),
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('<p2p-calendar> ICS files', () => {
  it('imports a picked file, says what it imported, already held and refused, and adds nothing the second time', async () => {
    const { calendar } = await CalendarPage.openIn(lab);
    await calendar.pickFile('other-practice.ics', FILE);
    const first = await calendar.importSummary();
    expect(first.status).toBe('1 imported, 1 already in the calendar, 1 refused');
    expect(first.lists.merged).toEqual(['Check-up Ada']);
    // Which event, then the core's reason in words (the value as ical.js read it).
    expect(first.lists.refused).toEqual([expect.stringMatching(/^Broken: DTSTART “.+” is not a date or a date and time\.$/)]);
    await calendar.waitForStored('the imported ultrasound', { title: 'Ultrasound', start: '2025-03-24T13:00:00', end: '2025-03-24T13:45:00' });
    expect(await calendar.stored('Check-up Ada')).toHaveLength(1);
    expect((await calendar.drawn('Ultrasound')).map((event) => event.date)).toEqual(['2025-03-24']);
    expect((await calendar.recordedEvents('p2p-request-import')).map((event) => event.detail)).toEqual([{ fileName: 'other-practice.ics' }]);

    await calendar.click(['p2p-calendar', 'p2p-dialog[open] [slot="footer"]']);
    await calendar.pickFile('other-practice.ics', FILE);
    await calendar.device.waitFor('the second summary', () =>
      document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('.import-summary [role="status"]')?.textContent?.startsWith('0 imported'),
    );
    expect((await calendar.importSummary()).lists.merged).toEqual(['Ultrasound', 'Check-up Ada']);
    expect(await calendar.stored('Ultrasound')).toHaveLength(1);
  });

  it('imports a file dropped on the calendar, offering to take it while it is dragged over', async () => {
    const { device, calendar } = await CalendarPage.openIn(lab);
    expect(await calendar.dropFile('other-practice.ics', FILE)).toEqual({ hinted: true });
    expect((await calendar.importSummary()).status).toBe('1 imported, 1 already in the calendar, 1 refused');
    await calendar.waitForStored('the dropped ultrasound', { title: 'Ultrasound', start: '2025-03-24T13:00:00' });
    expect(await calendar.laidOut(['.drop-hint'])).toEqual([false]);
    for (const scheme of ['light', 'dark'] as const) {
      await device.setColorScheme(scheme);
      await expectNoAxeViolations(device, 'p2p-calendar');
    }
  });

  it('imports nothing when the host vetoes it, or when read-only', async () => {
    const { calendar } = await CalendarPage.openIn(lab);
    await calendar.veto('p2p-request-import');
    await calendar.dropFile('other-practice.ics', FILE);
    await calendar.rendered();
    expect(await calendar.laidOut(['.import-summary'])).toEqual([false]);
    expect(await calendar.stored('Ultrasound')).toEqual([]);

    const readonly = await CalendarPage.openIn(lab, { readonly: true });
    await readonly.calendar.openFilesMenu();
    expect(await readonly.calendar.laidOut(['[data-action="import"]', '[data-action="export-all"]'])).toEqual([false, true]);
    expect(await readonly.calendar.dropFile('other-practice.ics', FILE)).toEqual({ hinted: false });
  });

  it('exports the events shown, series whole, or every event', async () => {
    const { calendar } = await CalendarPage.openIn(lab);
    const week = await calendar.exported('export-range');
    expect(week).toMatch(/^BEGIN:VCALENDAR/);
    expect(week).toContain('SUMMARY:Check-up Ada');
    expect(week).toMatch(/SUMMARY:Physio Grace\r\n(?:[^\r]*\r\n)*?RRULE:FREQ=WEEKLY;COUNT=8;BYDAY=MO,TH\r\n/);
    // Monday 31 March is the next week's.
    expect(week).not.toContain('SUMMARY:Follow-up');
    const all = await calendar.exported('export-all');
    expect(all).toContain('SUMMARY:Follow-up');
    expect(all).toContain('SUMMARY:Check-up Ada');
  });
});
