import { describe, expect, it } from 'vitest';
import { contactFields, eventFields, memoryStores, weekly, refusal } from './core-fixtures.ts';
import type { ContactFields, EventFields } from '../src/core/records/records.ts';

const badEvents: [string, Partial<EventFields> | Record<string, unknown>, string][] = [
  ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
  ['a start that is not a date-time', { start: '2024-05-06 09:00' }, 'start'],
  ['a date that does not exist', { start: '2024-02-30T09:00:00', end: '2024-03-01T09:00:00' }, 'start'],
  ['an end before the start', { end: '2024-05-06T08:00:00' }, 'end'],
  ['an all-day event with a time', { allDay: true }, 'start'],
  ['an RRULE without FREQ', { recurrence: weekly('COUNT=3') }, 'recurrence.rrule'],
  ['an RRULE that does not parse', { recurrence: weekly('FREQ=WEEKLY;COUNT=many') }, 'recurrence.rrule'],
  ['an exception date in the wrong format', { recurrence: weekly('FREQ=WEEKLY', { exdates: ['2024-05-13'] }) }, 'recurrence.exdates.0'],
  ['an attendee that is not a string', { attendees: [42] }, 'attendees.0'],
  ['a negative reminder', { reminders: [-5] }, 'reminders.0'],
  ['a fractional reminder', { reminders: [1.5] }, 'reminders.0'],
  ['a reminder further ahead than four weeks', { reminders: [60 * 24 * 60] }, 'reminders.0'],
  ['a title longer than a line', { title: 'x'.repeat(501) }, 'title'],
  ['a title that is not text', { title: 7 }, 'title'],
];

describe('refused events', () => {
  it.each(badEvents)('names the field of %s', async (_case, patch, field) => {
    const { events } = await memoryStores();
    expect(refusal(() => events.create({ ...eventFields(), ...patch } as EventFields)).field).toBe(field);
  });

  it('writes nothing when it refuses an event', async () => {
    const { doc, events } = await memoryStores();
    let updates = 0;
    doc.on('update', () => updates++);
    refusal(() => events.create(eventFields({ timeZone: 'Nowhere/Special' })));
    expect(updates).toBe(0);
    expect(events.list()).toEqual([]);
  });

  it('leaves an event unchanged when an update is refused', async () => {
    const { events } = await memoryStores();
    const { id } = events.create(eventFields());
    refusal(() => events.update(id, { title: 'New', end: '2020-01-01T00:00:00' }));
    expect(events.get(id)!.title).toBe('Check-up');
  });
});

const badContacts: [string, Partial<ContactFields> | Record<string, unknown>, string][] = [
  ['a contact without any name, email or phone', { givenName: '', familyName: '' }, 'displayName'],
  ['an email without an @', { emails: [{ label: 'home', value: 'ada.example.org' }] }, 'emails.0.value'],
  ['a phone with letters', { phones: [{ label: 'work', value: 'call me' }] }, 'phones.0.value'],
  ['a birthday that is not a date', { birthday: '1815-13-10' }, 'birthday'],
  ['an empty tag', { tags: [''] }, 'tags.0'],
  ['too many tags', { tags: Array.from({ length: 51 }, (_, index) => `tag${index}`) }, 'tags'],
  ['notes that are not text', { notes: ['a'] }, 'notes'],
];

describe('refused contacts', () => {
  it.each(badContacts)('names the field of %s', async (_case, patch, field) => {
    const { contacts } = await memoryStores();
    expect(refusal(() => contacts.create({ ...contactFields(), ...patch } as ContactFields)).field).toBe(field);
  });

  it('accepts a birthday without a year, as vCard allows', async () => {
    const { contacts } = await memoryStores();
    expect(contacts.create(contactFields({ birthday: '--02-29' })).birthday).toBe('--02-29');
  });
});
