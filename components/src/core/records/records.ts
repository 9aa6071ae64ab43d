/**
 * The shapes of what an org holds. Stores validate writes against these; import/export maps ICS and vCard onto them.
 * Dates are strings so that they survive Yjs and JSON unchanged and mean the same on every device.
 */

/** A value with a free-form label such as "work", "home", "mobile". */
export interface LabeledValue {
  label: string;
  value: string;
}

export interface PostalAddress {
  label: string;
  street: string;
  locality: string;
  region: string;
  postalCode: string;
  country: string;
}

export interface ContactFields {
  givenName: string;
  familyName: string;
  /** Shown in lists; derived from the names when empty. */
  displayName: string;
  organisation: string;
  emails: LabeledValue[];
  phones: LabeledValue[];
  addresses: PostalAddress[];
  /** `YYYY-MM-DD`, or `--MM-DD` when the year is unknown (as vCard allows). */
  birthday?: string;
  notes: string;
  tags: string[];
}

export interface Contact extends ContactFields {
  id: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
}

/**
 * Timed events use local wall-clock times `YYYY-MM-DDTHH:mm:ss` in `timeZone` (an IANA name), so that a weekly
 * 09:00 appointment stays at 09:00 across daylight-saving changes. All-day events use dates `YYYY-MM-DD`.
 * `end` is exclusive (an all-day event on one day ends the next day), as in RFC 5545.
 */
export interface EventFields {
  title: string;
  start: string;
  end: string;
  allDay: boolean;
  timeZone: string;
  location: string;
  notes: string;
  /** Contact ids. */
  attendees: string[];
  recurrence?: Recurrence;
  /** Minutes before the start at which to remind; 0 means at the start. */
  reminders: number[];
  /** Resource ids (practitioners, rooms, equipment) the event books; a resource booked twice at once is a conflict. */
  resources: string[];
  status: EventStatus;
  /** A free-form category to colour and filter by; '' for none. */
  category: string;
}

/** Where an appointment stands; a cancelled one books nothing. */
export type EventStatus = 'booked' | 'arrived' | 'no-show' | 'cancelled';

/** Which occurrences of a series an edit or removal applies to (the "this / this and following / all" question). */
export type RecurrenceScope = 'this' | 'following' | 'all';

export interface Recurrence {
  /** An RFC 5545 RRULE value without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10`. */
  rrule: string;
  /** Occurrence starts (same format as the event's `start`) that are removed. */
  exdates: string[];
  /** Extra occurrence starts (same format as the event's `start`). */
  rdates: string[];
  /** Occurrences edited on their own, keyed by the start they originally had. */
  overrides: OccurrenceOverride[];
}

export interface OccurrenceOverride {
  /** The original start of the occurrence this replaces (RFC 5545 RECURRENCE-ID). */
  recurrenceId: string;
  title?: string;
  start?: string;
  end?: string;
  location?: string;
  notes?: string;
  status?: EventStatus;
  resources?: string[];
}

export interface CalendarEvent extends EventFields {
  id: string;
  createdAt: number;
  updatedAt: number;
}

/** One concrete occurrence of an event, as a view shows it. Instants are milliseconds since the epoch. */
export interface Occurrence {
  eventId: string;
  /** The occurrence's original start in the event's format; equals the event's start for a one-off event. */
  recurrenceId: string;
  title: string;
  start: number;
  end: number;
  allDay: boolean;
  location: string;
  status: EventStatus;
  resources: string[];
  event: CalendarEvent;
}

/** This device's handling of one reminder of one occurrence. Not shared with other devices. */
export interface ReminderState {
  eventId: string;
  recurrenceId: string;
  /** The reminder's offset in minutes, as in `EventFields.reminders`. */
  offset: number;
  dismissedAt?: number;
  snoozedUntil?: number;
  /** When it was due the last time this device announced it (its `firesAt` then), so that it is announced once. */
  announcedFor?: number;
}

export type ResourceKind = 'practitioner' | 'room' | 'equipment';

/** Something an event books: a practitioner, a room or a piece of equipment. */
export interface ResourceFields {
  name: string;
  kind: ResourceKind;
  /** A CSS colour, `#rrggbb`, to tell its bookings apart (never the only cue: views name the resource too). */
  color: string;
}

export interface Resource extends ResourceFields {
  id: string;
  createdAt: number;
  updatedAt: number;
}

export interface Org {
  id: string;
  name: string;
  /** A CSS colour, `#rrggbb`. */
  color: string;
  /** The signalling room of a synced org; absent for a local-only org. */
  roomId?: string;
  isDefault?: boolean;
  createdAt: number;
}
