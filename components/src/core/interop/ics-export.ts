/**
 * Events → an iCalendar (RFC 5545) file: one VEVENT per event (UID = the event's id), one more per edited
 * occurrence (same UID, with RECURRENCE-ID), a VALARM per reminder and a VTIMEZONE per zone used. Attendees
 * are contact ids, meaningless outside the org, so they are written only through `attendeeOf`, as
 * `ATTENDEE;CN=name:mailto:email`; without it they are left out.
 */
import ICAL from 'ical.js';
import { defaultOccurrenceEnd } from './occurrence-end.ts';
import { vtimezoneFor } from './ics-vtimezone.ts';
import { clinicProperties, ruleForExport } from './ics-clinic-fields.ts';
import type { CalendarEvent, EventFields, OccurrenceOverride } from '../records/records.ts';

export interface IcsExportOptions {
  /** The calendar's PRODID. */
  productId?: string;
  /** The email (and name) of an attendee's contact, or undefined to leave that attendee out. */
  attendeeOf?: (contactId: string) => { email: string; name?: string } | undefined;
  /** A resource's name, written as RESOURCES for other clients to show; ids are written either way. */
  resourceName?: (resourceId: string) => string | undefined;
}

export const DEFAULT_PRODUCT_ID = '-//p2p-clinic//p2p-clinic 0.1//EN';

type JCalProperty = [string, Record<string, string>, string, ...unknown[]];
type JCalComponent = [string, JCalProperty[], JCalComponent[]];

const UTC_ZONES = new Set(['UTC', 'Etc/UTC']);

function timeProperty(name: string, value: string, event: EventFields): JCalProperty {
  if (event.allDay) return [name, {}, 'date', value];
  if (UTC_ZONES.has(event.timeZone)) return [name, {}, 'date-time', `${value}Z`];
  return [name, { tzid: event.timeZone }, 'date-time', value];
}

const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

function textProperties(values: { summary: string; location: string; description: string }): JCalProperty[] {
  const properties: JCalProperty[] = [['summary', {}, 'text', values.summary]];
  if (values.location) properties.push(['location', {}, 'text', values.location]);
  if (values.description) properties.push(['description', {}, 'text', values.description]);
  return properties;
}

function alarms(event: CalendarEvent): JCalComponent[] {
  return event.reminders.map((minutes) => [
    'valarm',
    [
      ['action', {}, 'text', 'DISPLAY'],
      ['description', {}, 'text', event.title || 'Reminder'],
      ['trigger', {}, 'duration', ICAL.Duration.fromSeconds(-minutes * 60).toString()],
    ],
    [],
  ]);
}

function attendees(event: CalendarEvent, options: IcsExportOptions): JCalProperty[] {
  const properties: JCalProperty[] = [];
  for (const contactId of event.attendees) {
    const attendee = options.attendeeOf?.(contactId);
    if (attendee) properties.push(['attendee', attendee.name ? { cn: attendee.name } : {}, 'cal-address', `mailto:${attendee.email}`]);
  }
  return properties;
}

function masterVevent(event: CalendarEvent, options: IcsExportOptions): JCalComponent {
  const properties: JCalProperty[] = [
    ['uid', {}, 'text', event.id],
    ['dtstamp', {}, 'date-time', stamp(event.updatedAt)],
    ['created', {}, 'date-time', stamp(event.createdAt)],
    ['last-modified', {}, 'date-time', stamp(event.updatedAt)],
    timeProperty('dtstart', event.start, event),
    timeProperty('dtend', event.end, event),
    ...textProperties({ summary: event.title, location: event.location, description: event.notes }),
    ...attendees(event, options),
    ...clinicProperties(event, options.resourceName),
  ];
  const recurrence = event.recurrence;
  if (recurrence) {
    properties.push(['rrule', {}, 'recur', ICAL.Recur.fromString(ruleForExport(recurrence.rrule, event)).toJSON()]);
    for (const exdate of recurrence.exdates) properties.push(timeProperty('exdate', exdate, event));
    for (const rdate of recurrence.rdates) properties.push(timeProperty('rdate', rdate, event));
  }
  return ['vevent', properties, alarms(event)];
}

/** An edited occurrence as a VEVENT of its own, complete so that any client shows it right. */
function overrideVevent(event: CalendarEvent, override: OccurrenceOverride, options: IcsExportOptions): JCalComponent {
  const start = override.start ?? override.recurrenceId;
  const properties: JCalProperty[] = [
    ['uid', {}, 'text', event.id],
    ['dtstamp', {}, 'date-time', stamp(event.updatedAt)],
    timeProperty('recurrence-id', override.recurrenceId, event),
    timeProperty('dtstart', start, event),
    timeProperty('dtend', override.end ?? defaultOccurrenceEnd(event, start), event),
    ...textProperties({ summary: override.title ?? event.title, location: override.location ?? event.location, description: override.notes ?? event.notes }),
    ...attendees(event, options),
    ...clinicProperties({ status: override.status ?? event.status, resources: override.resources ?? event.resources, category: event.category }, options.resourceName),
  ];
  return ['vevent', properties, alarms(event)];
}

/** The zones of the timed events, each with the first year an event in it starts. */
function zonesInUse(events: readonly CalendarEvent[]): Map<string, number> {
  const zones = new Map<string, number>();
  for (const event of events) {
    if (event.allDay || UTC_ZONES.has(event.timeZone)) continue;
    const year = Number(event.start.slice(0, 4));
    zones.set(event.timeZone, Math.min(year, zones.get(event.timeZone) ?? year));
  }
  return zones;
}

/** An iCalendar file holding the events, with CRLF line endings and lines folded at 75 octets. */
export function exportIcs(events: readonly CalendarEvent[], options: IcsExportOptions = {}): string {
  const components: unknown[] = [...zonesInUse(events)].map(([zone, year]) => vtimezoneFor(zone, year).toJSON());
  for (const event of events) {
    components.push(masterVevent(event, options));
    for (const override of event.recurrence?.overrides ?? []) components.push(overrideVevent(event, override, options));
  }
  const calendar = new ICAL.Component([
    'vcalendar',
    [
      ['version', {}, 'text', '2.0'],
      ['prodid', {}, 'text', options.productId ?? DEFAULT_PRODUCT_ID],
      ['calscale', {}, 'text', 'GREGORIAN'],
    ],
    components,
  ]);
  return `${calendar.toString()}\r\n`;
}
