/** Status, category, resources and UNTIL through an ICS export and back. */
import { describe, expect, it } from 'vitest';
import { exportIcs, parseIcs } from '../src/core/interop/index.ts';
import { eventFields, memoryStores, weekly } from './core-fixtures.ts';
import type { EventFields } from '../src/core/records/records.ts';

const BERLIN = { floatingTimeZone: 'Europe/Berlin' };

async function roundTrip(fields: EventFields, resourceName?: (id: string) => string | undefined) {
  const { events } = await memoryStores();
  const event = events.create(fields);
  const text = exportIcs([event], resourceName ? { resourceName } : {});
  return { text, imported: parseIcs(text, BERLIN).items.map((item) => item.fields) };
}

describe('clinic fields in ICS', () => {
  it('brings status, category and resources back from an export', async () => {
    const fields = eventFields({ status: 'no-show', category: 'physio', resources: ['dr-okafor', 'room-1'] });
    const { imported } = await roundTrip(fields);
    expect(imported).toEqual([fields]);
  });

  it('writes what other clients understand: STATUS, CATEGORIES and resource names', async () => {
    const { text } = await roundTrip(eventFields({ status: 'cancelled', category: 'physio', resources: ['dr-okafor'] }), (id) => (id === 'dr-okafor' ? 'Dr Okafor' : undefined));
    expect(text).toContain('STATUS:CANCELLED\r\n');
    expect(text).toContain('CATEGORIES:physio\r\n');
    expect(text).toContain('RESOURCES:Dr Okafor\r\n');
  });

  it('writes an arrived appointment as confirmed for other clients', async () => {
    const { text } = await roundTrip(eventFields({ status: 'arrived' }));
    expect(text).toContain('STATUS:CONFIRMED\r\n');
    expect(text).toMatch(/\r\nX-P2P-CLINIC-STATUS(;VALUE=TEXT)?:ARRIVED\r\n/);
  });

  it('brings back an occurrence’s own status and resources', async () => {
    const fields = eventFields({
      resources: ['dr-okafor'],
      recurrence: weekly('FREQ=WEEKLY;COUNT=3', { overrides: [{ recurrenceId: '2024-05-13T09:00:00', status: 'arrived', resources: ['dr-adeyemi'] }] }),
    });
    const { imported } = await roundTrip(fields);
    expect(imported[0]!.recurrence!.overrides).toEqual([{ recurrenceId: '2024-05-13T09:00:00', status: 'arrived', resources: ['dr-adeyemi'] }]);
  });

  it('writes a timed series’ UNTIL in UTC, as RFC 5545 asks, and reads it back as wall-clock time', async () => {
    const fields = eventFields({ recurrence: weekly('FREQ=WEEKLY;UNTIL=20240520T090000') });
    const { text, imported } = await roundTrip(fields);
    expect(text).toContain('UNTIL=20240520T070000Z');
    expect(imported[0]!.recurrence!.rrule).toBe('FREQ=WEEKLY;UNTIL=20240520T090000');
  });

  it('keeps the last occurrence of an imported series whose UNTIL is in UTC', async () => {
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//EN',
      'BEGIN:VEVENT',
      'UID:weekly-until',
      'DTSTAMP:20240501T000000Z',
      'DTSTART;TZID=Europe/Berlin:20240506T090000',
      'DTEND;TZID=Europe/Berlin:20240506T093000',
      'RRULE:FREQ=WEEKLY;UNTIL=20240520T070000Z',
      'SUMMARY:Check-up',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const { events } = await memoryStores();
    events.create(parseIcs(ics, BERLIN).items[0]!.fields!);
    expect(events.occurrences(Date.parse('2024-05-01T00:00:00Z'), Date.parse('2024-06-01T00:00:00Z'))).toHaveLength(3);
  });
});
