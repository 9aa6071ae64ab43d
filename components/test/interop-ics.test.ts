import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { exportIcs, importIcs, parseIcs, WINDOWS_TIME_ZONES } from '../src/core/interop/index.ts';
import { isValidTimeZone, wallClockToInstant } from '../src/core/calendar/wall-clock-time.ts';
import { asStored, collector, interopFixture } from './interop-fixtures.ts';
import { eventFields, memoryStores, weekly } from './core-fixtures.ts';
import type { EventFields } from '../src/core/records/records.ts';

const BERLIN = { floatingTimeZone: 'Europe/Berlin' };

function importFixture(name: string, options = BERLIN) {
  const target = collector<EventFields>();
  const report = importIcs(target, interopFixture(name), options);
  return { report, events: target.written };
}

const titled = (events: EventFields[], title: string) => events.find((event) => event.title === title);

describe('ICS import of Google Calendar exports', () => {
  it('imports a weekly series with its exception dates, a cancelled occurrence and a moved one', () => {
    const { events } = importFixture('google-calendar.ics');
    expect(titled(events, 'Physio: Ada')).toMatchObject({
      start: '2024-05-06T09:00:00',
      end: '2024-05-06T09:30:00',
      timeZone: 'Europe/Berlin',
      recurrence: {
        // UNTIL in the zone's wall-clock time, as the core expands rules (ics-clinic-fields.ts).
        rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20240630T235959',
        exdates: ['2024-05-20T09:00:00', '2024-06-03T09:00:00'],
        overrides: [{ recurrenceId: '2024-05-27T09:00:00', start: '2024-05-27T11:00:00', location: 'Room 5, Hauptstraße 1, Berlin' }],
      },
    });
  });

  it('unfolds folded lines and unescapes text', () => {
    const physio = titled(importFixture('google-calendar.ics').events, 'Physio: Ada')!;
    expect(physio.location).toBe('Room 2, Hauptstraße 1, Berlin');
    expect(physio.notes).toBe('Bring the referral letter. Fasting is not required, but please arrive ten minutes early to fill in the intake form.\nParking behind the building.');
  });

  it('turns display and email alarms into reminders', () => {
    expect(titled(importFixture('google-calendar.ics').events, 'Physio: Ada')!.reminders).toEqual([30, 1440]);
  });

  it('imports an all-day event with its exclusive end date', () => {
    expect(titled(importFixture('google-calendar.ics').events, 'Dr. Weber on leave')).toMatchObject({ allDay: true, start: '2024-07-15', end: '2024-07-18' });
  });

  it('keeps a UTC time in zone UTC', () => {
    expect(titled(importFixture('google-calendar.ics').events, 'Supplier call')).toMatchObject({ start: '2024-06-10T13:00:00', timeZone: 'UTC' });
  });

  it('maps attendees to contacts through the resolver and leaves out unknown addresses', () => {
    const target = collector<EventFields>();
    importIcs(target, interopFixture('google-calendar.ics'), { ...BERLIN, resolveAttendee: (email) => (email === 'ada@example.org' ? 'contact-ada' : undefined) });
    expect(titled(target.written, 'Physio: Ada')!.attendees).toEqual(['contact-ada']);
  });

  it('drops attendees without a resolver', () => {
    expect(titled(importFixture('google-calendar.ics').events, 'Physio: Ada')!.attendees).toEqual([]);
  });
});

describe('ICS import of Apple Calendar exports', () => {
  it('converts an absolute alarm to minutes before the start and ignores ACTION:NONE placeholders', () => {
    expect(titled(importFixture('apple-calendar.ics').events, 'Dentist')).toMatchObject({ timeZone: 'Europe/London', reminders: [60, 15], recurrence: { rrule: 'FREQ=MONTHLY;COUNT=6', exdates: ['2024-04-12T10:00:00'] } });
  });

  it('imports a yearly all-day event with its day-before alarm', () => {
    expect(titled(importFixture('apple-calendar.ics').events, "Ada's birthday")).toMatchObject({ allDay: true, start: '2024-04-01', end: '2024-04-02', reminders: [900], recurrence: { rrule: 'FREQ=YEARLY' } });
  });
});

describe('ICS import of Outlook exports', () => {
  it('maps a Windows zone name to its IANA zone', () => {
    expect(titled(importFixture('outlook.ics').events, 'Teambesprechung')).toMatchObject({
      start: '2024-06-04T10:00:00',
      timeZone: 'Europe/Berlin',
      reminders: [15],
      recurrence: { rrule: 'FREQ=WEEKLY;COUNT=10;BYDAY=TU', exdates: ['2024-06-11T10:00:00'] },
    });
  });

  it('maps a customised zone to the IANA zone whose rules its VTIMEZONE matches', () => {
    expect(titled(importFixture('outlook.ics').events, 'Call with Boston lab')).toMatchObject({ start: '2024-06-12T09:00:00', end: '2024-06-12T10:00:00', timeZone: 'America/New_York' });
  });

  it('imports an all-day event with its alarm', () => {
    expect(titled(importFixture('outlook.ics').events, 'Betriebsausflug')).toMatchObject({ allDay: true, start: '2024-08-01', end: '2024-08-02', reminders: [1080] });
  });

  it('knows only IANA zones in its Windows zone table', () => {
    expect(Object.values(WINDOWS_TIME_ZONES).filter((zone) => !isValidTimeZone(zone))).toEqual([]);
  });
});

describe('ICS import of Thunderbird exports', () => {
  it('computes the end from DURATION and keeps RDATEs', () => {
    expect(titled(importFixture('thunderbird.ics').events, 'Board meeting')).toMatchObject({
      start: '2024-01-04T14:00:00',
      end: '2024-01-04T15:30:00',
      timeZone: 'America/New_York',
      recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=1TH', rdates: ['2024-06-20T14:00:00'] },
    });
  });

  it('reads an alarm related to the end as minutes before the start', () => {
    expect(titled(importFixture('thunderbird.ics').events, 'Board meeting')!.reminders).toEqual([15, 30]);
  });

  it('finds the IANA zone behind a Lightning /mozilla.org/ TZID', () => {
    expect(titled(importFixture('thunderbird.ics').events, 'Réunion à Paris')).toMatchObject({ start: '2024-03-05T09:30:00', timeZone: 'Europe/Paris' });
  });

  it('reads a floating time in the zone it is given', () => {
    const { events } = importFixture('thunderbird.ics', { floatingTimeZone: 'Asia/Tokyo' });
    expect(titled(events, 'Morning stretch')).toMatchObject({ start: '2024-03-01T08:00:00', timeZone: 'Asia/Tokyo' });
  });

  it('reports a to-do as unsupported', () => {
    expect(importFixture('thunderbird.ics').report.errors).toEqual([{ code: 'UNSUPPORTED', index: 3, uid: '5e6f7a8b-9c0d-4e1f-2a3b-4c5d6e7f8a9b', summary: 'Order gloves', reason: { code: 'NOT_AN_EVENT', component: 'VTODO' } }]);
  });
});

describe('ICS import of time zones only a VTIMEZONE defines', () => {
  const customZone = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'BEGIN:VTIMEZONE',
    'TZID:Station Time',
    'BEGIN:STANDARD',
    'DTSTART:19700101T000000',
    'TZOFFSETFROM:+0517',
    'TZOFFSETTO:+0517',
    'END:STANDARD',
    'END:VTIMEZONE',
    'BEGIN:VEVENT',
    'UID:station',
    'DTSTAMP:20240601T000000Z',
    'DTSTART;TZID=Station Time:20240610T091700',
    'DTEND;TZID=Station Time:20240610T101700',
    'SUMMARY:Shift',
    'END:VEVENT',
    'END:VCALENDAR',
  ].join('\r\n');

  it('converts times in a zone that matches no known one to UTC', () => {
    expect(parseIcs(customZone).items[0]!.fields).toMatchObject({ start: '2024-06-10T04:00:00', end: '2024-06-10T05:00:00', timeZone: 'UTC' });
  });
});

describe('ICS export', () => {
  const series = asStored(
    eventFields({
      title: 'Weekly check; with a comma, and a long title that needs folding beyond seventy-five octets',
      location: 'Room 1',
      notes: 'line one\nline two',
      reminders: [15, 0],
      recurrence: weekly('FREQ=WEEKLY;BYDAY=MO;COUNT=8', {
        exdates: ['2024-05-13T09:00:00'],
        rdates: ['2024-05-15T10:00:00'],
        overrides: [
          { recurrenceId: '2024-05-20T09:00:00', start: '2024-05-20T11:00:00', title: 'Moved' },
          { recurrenceId: '2024-05-27T09:00:00', end: '2024-05-27T10:00:00', location: 'Room 9', notes: 'bring scans' },
        ],
      }),
    }),
    0,
  );
  const allDay = asStored(eventFields({ title: 'Conference', allDay: true, start: '2024-10-26', end: '2024-10-29', timeZone: 'Europe/Berlin', reminders: [900], recurrence: weekly('FREQ=YEARLY', { exdates: ['2025-10-26'] }) }), 1);
  const inUtc = asStored(eventFields({ title: 'Call', start: '2024-06-10T13:00:00', end: '2024-06-10T14:00:00', timeZone: 'UTC' }), 2);
  const inSydney = asStored(eventFields({ title: 'Sydney', start: '2024-04-07T02:30:00', end: '2024-04-07T03:30:00', timeZone: 'Australia/Sydney' }), 3);
  const events = [series, allDay, inUtc, inSydney];

  it('gives back the same events when its file is imported', () => {
    const imported = parseIcs(exportIcs(events), BERLIN).items.map((item) => item.fields);
    // ical.js writes a rule's parts in its own order (COUNT before BYDAY); the rule is the same.
    const sameRule = (rrule: string) => ICAL.Recur.fromString(rrule).toString();
    const expected = events.map(({ id: _id, createdAt: _c, updatedAt: _u, ...fields }) => (fields.recurrence ? { ...fields, recurrence: { ...fields.recurrence, rrule: sameRule(fields.recurrence.rrule) } } : fields));
    expect(imported).toEqual(expected);
  });

  it('writes one VEVENT per event and per edited occurrence, with the event id as UID', () => {
    const calendar = new ICAL.Component(ICAL.parse(exportIcs(events)) as unknown[]);
    const vevents = calendar.getAllSubcomponents('vevent');
    expect(vevents.map((vevent) => vevent.getFirstPropertyValue('uid'))).toEqual(['record-0', 'record-0', 'record-0', 'record-1', 'record-2', 'record-3']);
    expect(String(vevents[1]!.getFirstProperty('recurrence-id')!.jCal[3])).toBe('2024-05-20T09:00:00');
  });

  it('writes CRLF lines folded at 75 octets under a PRODID', () => {
    const text = exportIcs(events);
    expect(text).toContain('PRODID:-//p2p-clinic//p2p-clinic 0.1//EN\r\n');
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('writes reminders as VALARM triggers before the start', () => {
    expect(exportIcs([series])).toMatch(/BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:[^\r]*\r\n(?: [^\r]*\r\n)*TRIGGER:-PT15M\r\n/);
  });

  it('writes VTIMEZONEs whose offsets match the zone all year', () => {
    const calendar = new ICAL.Component(ICAL.parse(exportIcs([series, inSydney, asStored(eventFields({ timeZone: 'America/New_York' }), 4), asStored(eventFields({ timeZone: 'Asia/Tokyo' }), 5)])) as unknown[]);
    for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
      const zone = String(vtimezone.getFirstPropertyValue('tzid'));
      const definition = new ICAL.Timezone(vtimezone);
      for (let day = 0; day < 366; day += 1) {
        const local = Date.UTC(2024, 0, 1, 12) + day * 86_400_000;
        const date = new Date(local);
        const time = ICAL.Time.fromData({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: 12, minute: 0, second: 0, isDate: false }, definition);
        expect(time.toUnixTime() * 1000, `${zone} on ${date.toISOString()}`).toBe(wallClockToInstant(local, zone));
      }
    }
  });

  it('writes attendees as email addresses through the lookup and leaves them out without one', () => {
    const withAttendee = asStored(eventFields({ attendees: ['contact-ada', 'contact-unknown'] }), 0);
    const lookup = (id: string) => (id === 'contact-ada' ? { email: 'ada@example.org', name: 'Ada Lovelace' } : undefined);
    expect(exportIcs([withAttendee], { attendeeOf: lookup })).toContain('ATTENDEE;CN=Ada Lovelace:mailto:ada@example.org\r\n');
    expect(exportIcs([withAttendee])).not.toContain('ATTENDEE');
  });
});

describe('ICS import of malformed files', () => {
  it('imports every readable event of a file with broken ones among them', () => {
    const { events } = importFixture('malformed.ics');
    expect(events.map((event) => event.title)).toEqual(['Good before', 'Good after', 'Ends before it starts']);
  });

  it('reports each unreadable event with its reason', () => {
    expect(importFixture('malformed.ics').report.errors.map(({ code, uid, reason }) => ({ code, uid, reason }))).toEqual([
      // ical.js's own words are the details of a line it cannot parse, for whoever looks into the file.
      { code: 'UNREADABLE', uid: 'bad-line', reason: { code: 'UNPARSABLE', detail: 'invalid line (no token ";" or ":") "this line has no colon"' } },
      { code: 'UNREADABLE', uid: 'bad-date', reason: { code: 'NOT_A_DATE_TIME', property: 'DTSTART', value: '2024-13-45T25:00:00' } },
      { code: 'UNREADABLE', uid: 'bad-zone', reason: { code: 'UNKNOWN_TIME_ZONE', property: 'DTSTART', tzid: 'Atlantis Standard Time' } },
      { code: 'UNREADABLE', uid: 'series', reason: { code: 'NOT_A_DATE_TIME', property: 'DTSTART', value: expect.any(String) } },
      { code: 'UNREADABLE', uid: 'no-end', reason: { code: 'NO_END_LINE', component: 'VEVENT' } },
    ]);
  });

  it('writes nothing of a series whose edited occurrence is unreadable', () => {
    expect(titled(importFixture('malformed.ics').events, 'Series with a broken edit')).toBeUndefined();
  });

  it('reports an event the store refuses with the refused field, and writes nothing of it', async () => {
    const { events } = await memoryStores();
    const report = importIcs(events, interopFixture('malformed.ics'), BERLIN);
    expect(report.errors.find((error) => error.uid === 'backwards')).toEqual({ code: 'INVALID', index: 8, uid: 'backwards', summary: 'Ends before it starts', field: 'end', reason: { code: 'FIELD_REFUSED', refusal: { code: 'END_BEFORE_START' } } });
    expect(events.list().map((event) => event.title).sort()).toEqual(['Good after', 'Good before']);
    expect(report.imported).toBe(2);
  });

  it('refuses a file that is not iCalendar with one clear error', () => {
    const target = collector<EventFields>();
    expect(importIcs(target, 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada\r\nEND:VCARD\r\n')).toEqual({
      imported: 0,
      errors: [{ code: 'NOT_ICALENDAR', reason: { code: 'NOT_ICALENDAR' } }],
      warnings: [],
      timeZones: [],
    });
    expect(target.written).toEqual([]);
  });
});

describe('ICS import into the events store', () => {
  it('imports every event of a Google Calendar export', async () => {
    const { events } = await memoryStores();
    expect(importIcs(events, interopFixture('google-calendar.ics'), BERLIN)).toEqual({ imported: 3, errors: [], warnings: [], timeZones: [] });
    expect(events.list().find((event) => event.title === 'Physio: Ada')?.recurrence?.overrides).toEqual([{ recurrenceId: '2024-05-27T09:00:00', start: '2024-05-27T11:00:00', location: 'Room 5, Hauptstraße 1, Berlin' }]);
  });
});
