/**
 * The event fields p2p-clinic adds to what RFC 5545 has, in iCalendar, so that an export imports back whole:
 * - status: STATUS:CANCELLED for a cancelled appointment; arrived and no-show have no RFC 5545 status, so they
 *   are STATUS:CONFIRMED (what other clients show) with X-P2P-CLINIC-STATUS carrying the exact one;
 * - category: CATEGORIES;
 * - resources: X-P2P-CLINIC-RESOURCES with their ids, and RESOURCES with their names when the exporter can name
 *   them (RFC 5545 RESOURCES is free text, which other clients show).
 * And UNTIL: the core expands rules in wall-clock time, so a timed series' UNTIL is a floating date-time; RFC 5545
 * wants it in UTC beside a DTSTART with a TZID (3.3.10). Export converts it to UTC, import back.
 */
import ICAL from 'ical.js';
import { formatLocalDateTime, instantToWallClock, wallClockToInstant } from '../calendar/wall-clock-time.ts';
import { EVENT_STATUSES } from '../calendar/event-validation.ts';
import type { EventFields, EventStatus, OccurrenceOverride } from '../records/records.ts';

type Property = [string, Record<string, string>, string, ...string[]];

const CLINIC_STATUS = 'x-p2p-clinic-status';
const CLINIC_RESOURCES = 'x-p2p-clinic-resources';

export interface ClinicValues {
  status?: EventStatus | undefined;
  resources?: string[] | undefined;
  category?: string | undefined;
}

/** The properties for an event's (or an edited occurrence's) status, category and resources. */
export function clinicProperties(values: ClinicValues, resourceName?: (id: string) => string | undefined): Property[] {
  const properties: Property[] = [];
  if (values.status === 'cancelled') properties.push(['status', {}, 'text', 'CANCELLED']);
  else if (values.status === 'arrived' || values.status === 'no-show') {
    properties.push(['status', {}, 'text', 'CONFIRMED'], [CLINIC_STATUS, {}, 'text', values.status.toUpperCase()]);
  }
  if (values.category) properties.push(['categories', {}, 'text', values.category]);
  if (values.resources && values.resources.length > 0) {
    properties.push([CLINIC_RESOURCES, {}, 'text', values.resources.join(',')]);
    const names = values.resources.map((id) => resourceName?.(id)).filter((name) => name !== undefined);
    if (names.length > 0) properties.push(['resources', {}, 'text', ...names]);
  }
  return properties;
}

function statusOf(component: ICAL.Component): EventStatus | undefined {
  const value = String(component.getFirstPropertyValue(CLINIC_STATUS) ?? '').toLowerCase();
  return EVENT_STATUSES.includes(value as EventStatus) ? (value as EventStatus) : undefined;
}

function resourcesOf(component: ICAL.Component): string[] | undefined {
  const value = component.getFirstPropertyValue(CLINIC_RESOURCES);
  if (typeof value !== 'string') return undefined;
  return [...new Set(value.split(',').map((id) => id.trim()).filter((id) => id !== ''))];
}

/** A master VEVENT's status, category and resources, as the event's fields (defaults where absent). */
export function clinicFieldsOf(component: ICAL.Component): Pick<EventFields, 'status' | 'resources' | 'category'> {
  const category = component.getFirstProperty('categories')?.getFirstValue();
  return { status: statusOf(component) ?? 'booked', resources: resourcesOf(component) ?? [], category: typeof category === 'string' ? category : '' };
}

/** An edited occurrence's own status and resources, where they differ from the event's. */
export function clinicOverrideOf(component: ICAL.Component, master: EventFields): Pick<OccurrenceOverride, 'status' | 'resources'> {
  const override: Pick<OccurrenceOverride, 'status' | 'resources'> = {};
  const status = statusOf(component);
  const resources = resourcesOf(component);
  if (status !== undefined && status !== master.status) override.status = status;
  if (resources !== undefined && resources.join(',') !== master.resources.join(',')) override.resources = resources;
  return override;
}

const UNTIL = /(^|;)UNTIL=(\d{8}T\d{6})(Z?)(?=;|$)/i;
const compact = (localMs: number) => formatLocalDateTime(localMs).replace(/[-:]/g, '');
const localMsOf = (value: string) =>
  Date.UTC(Number(value.slice(0, 4)), Number(value.slice(4, 6)) - 1, Number(value.slice(6, 8)), Number(value.slice(9, 11)), Number(value.slice(11, 13)), Number(value.slice(13, 15)));

/** A timed series' rule for export: a floating UNTIL as the UTC instant it is in the event's zone. */
export function ruleForExport(rrule: string, event: Pick<EventFields, 'allDay' | 'timeZone'>): string {
  if (event.allDay) return rrule;
  return rrule.replace(UNTIL, (whole, lead: string, value: string, utc: string) =>
    utc ? whole : `${lead}UNTIL=${compact(wallClockToInstant(localMsOf(value), event.timeZone))}Z`,
  );
}

/** An imported timed series' rule: a UTC UNTIL as the wall-clock time it is in the event's zone. */
export function ruleForImport(rrule: string, allDay: boolean, zone: string): string {
  if (allDay) return rrule;
  return rrule.replace(UNTIL, (whole, lead: string, value: string, utc: string) =>
    utc ? `${lead}UNTIL=${compact(instantToWallClock(localMsOf(value), zone))}` : whole,
  );
}
