import { describe, expect, it } from 'vitest';
import { contactFields, eventFields, memoryStores, weekly, refusal } from './core-fixtures.ts';
import type { ContactFields, EventFields } from '../src/core/records/records.ts';
import type { ValidationReason } from '../src/core/records/validation-error.ts';

const badEvents: [string, Partial<EventFields> | Record<string, unknown>, string, ValidationReason][] = [
  ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone', { code: 'UNKNOWN_TIME_ZONE', zone: 'Mars/Olympus_Mons' }],
  ['a start that is not a date-time', { start: '2024-05-06 09:00' }, 'start', { code: 'NOT_A_DATE_TIME' }],
  ['a date that does not exist', { start: '2024-02-30T09:00:00', end: '2024-03-01T09:00:00' }, 'start', { code: 'NOT_A_DATE_TIME' }],
  ['an end before the start', { end: '2024-05-06T08:00:00' }, 'end', { code: 'END_BEFORE_START' }],
  ['an all-day event with a time', { allDay: true }, 'start', { code: 'NOT_A_DATE' }],
  ['an all-day event ending on its start date', { allDay: true, start: '2024-05-06', end: '2024-05-06' }, 'end', { code: 'END_NOT_AFTER_START_DATE' }],
  ['an RRULE without FREQ', { recurrence: weekly('COUNT=3') }, 'recurrence.rrule', { code: 'RRULE_NO_FREQ' }],
  ['an RRULE that does not parse', { recurrence: weekly('FREQ=WEEKLY;COUNT=many') }, 'recurrence.rrule', { code: 'RRULE_UNREADABLE' }],
  ['an RRULE with its name', { recurrence: weekly('RRULE:FREQ=WEEKLY') }, 'recurrence.rrule', { code: 'RRULE_PREFIX' }],
  ['an exception date in the wrong format', { recurrence: weekly('FREQ=WEEKLY', { exdates: ['2024-05-13'] }) }, 'recurrence.exdates.0', { code: 'NOT_A_DATE_TIME' }],
  ['an attendee that is not a string', { attendees: [42] }, 'attendees.0', { code: 'NOT_A_STRING' }],
  ['a negative reminder', { reminders: [-5] }, 'reminders.0', { code: 'OUT_OF_RANGE', min: 0, max: 40_320 }],
  ['a fractional reminder', { reminders: [1.5] }, 'reminders.0', { code: 'NOT_A_WHOLE_NUMBER' }],
  ['a reminder further ahead than four weeks', { reminders: [60 * 24 * 60] }, 'reminders.0', { code: 'OUT_OF_RANGE', min: 0, max: 40_320 }],
  ['a title longer than a line', { title: 'x'.repeat(501) }, 'title', { code: 'TOO_LONG', max: 500 }],
  ['a title that is not text', { title: 7 }, 'title', { code: 'NOT_A_STRING' }],
  ['a status it does not know', { status: 'late' }, 'status', { code: 'NOT_ONE_OF', allowed: ['booked', 'arrived', 'no-show', 'cancelled'] }],
];

describe('refused events', () => {
  it.each(badEvents)('names the field of %s, and why as a code and its data', async (_case, patch, field, reason) => {
    const { events } = await memoryStores();
    const refused = refusal(() => events.create({ ...eventFields(), ...patch } as EventFields));
    expect({ field: refused.field, reason: refused.reason }).toEqual({ field, reason });
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

const badContacts: [string, Partial<ContactFields> | Record<string, unknown>, string, ValidationReason][] = [
  ['a contact without any name, email or phone', { givenName: '', familyName: '' }, 'displayName', { code: 'NO_NAME' }],
  ['an email without an @', { emails: [{ label: 'home', value: 'ada.example.org' }] }, 'emails.0.value', { code: 'NOT_AN_EMAIL' }],
  ['a phone with letters', { phones: [{ label: 'work', value: 'call me' }] }, 'phones.0.value', { code: 'NOT_A_PHONE' }],
  ['a birthday that is not a date', { birthday: '1815-13-10' }, 'birthday', { code: 'NOT_A_BIRTHDAY' }],
  ['an empty tag', { tags: [''] }, 'tags.0', { code: 'EMPTY' }],
  ['too many tags', { tags: Array.from({ length: 51 }, (_, index) => `tag${index}`) }, 'tags', { code: 'TOO_MANY_ITEMS', max: 50 }],
  ['notes that are not text', { notes: ['a'] }, 'notes', { code: 'NOT_A_STRING' }],
  ['emails that are not a list', { emails: 'ada@example.org' }, 'emails', { code: 'NOT_A_LIST' }],
];

describe('refused contacts', () => {
  it.each(badContacts)('names the field of %s, and why as a code and its data', async (_case, patch, field, reason) => {
    const { contacts } = await memoryStores();
    const refused = refusal(() => contacts.create({ ...contactFields(), ...patch } as ContactFields));
    expect({ field: refused.field, reason: refused.reason }).toEqual({ field, reason });
  });

  it('says in its message the field, the code and the data, for a developer’s log', async () => {
    const { contacts } = await memoryStores();
    expect(refusal(() => contacts.create(contactFields({ tags: Array.from({ length: 51 }, (_, index) => `tag${index}`) }))).message).toBe('tags: TOO_MANY_ITEMS {"max":50}');
  });

  it('accepts a birthday without a year, as vCard allows', async () => {
    const { contacts } = await memoryStores();
    expect(contacts.create(contactFields({ birthday: '--02-29' })).birthday).toBe('--02-29');
  });
});
