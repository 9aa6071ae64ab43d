/**
 * Size limits on what a store accepts. They keep one record from bloating a document every member must sync and
 * hold in memory, while leaving room for anything a clinic or a calendar export really contains.
 */
export const RECORD_LIMITS = {
  /** Names, titles, labels, tags: one line of text. */
  shortText: 500,
  /** Locations, single address lines. */
  mediumText: 2_000,
  /** Free-form notes. */
  notes: 20_000,
  /** Emails, phones, addresses per contact; tags per contact. */
  listItems: 50,
  /** Attendees of one event (contact ids). */
  attendees: 500,
  /** Ids are UUIDs or imported UIDs; 200 characters covers both. */
  id: 200,
  /** Resources one event books: a practitioner, a room and a few devices, with room to spare. */
  eventResources: 20,
  /** An event's category: a word or two. */
  category: 100,
  /** Reminders per event. */
  reminders: 10,
  /** Four weeks in minutes: the longest lead time a calendar usually offers. */
  reminderMinutes: 40_320,
  /** Exception dates, extra dates and overridden occurrences per recurring event. */
  recurrenceItems: 1_000,
  /** An RRULE value; real ones are well under 200 characters. */
  rrule: 1_000,
} as const;
