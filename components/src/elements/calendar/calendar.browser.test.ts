/**
 * `<p2p-calendar>` in real browsers over a seeded clinic (components/test/clinic-seed.ts): the week of 24 March 2025,
 * whose Sunday is the change to summer time in Europe, with appointments in Berlin and New York.
 */
import { describe, expect, it } from 'vitest';
import { useDeviceLab } from '../../../../scripts/device-lab/lab.ts';
import { CalendarPage, type CalendarOptions } from './calendar.page.ts';

const lab = useDeviceLab();

/** Slots of the default 15 minutes: 09:00 is slot 36. */
const slotAt = (time: string) => (Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) / 15;

const openCalendar = (options: CalendarOptions = {}) => CalendarPage.openIn(lab, options);

/** Where events start, by date (the DOM lists them by row). */
const where = (events: { date: string | null; slot: number | null }[]) =>
  events.map(({ date, slot }) => ({ date, slot })).sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '') || (a.slot ?? 0) - (b.slot ?? 0));

describe('<p2p-calendar> views', () => {
  it('puts each occurrence of a week in the cell of its wall-clock start, across the change to summer time', async () => {
    const { calendar } = await openCalendar({ timeZone: 'Europe/Berlin' });
    expect(where(await calendar.drawn('Check-up Ada'))).toEqual([{ date: '2025-03-26', slot: slotAt('09:00') }]);
    // 09:00 in New York on 25 March is 14:00 in Berlin: New York has changed to summer time, Berlin not yet.
    expect(where(await calendar.drawn('Video consult (New York)'))).toEqual([{ date: '2025-03-25', slot: slotAt('14:00') }]);
    expect(where(await calendar.drawn('Physio Grace'))).toEqual([
      { date: '2025-03-24', slot: slotAt('10:00') },
      { date: '2025-03-27', slot: slotAt('10:00') },
    ]);
    // Sunday 30 March loses 02:00–03:00: the handover from 01:30 to 03:30 starts at 01:30 all the same.
    expect(where(await calendar.drawn('Night shift handover'))).toEqual([{ date: '2025-03-30', slot: slotAt('01:30') }]);
    const training = await calendar.drawn('First-aid training');
    expect(training).toHaveLength(1);
    expect(training[0]!.parts).toContain('all-day');
    expect(training[0]!.label).toMatch(/^First-aid training, All day, Thursday,? 27 March 2025 – Friday,? 28 March/);
  });

  it('shows the same week in New York: every timed event moved by the zones’ difference, the day included', async () => {
    const { calendar } = await openCalendar({ timeZone: 'America/New_York' });
    expect(where(await calendar.drawn('Check-up Ada'))).toEqual([{ date: '2025-03-26', slot: slotAt('04:00') }]);
    expect(where(await calendar.drawn('Video consult (New York)'))).toEqual([{ date: '2025-03-25', slot: slotAt('09:00') }]);
    expect(where(await calendar.drawn('Night shift handover'))).toEqual([{ date: '2025-03-29', slot: slotAt('20:30') }]);
    await calendar.setAttribute('date', '2025-03-31');
    // After both changes the difference is six hours again: 08:30 in Berlin is 02:30 in New York.
    expect(where(await calendar.drawn('Follow-up'))).toEqual([{ date: '2025-03-31', slot: slotAt('02:30') }]);
  });

  it('files a month’s events by day and says how many more a full cell holds', async () => {
    const { calendar } = await openCalendar({ view: 'month', seed: { busy: 3 } });
    const wednesday = (await calendar.drawnEvents()).filter((event) => event.date === '2025-03-26');
    const more = await calendar.texts('[role="gridcell"][data-date="2025-03-26"] [part="more"]');
    // Three busy appointments, the check-up, the blood test and the vaccination.
    expect(wednesday.length + Number(/\d+/.exec(more[0] ?? '0')![0])).toBe(6);
    expect(more).toHaveLength(1);
    expect(where(await calendar.drawn('First-aid training'))).toEqual([{ date: '2025-03-27', slot: null }]);
    await calendar.click(['p2p-calendar', '[data-date="2025-03-26"] [part="more"]']);
    await calendar.rendered();
    expect(await calendar.attribute('[data-view="day"]', 'aria-pressed')).toBe('true');
    expect((await calendar.recordedEvents('p2p-view-change')).at(-1)?.detail).toEqual({ view: 'day', date: '2025-03-26', start: '2025-03-26', end: '2025-03-27' });
  });

  it('lists a month from the date in a virtualised agenda, repeats included', async () => {
    const { calendar } = await openCalendar({ view: 'agenda', seed: { busy: 2 } });
    await calendar.device.waitFor('the agenda to list events', () => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('.ag-event'));
    const days = await calendar.texts('[part="agenda-day"]');
    expect(days[0]).toMatch(/^Wednesday,? 26 March 2025$/);
    const drawn = await calendar.drawnEvents();
    expect(drawn.slice(0, 3).map((event) => event.title)).toEqual(['Appointment 1', 'Appointment 2', 'Check-up Ada']);
    // 3 busy days left in March × 2, plus the seeded week and the series: far more than a screen holds.
    const total = await calendar.device.evaluate(() => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('.agenda')!.scrollHeight);
    const visible = await calendar.device.evaluate(() => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('.agenda')!.clientHeight);
    expect(total).toBeGreaterThan(visible);
  });

  it('gives each practitioner and room a column in the resource day view', async () => {
    const { calendar } = await openCalendar({ view: 'resource-day' });
    expect(await calendar.texts('.tg-colhead')).toEqual(['Dr Amir Haddad', 'Dr Lena Berg', 'Room 2', 'Unassigned']);
    const checkUp = await calendar.drawn('Check-up Ada');
    expect(checkUp).toHaveLength(2);
    const columns = await calendar.device.evaluate(() =>
      [...document.querySelector('p2p-calendar')!.shadowRoot!.querySelectorAll<HTMLElement>('[data-occ]')]
        .filter((element) => element.dataset.title === 'Check-up Ada')
        .map((element) => element.closest<HTMLElement>('[role="gridcell"]')!.dataset.column),
    );
    expect(columns).toEqual(['0', '2']);
    // The check-up and the blood test both book Dr Haddad from 09:15: marked, in words too.
    expect(checkUp[0]!.parts).toContain('conflict');
    expect(checkUp[0]!.label).toContain('Double booked');
  });
});

describe('<p2p-calendar> editing', () => {
  it('creates an event by dragging across empty slots, snapped to the slot', async () => {
    const { calendar } = await openCalendar();
    await calendar.drag(await calendar.at('2025-03-24', '13:00'), await calendar.at('2025-03-24', '13:45'));
    await calendar.waitForEditor();
    expect(await calendar.editorValue('start')).toBe('2025-03-24T13:00');
    expect(await calendar.editorValue('end')).toBe('2025-03-24T14:00');
    await calendar.typeTitle('Ultrasound');
    await calendar.save();
    await calendar.waitForStored('the dragged event', { title: 'Ultrasound', start: '2025-03-24T13:00:00', end: '2025-03-24T14:00:00' });
    await calendar.waitForEditor(false);
    expect((await calendar.recordedEvents('p2p-request-create'))[0]?.detail).toMatchObject({ fields: { title: 'Ultrasound', timeZone: 'Europe/Berlin' } });
    expect(where(await calendar.drawn('Ultrasound'))).toEqual([{ date: '2025-03-24', slot: slotAt('13:00') }]);
  });

  it('creates an event from the keyboard: arrows to the slot, Enter, type, Enter', async () => {
    const { calendar } = await openCalendar();
    await calendar.focusCell('2025-03-24', '15:00');
    await calendar.press('ArrowDown');
    // Still in the 15:00 cell: the slot is announced.
    expect(await calendar.texts('[role="status"]')).toEqual([expect.stringMatching(/^Monday,? 24 March, 15:15$/)]);
    await calendar.press('ArrowDown', 'ArrowRight');
    expect(await calendar.focused()).toMatch(/^Tuesday,? 25 March, 15:30$/);
    await calendar.press('Enter');
    await calendar.waitForEditor();
    await calendar.device.keyboard.type('Phone call');
    await calendar.press('Enter');
    await calendar.waitForStored('the event made by keyboard', { title: 'Phone call', start: '2025-03-25T15:30:00', end: '2025-03-25T16:00:00' });
    await calendar.waitForEditor(false);
  });

  it('makes a repeating event with a reminder in the editor, by keyboard', async () => {
    const { calendar } = await openCalendar();
    await calendar.focusCell('2025-03-24', '16:00');
    await calendar.press('Enter');
    await calendar.waitForEditor();
    await calendar.device.keyboard.type('Team meeting');
    await calendar.focusEditorField('repeat');
    // Does not repeat → every day → every weekday → every week on Monday.
    await calendar.press('ArrowDown', 'ArrowDown', 'ArrowDown');
    await calendar.focusEditorField('reminderChoice');
    // 15 min before is chosen first; one step up is 10.
    await calendar.press('ArrowUp');
    await calendar.click(calendar.editorField('addReminder'));
    await calendar.save();
    await calendar.waitForStored('the weekly meeting', { title: 'Team meeting', start: '2025-03-24T16:00:00' });
    const [meeting] = await calendar.stored('Team meeting');
    expect(meeting!.recurrence?.rrule).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(meeting!.reminders).toEqual([10]);
  });

  it('opens an event on click, says so, and saves what is edited', async () => {
    const { calendar, clinic } = await openCalendar();
    await calendar.click(calendar.event('Vaccination'));
    await calendar.waitForEditor();
    expect((await calendar.recordedEvents('p2p-event-select'))[0]?.detail).toMatchObject({ eventId: clinic.events.arrived, recurrenceId: '2025-03-26T11:00:00' });
    expect(await calendar.editorValue('title')).toBe('Vaccination');
    await calendar.typeTitle('Vaccination (tetanus)');
    await calendar.save();
    await calendar.waitForStored('the renamed vaccination', { title: 'Vaccination (tetanus)', start: '2025-03-26T11:00:00' });
  });

  it('moves an event by dragging it to another day and time', async () => {
    const { calendar } = await openCalendar();
    await calendar.drag(await calendar.topOf(calendar.event('Vaccination')), await calendar.at('2025-03-27', '12:00'));
    await calendar.waitForStored('the moved vaccination', { title: 'Vaccination', start: '2025-03-27T12:00:00', end: '2025-03-27T12:15:00' });
    expect((await calendar.recordedEvents('p2p-request-change'))[0]?.detail).toMatchObject({ scope: 'all', patch: { start: '2025-03-27T12:00:00' } });
  });

  it('moves an event to another day by dragging it across the month', async () => {
    const { calendar } = await openCalendar({ view: 'month' });
    await calendar.drag(calendar.event('Dental review'), calendar.cell('2025-03-20'));
    await calendar.waitForStored('the review eight days earlier', { title: 'Dental review', start: '2025-03-20T11:00:00', end: '2025-03-20T11:30:00' });
  });

  it('resizes an event by dragging its lower edge', async () => {
    const { calendar } = await openCalendar();
    await calendar.drag(await calendar.bottomEdgeOf('Dental review'), await calendar.at('2025-03-28', '12:00'));
    await calendar.waitForStored('the longer review', { title: 'Dental review', start: '2025-03-28T11:00:00', end: '2025-03-28T12:00:00' });
  });

  it('moves and resizes an event from the keyboard, keeping focus on it', async () => {
    const { calendar } = await openCalendar();
    await calendar.focusCell('2025-03-28', '11:00');
    await calendar.press('Enter');
    expect(await calendar.focused()).toMatch(/^Dental review, Cancelled, 11:00 – 11:30, .*Friday,? 28 March 2025/);
    await calendar.press('Alt+ArrowDown');
    await calendar.waitForStored('the review a slot later', { title: 'Dental review', start: '2025-03-28T11:15:00', end: '2025-03-28T11:45:00' });
    await calendar.press('Shift+ArrowDown');
    await calendar.waitForStored('the review a slot longer', { title: 'Dental review', start: '2025-03-28T11:15:00', end: '2025-03-28T12:00:00' });
    await calendar.press('Alt+ArrowLeft');
    await calendar.waitForStored('the review a day earlier', { title: 'Dental review', start: '2025-03-27T11:15:00', end: '2025-03-27T12:00:00' });
    expect(await calendar.focused()).toMatch(/^Dental review, Cancelled, 11:15 – 12:00, .*Thursday,? 27 March 2025/);
  });

  it('deletes an event with the Delete key', async () => {
    const { calendar } = await openCalendar();
    await calendar.focusCell('2025-03-26', '11:00');
    await calendar.press('Enter', 'Delete');
    await calendar.waitForStored('the vaccination gone', { title: 'Vaccination', absent: true });
    expect((await calendar.recordedEvents('p2p-request-delete'))[0]?.detail).toMatchObject({ scope: 'all' });
  });

  it('warns before double-booking a practitioner, and books when told to', async () => {
    const { calendar, clinic } = await openCalendar();
    await calendar.clickAt('2025-03-26', '09:00');
    await calendar.waitForEditor();
    await calendar.typeTitle('Second check-up');
    await calendar.click(['p2p-calendar', 'p2p-event-editor', `[name="resource"][value="${clinic.resources.amir}"]`]);
    await calendar.save();
    expect(await calendar.editorWarning()).toMatch(/^Double booked: Check-up Ada/);
    expect(await calendar.stored('Second check-up')).toEqual([]);
    await calendar.save();
    await calendar.waitForStored('the double booking, confirmed', { title: 'Second check-up', start: '2025-03-26T09:00:00' });
  });
});

describe('<p2p-calendar> repeating events', () => {
  it('moves this occurrence only', async () => {
    const { calendar } = await openCalendar();
    await calendar.drag(await calendar.topOf(calendar.event('Physio Grace')), await calendar.at('2025-03-24', '11:00'));
    await calendar.chooseScope('this');
    await calendar.device.waitFor('the occurrence to move', () =>
      [...document.querySelector('p2p-calendar')!.shadowRoot!.querySelectorAll('[data-occ]')].some((element) => element.getAttribute('aria-label')!.match(/^Physio Grace, 11:00 .*Monday,? 24 March 2025/)),
    );
    const [series] = await calendar.stored('Physio Grace');
    expect(series!.start).toBe('2025-03-24T10:00:00');
    expect(series!.recurrence!.overrides).toEqual([expect.objectContaining({ recurrenceId: '2025-03-24T10:00:00', start: '2025-03-24T11:00:00' })]);
    expect(where(await calendar.drawn('Physio Grace'))).toEqual([
      { date: '2025-03-24', slot: slotAt('11:00') },
      { date: '2025-03-27', slot: slotAt('10:00') },
    ]);
  });

  it('moves this and the following occurrences, splitting the series', async () => {
    const { calendar } = await openCalendar();
    const thursday = (await calendar.device.evaluate(() => {
      const elements = [...document.querySelector('p2p-calendar')!.shadowRoot!.querySelectorAll<HTMLElement>('[data-occ]')];
      return elements.find((element) => /^Physio Grace, .*Thursday/.test(element.getAttribute('aria-label')!))!.dataset.occ;
    }))!;
    await calendar.drag(await calendar.topOf(['p2p-calendar', `[data-occ="${thursday}"]`]), await calendar.at('2025-03-27', '11:00'));
    await calendar.chooseScope('following');
    await calendar.waitForStored('a new series from Thursday at 11:00', { title: 'Physio Grace', start: '2025-03-27T11:00:00' });
    const both = await calendar.stored('Physio Grace');
    expect(both.map((event) => event.start).sort()).toEqual(['2025-03-24T10:00:00', '2025-03-27T11:00:00']);
    expect(where(await calendar.drawn('Physio Grace'))).toEqual([
      { date: '2025-03-24', slot: slotAt('10:00') },
      { date: '2025-03-27', slot: slotAt('11:00') },
    ]);
  });

  it('moves all occurrences, and removes one from the editor', async () => {
    const { calendar } = await openCalendar();
    await calendar.drag(await calendar.topOf(calendar.event('Physio Grace')), await calendar.at('2025-03-24', '08:00'));
    await calendar.chooseScope('all');
    await calendar.waitForStored('the series two hours earlier', { title: 'Physio Grace', start: '2025-03-24T08:00:00' });
    await calendar.click(calendar.event('Physio Grace'));
    await calendar.waitForEditor();
    await calendar.deleteInEditor();
    await calendar.chooseScope('this');
    await calendar.device.waitFor('Monday’s occurrence to go', () =>
      ![...document.querySelector('p2p-calendar')!.shadowRoot!.querySelectorAll('[data-occ]')].some((element) => /^Physio Grace, .*Monday/.test(element.getAttribute('aria-label')!)),
    );
    const [series] = await calendar.stored('Physio Grace');
    expect(series!.recurrence!.exdates).toEqual(['2025-03-24T08:00:00']);
  });
});

describe('<p2p-calendar> for the host page', () => {
  it('shows this device’s default org when the page has nothing but the tag', async () => {
    const device = await lab.newBlankDevice();
    const calendar = new CalendarPage(device);
    await calendar.openStandalone(lab.pageUrl, 'date="2025-03-26" time-zone="Europe/Berlin" locale="en-GB"');
    expect(await calendar.attribute('[data-view="week"]', 'aria-pressed')).toBe('true');
    expect(where(await calendar.drawn('Check-up Ada'))).toEqual([{ date: '2025-03-26', slot: slotAt('09:00') }]);
  });

  it('changes nothing when read-only: no creating, moving or saving', async () => {
    const { calendar } = await openCalendar({ readonly: true });
    await calendar.drag(await calendar.at('2025-03-24', '13:00'), await calendar.at('2025-03-24', '14:00'));
    await calendar.drag(await calendar.topOf(calendar.event('Vaccination')), await calendar.at('2025-03-27', '12:00'));
    await calendar.focusCell('2025-03-28', '11:00');
    await calendar.press('Enter', 'Alt+ArrowDown', 'Delete');
    await calendar.click(calendar.event('Check-up Ada'));
    await calendar.waitForEditor();
    expect(await calendar.device.evaluate(() => !!document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('p2p-event-editor')!.shadowRoot!.querySelector('button[type="submit"]'))).toBe(false);
    expect(await calendar.recordedEvents('p2p-request-change')).toEqual([]);
    expect(await calendar.recordedEvents('p2p-request-create')).toEqual([]);
    expect(await calendar.recordedEvents('p2p-request-delete')).toEqual([]);
    expect((await calendar.storedEvents()).map((event) => [event.title, event.start]).sort()).toEqual(
      [
        ['Check-up Ada', '2025-03-26T09:00:00'],
        ['Physio Grace', '2025-03-24T10:00:00'],
        ['First-aid training', '2025-03-27'],
        ['Video consult (New York)', '2025-03-25T09:00:00'],
        ['Blood test', '2025-03-26T09:15:00'],
        ['Dental review', '2025-03-28T11:00:00'],
        ['Vaccination', '2025-03-26T11:00:00'],
        ['Follow-up', '2025-03-31T08:30:00'],
        ['Night shift handover', '2025-03-30T01:30:00'],
      ].sort(),
    );
  });

  it('opens the editor on a new event for the host page, with the fields it gives', async () => {
    const { calendar, clinic } = await openCalendar();
    await calendar.device.evaluate(
      ({ ada }) => document.querySelector('p2p-calendar')!.openNewEvent({ title: 'Follow-up Ada', attendees: [ada], start: '2025-03-27T16:00:00', end: '2025-03-27T16:30:00' }),
      clinic.contacts,
    );
    await calendar.waitForEditor();
    expect(await calendar.editorValue('title')).toBe('Follow-up Ada');
    await calendar.save();
    await calendar.waitForStored('the event the host asked for', { title: 'Follow-up Ada', start: '2025-03-27T16:00:00', end: '2025-03-27T16:30:00' });
    expect((await calendar.stored('Follow-up Ada'))[0]!.attendees).toEqual([clinic.contacts.ada]);
  });

  it('lets the host veto a change before the store is written', async () => {
    const { calendar } = await openCalendar();
    await calendar.veto('p2p-request-change');
    await calendar.focusCell('2025-03-26', '11:00');
    await calendar.press('Enter', 'Alt+ArrowDown');
    await calendar.device.waitFor('the vetoed request', () => (window as unknown as { calendarEvents: { type: string }[] }).calendarEvents.some((event) => event.type === 'p2p-request-change'));
    expect((await calendar.stored('Vaccination'))[0]!.start).toBe('2025-03-26T11:00:00');
    await calendar.veto('p2p-request-create');
    await calendar.clickAt('2025-03-24', '13:00');
    await calendar.waitForEditor();
    await calendar.typeTitle('Vetoed');
    await calendar.save();
    await calendar.device.waitFor('the vetoed create', () => (window as unknown as { calendarEvents: { type: string }[] }).calendarEvents.some((event) => event.type === 'p2p-request-create'));
    expect(await calendar.stored('Vetoed')).toEqual([]);
  });

  it('tells the page when the view or dates change, and announces them', async () => {
    const { calendar } = await openCalendar();
    await calendar.click(['p2p-calendar', '[data-nav="1"]']);
    await calendar.click(['p2p-calendar', '[data-view="month"]']);
    expect((await calendar.recordedEvents('p2p-view-change')).map((event) => event.detail)).toEqual([
      { view: 'week', date: '2025-04-02', start: '2025-03-31', end: '2025-04-07' },
      { view: 'month', date: '2025-04-02', start: '2025-03-31', end: '2025-05-05' },
    ]);
    expect(await calendar.texts('[role="status"]')).toEqual(['Month: April 2025']);
    await calendar.focusCell('2025-04-30');
    await calendar.press('PageDown');
    expect(await calendar.texts('[part="title"]')).toEqual(['May 2025']);
    expect(await calendar.focused()).toMatch(/^Friday,? 30 May 2025$/);
  });

  it('formats for the locale: week start, clock and reading direction', async () => {
    const expectations = [
      { locale: 'en-US', firstDay: 'Sunday', time: /9:00\sAM/, dir: 'ltr' },
      { locale: 'de-DE', firstDay: 'Montag', time: /09:00/, dir: 'ltr' },
      { locale: 'ar-EG', firstDay: 'السبت', time: null, dir: 'rtl' },
    ];
    const device = await lab.newBlankDevice();
    await device.setViewport({ width: 1280, height: 900 });
    const calendar = new CalendarPage(device);
    await calendar.open(lab.pageUrl, { view: 'month' });
    for (const expected of expectations) {
      await calendar.setAttribute('view', 'month');
      await calendar.setAttribute('locale', expected.locale);
      expect(await calendar.attribute('[role="columnheader"]', 'aria-label')).toBe(expected.firstDay);
      expect(await calendar.attribute('.calendar', 'dir')).toBe(expected.dir);
      await calendar.setAttribute('view', 'week');
      const label = (await calendar.drawn('Check-up Ada'))[0]!.label;
      if (expected.time) expect(label).toMatch(expected.time);
      else expect(label).toMatch(/[٠-٩]/);
    }
    // Right to left, the week's first day is the rightmost column.
    const first = await device.boxOf(['p2p-calendar', '.tg-colhead:nth-child(2)']);
    const last = await device.boxOf(['p2p-calendar', '.tg-colhead:last-child']);
    expect(first.x).toBeGreaterThan(last.x);
  });

  it('has no axe violations in any view, light or dark', async () => {
    const { calendar } = await openCalendar();
    await calendar.expectAccessibleIn(['day', 'work-week', 'week', 'month', 'agenda', 'resource-day']);
  });
});
