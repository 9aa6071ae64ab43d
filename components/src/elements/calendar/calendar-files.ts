/**
 * iCalendar in and out of `<p2p-calendar>`, loaded on first use: an import from a picked or dropped `.ics` file,
 * summarised (imported, already in the calendar, refused and why, and what was left out of imported events), and
 * an export of the events shown or of the whole calendar as a `.ics` download.
 *
 * An event of the file whose title, start, end and all-day flag match one the calendar holds is taken as that
 * event ("already in the calendar") and not written again: importing the same file twice adds nothing, though the
 * core keeps no UIDs to match by.
 */
import { parseIcs } from '../../core/interop/ics-import.ts';
import { exportIcs } from '../../core/interop/ics-export.ts';
import { writeParsedItems, type ImportIssue, type ParsedItem } from '../../core/interop/import-report.ts';
import type { EventsStore } from '../../core/calendar/events-store.ts';
import type { CalendarEvent, Contact, EventFields, Resource } from '../../core/records/records.ts';
import { offerDownload } from '../shared/file-download.ts';

export interface EventImportSummary {
  fileName: string;
  imported: number;
  /** Titles of the file's events the calendar already held. */
  merged: string[];
  errors: ImportIssue[];
  warnings: ImportIssue[];
}

interface ContactDirectory {
  list(): Contact[];
  get(id: string): Contact | undefined;
}

const sameEventKey = (event: Pick<EventFields, 'title' | 'start' | 'end' | 'allDay'>) => `${event.allDay ? 'd' : 't'}|${event.start}|${event.end}|${event.title}`;

/** Reads `file` and writes its new events to `events`: floating times and all-day dates in `zone`, attendees matched to contacts by email. */
export async function importEventsFile(events: EventsStore, contacts: ContactDirectory, file: File, zone: string): Promise<EventImportSummary> {
  const byEmail = new Map<string, string>();
  for (const contact of contacts.list()) for (const email of contact.emails) byEmail.set(email.value.toLowerCase(), contact.id);
  const parsed = await parseIcs(file, { floatingTimeZone: zone, resolveAttendee: (email) => byEmail.get(email.toLowerCase()) });
  const held = new Set(events.list().map(sameEventKey));
  const fresh: ParsedItem<EventFields>[] = [];
  const merged: string[] = [];
  for (const item of parsed.items) {
    const key = sameEventKey(item.fields);
    if (held.has(key)) merged.push(item.fields.title);
    else {
      // A file may hold the same event twice: the second is the first, as for one already held.
      held.add(key);
      fresh.push(item);
    }
  }
  const report = writeParsedItems(events, { items: fresh, errors: parsed.errors, warnings: parsed.warnings });
  return { fileName: file.name, imported: report.imported, merged, errors: report.errors, warnings: report.warnings };
}

/** Offers `events` as a `.ics` file to save, attendees with their contacts' first email and resources by name. */
export function downloadIcs(events: readonly CalendarEvent[], contacts: ContactDirectory, resources: readonly Resource[], fileName: string): void {
  const text = exportIcs(events, {
    attendeeOf: (contactId) => {
      const contact = contacts.get(contactId);
      const email = contact?.emails[0]?.value;
      return email ? { email, name: contact.displayName } : undefined;
    },
    resourceName: (resourceId) => resources.find((resource) => resource.id === resourceId)?.name,
  });
  offerDownload(text, 'text/calendar', fileName);
}
