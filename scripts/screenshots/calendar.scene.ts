/** `<p2p-calendar>`'s views over the seeded clinic week (components/test/clinic-seed.ts), its editor and its questions. */
import { CalendarPage, type CalendarOptions } from '../../components/src/elements/calendar/calendar.page.ts';
import type { Scene, SceneContext } from './scene.ts';

function calendarScene(name: string, options: CalendarOptions, then?: (calendar: CalendarPage) => Promise<void>): Scene {
  return {
    name,
    async setup({ device, pageUrl }: SceneContext) {
      const calendar = new CalendarPage(device);
      await calendar.open(pageUrl, options);
      await then?.(calendar);
      await calendar.rendered();
    },
  };
}

export const scenes: Scene[] = [
  calendarScene('calendar-week', { view: 'week' }),
  calendarScene('calendar-work-week', { view: 'work-week' }),
  calendarScene('calendar-day', { view: 'day' }),
  calendarScene('calendar-month', { view: 'month', seed: { busy: 3 } }),
  calendarScene('calendar-agenda', { view: 'agenda', seed: { busy: 1 } }, (calendar) =>
    calendar.device.waitFor('the agenda to list events', () => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('.ag-event')),
  ),
  calendarScene('calendar-resources', { view: 'resource-day' }),
  calendarScene('calendar-week-new-york', { view: 'week', timeZone: 'America/New_York', locale: 'en-US' }),
  calendarScene('calendar-week-arabic', { view: 'week', locale: 'ar-EG', timeZone: 'Africa/Cairo' }),
  calendarScene('calendar-two-zones', { view: 'week', secondaryTimeZone: 'America/New_York' }),
  calendarScene('calendar-birthdays', { view: 'month', birthdays: true }, async (calendar) => {
    const contacts = await calendar.device.evaluate(() =>
      (window as unknown as { clinic: import('../../components/src/core/index.ts').OrgSession }).clinic.contacts.list().map((contact) => contact.id),
    );
    await calendar.setBirthday(contacts[0]!, '1990-03-26');
    await calendar.setBirthday(contacts[1]!, '--03-12');
  }),
  // A week of a clinic with hundreds of contacts: the birthdays fold to two lines and "+N more" a day, and unfold.
  calendarScene('calendar-all-day-folded', { view: 'week' }, (calendar) => addBirthdayWeek(calendar)),
  calendarScene('calendar-all-day-unfolded', { view: 'week' }, async (calendar) => {
    await addBirthdayWeek(calendar);
    await calendar.click(['p2p-calendar', '.tg-allday .more']);
    await calendar.device.waitFor('the all-day row unfolded', () => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('[data-all-day="fewer"]'));
  }),
  calendarScene('calendar-import-summary', { view: 'week' }, async (calendar) => {
    const event = (summary: string, start: string, end: string) => ['BEGIN:VEVENT', `SUMMARY:${summary}`, `DTSTART;TZID=Europe/Berlin:${start}`, `DTEND;TZID=Europe/Berlin:${end}`, 'END:VEVENT'];
    const file = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other practice//EN',
      ...event('Ultrasound', '20250324T130000', '20250324T134500'),
      ...event('Check-up Ada', '20250326T090000', '20250326T093000'),
      'BEGIN:VEVENT', 'SUMMARY:Broken', 'DTSTART:not-a-date', 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n');
    await calendar.pickFile('other-practice.ics', file);
    await calendar.importSummary();
  }),
  calendarScene('calendar-print', { view: 'resource-day', date: '2025-03-26' }, (calendar) => calendar.device.setMediaType('print')),
  calendarScene('calendar-editor', { view: 'week' }, async (calendar) => {
    await calendar.click(calendar.event('Check-up Ada'));
    await calendar.waitForEditor();
  }),
  calendarScene('calendar-repeat-question', { view: 'week' }, async (calendar) => {
    await calendar.drag(await calendar.topOf(calendar.event('Physio Grace')), await calendar.at('2025-03-24', '11:00'));
    await calendar.waitForScopeQuestion();
  }),
];

const NAMES = ['Ada', 'Alan', 'Emmy', 'Grace', 'Hedy', 'Karen', 'Lise', 'Mary', 'Rosalind', 'Sophie'];

/** Four to nine birthdays on each day of the seeded week, as a clinic of a few thousand contacts has. */
async function addBirthdayWeek(calendar: CalendarPage): Promise<void> {
  for (let day = 0; day < 7; day++) {
    const date = `2025-03-${String(24 + day).padStart(2, '0')}`;
    await calendar.addAllDay(date, NAMES.slice(0, 4 + ((day * 3) % 6)).map((name) => `${name} ${['Becker', 'Okafor', 'Yılmaz', 'Nowak'][day % 4]}’s birthday`));
  }
  await calendar.device.waitFor('the folded all-day row', () => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('.tg-allday .more'));
}
