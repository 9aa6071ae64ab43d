/**
 * Every string the p2p elements show, in one table per language, looked up by key. English is complete; another
 * language may cover part of the table, and a missing string falls back to English. Hosts add or replace a
 * language with `registerMessages('fr', { … })`.
 *
 * A string may hold `{name}` placeholders, filled from the parameters; a count is formatted for the locale.
 */

export const en = {
  'calendar.label': 'Calendar',
  'calendar.previous': 'Previous',
  'calendar.next': 'Next',
  'calendar.today': 'Today',
  'calendar.pickDate': 'Go to date',
  'calendar.views': 'View',
  'calendar.view.day': 'Day',
  'calendar.view.workWeek': 'Work week',
  'calendar.view.week': 'Week',
  'calendar.view.month': 'Month',
  'calendar.view.agenda': 'Agenda',
  'calendar.view.resources': 'Resources',
  'calendar.allDay': 'All day',
  'calendar.more': '+{count} more',
  'calendar.moreLabel': '{count} more events on {date}',
  'calendar.noEvents': 'No events',
  'calendar.noResources': 'No resources yet. Add practitioners, rooms or equipment to the org to see one column each.',
  'calendar.unassigned': 'Unassigned',
  'calendar.legend': 'Colours',
  'calendar.loading': 'Opening calendar…',
  'calendar.openFailed': 'The calendar could not be opened: {reason}',
  'calendar.readonly': 'Read only',
  'calendar.now': 'Now',
  'calendar.showing': '{view}: {range}',
  'calendar.eventLabel': '{title}, {when}',
  'calendar.untitled': '(no title)',
  'calendar.recurring': 'Repeats',
  'calendar.moved': 'Moved {title} to {when}',
  'calendar.shortcuts':
    'Arrow keys move between days and times; Home and End go to the start and end of the row; Page Up and Page Down change period; Enter opens or creates; Alt with arrow keys moves the chosen event, Shift with arrow keys changes its length; Delete removes it.',
  'calendar.timeZone': 'Times in {zone}',
  'calendar.doubleBooked': 'Double booked',
  'calendar.status.booked': 'Booked',
  'calendar.status.arrived': 'Arrived',
  'calendar.status.noShow': 'No-show',
  'calendar.status.cancelled': 'Cancelled',
  'editor.newTitle': 'New event',
  'editor.editTitle': 'Edit event',
  'editor.title': 'Title',
  'editor.allDay': 'All day',
  'editor.start': 'Starts',
  'editor.end': 'Ends',
  'editor.timeZone': 'Time zone',
  'editor.location': 'Location',
  'editor.notes': 'Notes',
  'editor.status': 'Status',
  'editor.attendees': 'Attendees',
  'editor.attendeesSearch': 'Find a contact',
  'editor.resources': 'Resources',
  'editor.repeat': 'Repeat',
  'editor.repeat.none': 'Does not repeat',
  'editor.repeat.daily': 'Every day',
  'editor.repeat.weekdays': 'Every weekday (Monday to Friday)',
  'editor.repeat.weekly': 'Every week on {weekday}',
  'editor.repeat.monthly': 'Every month on day {day}',
  'editor.repeat.yearly': 'Every year on {date}',
  'editor.repeat.custom': 'Custom rule…',
  'editor.rrule': 'Rule (RFC 5545 RRULE)',
  'editor.reminders': 'Reminders',
  'editor.reminder.minutes': '{count} min before',
  'editor.reminder.atStart': 'At the start',
  'editor.reminderAdd': 'Add reminder',
  'editor.remove': 'Remove',
  'editor.save': 'Save',
  'editor.cancel': 'Cancel',
  'editor.delete': 'Delete',
  'editor.invalid': 'Cannot save: {reason}',
  'editor.endBeforeStart': 'the end must be after the start',
  'scope.title': 'Change a repeating event',
  'scope.deleteTitle': 'Delete a repeating event',
  'scope.this': 'This event',
  'scope.following': 'This and following events',
  'scope.all': 'All events',
  'dialog.close': 'Close',
  'reminders.label': 'Reminders',
  'reminders.none': 'No reminders in the next {hours} hours.',
  'reminders.due': 'Due reminders',
  'reminders.when': '{time}, {distance}',
  'reminders.dismiss': 'Dismiss',
  'reminders.snooze': 'Snooze',
  'reminders.snoozeFor': 'Snooze {title} for {duration}',
  'reminders.snooze5': '5 min',
  'reminders.snooze15': '15 min',
  'reminders.snooze60': '1 hour',
  'reminders.snoozeTomorrow': 'Tomorrow',
  'reminders.snoozed': 'Snoozed',
} as const;

export type MessageKey = keyof typeof en;
export type MessageTable = Partial<Record<MessageKey, string>>;

const tables = new Map<string, MessageTable>([['en', en]]);

/** Adds or replaces strings for a language (`de`) or a locale (`de-CH`), which is looked up first. */
export function registerMessages(locale: string, table: MessageTable): void {
  tables.set(locale, { ...tables.get(locale), ...table });
}

/** The string for `key` in `locale` (falling back to its language, then English), placeholders filled. */
export function message(locale: string, key: MessageKey, params: Record<string, string | number> = {}): string {
  const language = locale.split('-')[0]!;
  const template = tables.get(locale)?.[key] ?? tables.get(language)?.[key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === 'number' ? value.toLocaleString(locale) : value;
  });
}
