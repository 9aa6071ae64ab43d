/**
 * iCalendar files as Nextcloud, Fastmail and Outlook write them, read from their bytes as a file picker hands
 * them over: series bounded by a UTC UNTIL, zones only a VTIMEZONE defines, folds inside a character; and every
 * fixture brought back with the same events and occurrences through an export and a second import.
 */
import { describe, expect, it } from 'vitest';
import { exportIcs, importIcs, parseIcs } from '../src/core/interop/index.ts';
import { asStored, collector, interopFixture, interopFixtureBytes } from './interop-fixtures.ts';
import { memoryStores, utc } from './core-fixtures.ts';
import type { EventFields } from '../src/core/records/records.ts';

const BERLIN = { floatingTimeZone: 'Europe/Berlin' };

const parsed = (name: string) => parseIcs(interopFixtureBytes(name), BERLIN);
const titled = (name: string, title: string) => parsed(name).items.find((item) => item.fields.title === title)?.fields;

/** The occurrences the events store gives for imported events, as instants, viewed from Berlin. */
async function occurrencesOf(events: EventFields[], from: string, to: string) {
  const { events: store } = await memoryStores();
  for (const fields of events) store.create(fields);
  return store
    .occurrences(utc(from), utc(to), 'Europe/Berlin')
    .map((occurrence) => ({ title: occurrence.title, start: new Date(occurrence.start).toISOString(), end: new Date(occurrence.end).toISOString() }))
    .sort((a, b) => a.start.localeCompare(b.start) || a.title.localeCompare(b.title));
}

describe('Nextcloud export', () => {
  it('keeps the occurrence that starts exactly at the UTC UNTIL of a series in Europe/Berlin', async () => {
    const starts = (await occurrencesOf([titled('nextcloud.ics', 'Rückenschule (Gruppe)')!], '2024-06-01T00:00:00Z', '2024-08-01T00:00:00Z')).map((occurrence) => occurrence.start);
    expect(starts).toEqual(['2024-06-03T08:00:00.000Z', '2024-06-10T08:00:00.000Z', '2024-06-17T08:00:00.000Z', '2024-06-24T08:00:00.000Z']);
  });

  it('unfolds a description folded inside a multi-byte character before decoding it', () => {
    const notes = titled('nextcloud.ics', 'Rückenschule (Gruppe)')!.notes;
    expect(notes).toBe('Bitte bequeme Kleidung und ein großes Duschtuch mitbringen. Für Teilnehmende mit Überweisung übernimmt die Kasse die Gebühr.');
  });

  it('imports the all-day holiday with its exclusive end', () => {
    expect(titled('nextcloud.ics', 'Praxisurlaub – Vertretung Dr. Schäfer')).toMatchObject({ allDay: true, start: '2024-07-29', end: '2024-08-10' });
  });
});

describe('Fastmail export', () => {
  it('ends a daily evening series in America/New_York at the instant its UTC UNTIL names', async () => {
    const starts = (await occurrencesOf([titled('fastmail.ics', 'Night shift handover')!], '2024-06-01T00:00:00Z', '2024-07-01T00:00:00Z')).map((occurrence) => occurrence.start);
    // 22:00 on 10 June in New York is 02:00Z on the 11th, after UNTIL=20240610T230000Z.
    expect(starts).toEqual(['2024-06-06T02:00:00.000Z', '2024-06-07T02:00:00.000Z', '2024-06-08T02:00:00.000Z', '2024-06-09T02:00:00.000Z', '2024-06-10T02:00:00.000Z']);
  });

  it('keeps a UTC event in UTC', () => {
    expect(titled('fastmail.ics', 'Supplier call (London)')).toMatchObject({ start: '2024-06-12T15:00:00', timeZone: 'UTC' });
  });
});

describe('Outlook zones that only a VTIMEZONE defines', () => {
  it("maps a customised zone to the IANA zone whose changes match its rules over the series' dates", () => {
    expect(titled('outlook-zones.ics', 'Physio-Gruppe')).toMatchObject({ start: '2024-03-05T10:00:00', timeZone: 'Europe/Berlin' });
  });

  it('keeps the series at 10:00 local across the spring change instead of fixing its offset', async () => {
    const starts = (await occurrencesOf([titled('outlook-zones.ics', 'Physio-Gruppe')!], '2024-03-01T00:00:00Z', '2024-05-01T00:00:00Z')).map((occurrence) => occurrence.start);
    expect(starts).toEqual(['2024-03-05T09:00:00.000Z', '2024-03-12T09:00:00.000Z', '2024-03-19T09:00:00.000Z', '2024-03-26T09:00:00.000Z', '2024-04-02T08:00:00.000Z', '2024-04-09T08:00:00.000Z', '2024-04-16T08:00:00.000Z', '2024-04-23T08:00:00.000Z']);
  });

  it('reads a Windows zone the table lacks through its fixed-offset VTIMEZONE', () => {
    expect(titled('outlook-zones.ics', 'Llamada con Chihuahua')).toMatchObject({ start: '2024-07-10T09:00:00', timeZone: 'Etc/GMT+7' });
  });

  it('refuses a series in a zone whose changes no IANA zone follows, saying why', () => {
    expect(parsed('outlook-zones.ics').errors).toEqual([
      {
        code: 'UNSUPPORTED',
        index: 2,
        uid: expect.any(String),
        summary: 'Field clinic rota',
        reason: { code: 'ZONE_CHANGES_OFFSET', tzid: 'Customized Time Zone 1' },
      },
    ]);
  });

  it("converts a one-off event in that zone to UTC by the zone's own rules", () => {
    // 09:00 on 16 April is in the zone's summer time (+04:00, from the first Sunday of April).
    expect(titled('outlook-zones.ics', 'Field clinic visit')).toMatchObject({ start: '2024-04-16T05:00:00', end: '2024-04-16T06:00:00', timeZone: 'UTC' });
  });

  it('reports how each zone was read', () => {
    expect(parsed('outlook-zones.ics').timeZones).toEqual([
      { tzid: 'Customized Time Zone', zone: 'Europe/Berlin', kind: 'matching-rules' },
      { tzid: 'Mountain Standard Time (Mexico)', zone: 'Etc/GMT+7', kind: 'fixed-offset' },
      { tzid: 'Customized Time Zone 1', zone: 'UTC', kind: 'converted-to-utc' },
    ]);
  });

  it('reports a Windows name and a customised zone in the import report', () => {
    expect(importIcs(collector<EventFields>(), interopFixture('outlook.ics'), BERLIN).timeZones).toEqual([
      { tzid: 'W. Europe Standard Time', zone: 'Europe/Berlin', kind: 'windows-name' },
      { tzid: 'Customized Time Zone', zone: 'America/New_York', kind: 'matching-rules' },
    ]);
  });
});

describe('ICS items with a part that cannot be read', () => {
  it('imports an event whose alarm has no trigger, without that reminder, and reports it', () => {
    const broken = ['BEGIN:VALARM', 'ACTION:DISPLAY', 'END:VALARM'];
    const working = ['BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'END:VALARM'];
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:alarm', 'DTSTART:20240610T090000Z', 'SUMMARY:Check-up', ...broken, ...working, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
    const result = parseIcs(ics);
    expect(result.items.map((item) => item.fields.reminders)).toEqual([[15]]);
    expect(result.warnings).toEqual([{ code: 'UNREADABLE', index: 0, uid: 'alarm', summary: 'Check-up', property: 'VALARM', reason: { code: 'ALARM_WITHOUT_TRIGGER' } }]);
  });
});

describe('ICS import from a File', () => {
  it('imports the File a file picker gives, as a promise of the report', async () => {
    const target = collector<EventFields>();
    const file = new File([interopFixtureBytes('nextcloud.ics')], 'praxis.ics', { type: 'text/calendar' });
    await expect(importIcs(target, file, BERLIN)).resolves.toEqual({ imported: 2, errors: [], warnings: [], timeZones: [] });
    expect(target.written[0]!.title).toBe('Rückenschule (Gruppe)');
  });

  it('reads an ArrayBuffer that starts with a UTF-8 BOM', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...interopFixtureBytes('fastmail.ics')]);
    expect(parseIcs(bytes.buffer, BERLIN).items.map((item) => item.fields.title)).toEqual(['Night shift handover', 'Supplier call (London)']);
  });
});

describe('ICS round trips', () => {
  const fixtures = ['google-calendar.ics', 'apple-calendar.ics', 'outlook.ics', 'outlook-zones.ics', 'thunderbird.ics', 'nextcloud.ics', 'fastmail.ics'];

  it.each(fixtures)('gives back the events and occurrences of %s through an export', async (name) => {
    const imported = parsed(name).items.map((item) => item.fields);
    const again = parseIcs(exportIcs(imported.map((fields, index) => asStored(fields, index))), BERLIN).items.map((item) => item.fields);
    expect(again).toEqual(imported);
    expect(await occurrencesOf(again, '2024-01-01T00:00:00Z', '2025-07-01T00:00:00Z')).toEqual(await occurrencesOf(imported, '2024-01-01T00:00:00Z', '2025-07-01T00:00:00Z'));
  });
});
