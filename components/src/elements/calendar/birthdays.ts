/**
 * Contacts' birthdays as all-day items of the calendar: not events of the store but read-only items that open the
 * contact. Indexed by month and day once per change of the contacts, so that a range asks only for its own days
 * among thousands of contacts. A birthday on 29 February falls on 28 February in other years.
 */
import type { CalendarEvent, Contact, Occurrence } from '../../core/index.ts';
import { wallClockToInstant } from '../../core/calendar/wall-clock-time.ts';
import { DAY_MS, dateOf } from './calendar-range.ts';

/** The prefix of a birthday item's `eventId`, followed by the contact's id. */
const BIRTHDAY_PREFIX = 'birthday:';

export interface BirthdayItem extends Occurrence {
  /** The contact's id and name. */
  birthdayOf: string;
  name: string;
}

export const isBirthday = (occurrence: Occurrence): occurrence is BirthdayItem => 'birthdayOf' in occurrence;

/** Contacts by the `MM-DD` of their birthday (`YYYY-MM-DD` or `--MM-DD`). */
export type BirthdayIndex = Map<string, Contact[]>;

export function indexBirthdays(contacts: Iterable<Contact>): BirthdayIndex {
  const index: BirthdayIndex = new Map();
  for (const contact of contacts) {
    if (!contact.birthday) continue;
    const monthDay = contact.birthday.slice(-5);
    const list = index.get(monthDay);
    if (list) list.push(contact);
    else index.set(monthDay, [contact]);
  }
  return index;
}

/** The birthdays on the days `[start, end)` (days since the epoch), as all-day items in `zone`, titled by `title`. */
export function birthdaysIn(index: BirthdayIndex, start: number, end: number, zone: string, title: (name: string) => string): BirthdayItem[] {
  const items: BirthdayItem[] = [];
  for (let day = start; day < end; day++) {
    const date = dateOf(day);
    const monthDay = date.slice(5);
    const contacts = [...(index.get(monthDay) ?? []), ...(monthDay === '02-28' && !isLeapYear(Number(date.slice(0, 4))) ? (index.get('02-29') ?? []) : [])];
    for (const contact of contacts) items.push(birthdayItem(contact, day, zone, title(contact.displayName)));
  }
  return items;
}

function birthdayItem(contact: Contact, day: number, zone: string, title: string): BirthdayItem {
  const date = dateOf(day);
  // What the views read of an event, for an item that is none: all-day, booked, in no series, of no resource.
  const event: CalendarEvent = {
    id: `${BIRTHDAY_PREFIX}${contact.id}`,
    title,
    start: date,
    end: dateOf(day + 1),
    allDay: true,
    timeZone: zone,
    location: '',
    notes: '',
    attendees: [contact.id],
    reminders: [],
    resources: [],
    status: 'booked',
    category: 'birthday',
    createdAt: 0,
    updatedAt: 0,
  };
  return {
    eventId: event.id,
    recurrenceId: date,
    title,
    start: wallClockToInstant(day * DAY_MS, zone),
    end: wallClockToInstant((day + 1) * DAY_MS, zone),
    allDay: true,
    location: '',
    status: 'booked',
    resources: [],
    event,
    birthdayOf: contact.id,
    name: contact.displayName,
  };
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
