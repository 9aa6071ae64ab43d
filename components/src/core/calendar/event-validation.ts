/** Validation of events at the store boundary. */
import ICAL from 'ical.js';
import { ValidationError } from '../records/validation-error.ts';
import { RECORD_LIMITS } from '../records/record-limits.ts';
import { isValidTimeZone, parseLocal } from './wall-clock-time.ts';
import { checkBoolean, checkIntegerInRange, checkList, checkObject, checkString, checkStringList } from '../records/field-checks.ts';
import type { EventFields, EventStatus, OccurrenceOverride, Recurrence } from '../records/records.ts';

export const EVENT_STATUSES: readonly EventStatus[] = ['booked', 'arrived', 'no-show', 'cancelled'];

export function checkStatus(field: string, value: unknown): EventStatus {
  if (!EVENT_STATUSES.includes(value as EventStatus)) throw new ValidationError(field, { code: 'NOT_ONE_OF', allowed: EVENT_STATUSES });
  return value as EventStatus;
}

function checkResourceIds(field: string, value: unknown): string[] {
  const ids = checkStringList(field, value, RECORD_LIMITS.eventResources, RECORD_LIMITS.id);
  ids.forEach((id, index) => {
    if (ids.indexOf(id) !== index) throw new ValidationError(`${field}.${index}`, { code: 'SAME_RESOURCE_TWICE' });
  });
  return ids;
}

function checkLocal(field: string, value: unknown, allDay: boolean): string {
  const text = checkString(field, value, 19);
  if (parseLocal(text, allDay) === undefined) throw new ValidationError(field, { code: allDay ? 'NOT_A_DATE' : 'NOT_A_DATE_TIME' });
  return text;
}

function checkRrule(value: unknown): string {
  const rrule = checkString('recurrence.rrule', value, RECORD_LIMITS.rrule, { required: true });
  if (/^RRULE:/i.test(rrule)) throw new ValidationError('recurrence.rrule', { code: 'RRULE_PREFIX' });
  let recur: ICAL.Recur;
  try {
    recur = ICAL.Recur.fromString(rrule);
  } catch {
    throw new ValidationError('recurrence.rrule', { code: 'RRULE_UNREADABLE' });
  }
  if (!recur.freq) throw new ValidationError('recurrence.rrule', { code: 'RRULE_NO_FREQ' });
  if (recur.interval < 1) throw new ValidationError('recurrence.rrule', { code: 'RRULE_INTERVAL' });
  return rrule;
}

function checkOverride(field: string, value: unknown, allDay: boolean): OccurrenceOverride {
  const object = checkObject(field, value);
  const override: OccurrenceOverride = { recurrenceId: checkLocal(`${field}.recurrenceId`, object.recurrenceId, allDay) };
  if (object.title !== undefined) override.title = checkString(`${field}.title`, object.title, RECORD_LIMITS.shortText);
  if (object.start !== undefined) override.start = checkLocal(`${field}.start`, object.start, allDay);
  if (object.end !== undefined) override.end = checkLocal(`${field}.end`, object.end, allDay);
  if (object.location !== undefined) override.location = checkString(`${field}.location`, object.location, RECORD_LIMITS.mediumText);
  if (object.notes !== undefined) override.notes = checkString(`${field}.notes`, object.notes, RECORD_LIMITS.notes);
  if (object.status !== undefined) override.status = checkStatus(`${field}.status`, object.status);
  if (object.resources !== undefined) override.resources = checkResourceIds(`${field}.resources`, object.resources);
  if (override.start !== undefined && override.end !== undefined && parseLocal(override.end, allDay)! < parseLocal(override.start, allDay)!) {
    throw new ValidationError(`${field}.end`, { code: 'END_BEFORE_START' });
  }
  return override;
}

function checkRecurrence(value: unknown, allDay: boolean): Recurrence {
  const object = checkObject('recurrence', value);
  const dates = (key: 'exdates' | 'rdates') =>
    checkList(`recurrence.${key}`, object[key] ?? [], RECORD_LIMITS.recurrenceItems, (field, item) => checkLocal(field, item, allDay));
  const overrides = checkList('recurrence.overrides', object.overrides ?? [], RECORD_LIMITS.recurrenceItems, (field, item) => checkOverride(field, item, allDay));
  const seen = new Set<string>();
  overrides.forEach((override, index) => {
    if (seen.has(override.recurrenceId)) throw new ValidationError(`recurrence.overrides.${index}.recurrenceId`, { code: 'SAME_OCCURRENCE_TWICE' });
    seen.add(override.recurrenceId);
  });
  return { rrule: checkRrule(object.rrule), exdates: dates('exdates'), rdates: dates('rdates'), overrides };
}

/** A complete, trusted copy of an event's fields, or a ValidationError for the first bad field. */
export function validateEventFields(input: unknown): EventFields {
  const object = checkObject('event', input);
  const allDay = checkBoolean('allDay', object.allDay ?? false);
  const timeZone = checkString('timeZone', object.timeZone, 100, { required: true });
  if (!isValidTimeZone(timeZone)) throw new ValidationError('timeZone', { code: 'UNKNOWN_TIME_ZONE', zone: timeZone });
  const start = checkLocal('start', object.start, allDay);
  const end = checkLocal('end', object.end ?? object.start, allDay);
  const startMs = parseLocal(start, allDay)!;
  const endMs = parseLocal(end, allDay)!;
  // All-day ends are exclusive dates, so a one-day event ends the next day; a timed event may last no time.
  if (allDay ? endMs <= startMs : endMs < startMs) throw new ValidationError('end', allDay ? { code: 'END_NOT_AFTER_START_DATE' } : { code: 'END_BEFORE_START' });
  const fields: EventFields = {
    title: checkString('title', object.title ?? '', RECORD_LIMITS.shortText),
    start,
    end,
    allDay,
    timeZone,
    location: checkString('location', object.location ?? '', RECORD_LIMITS.mediumText),
    notes: checkString('notes', object.notes ?? '', RECORD_LIMITS.notes),
    attendees: checkStringList('attendees', object.attendees ?? [], RECORD_LIMITS.attendees, RECORD_LIMITS.id),
    reminders: checkList('reminders', object.reminders ?? [], RECORD_LIMITS.reminders, (field, item) =>
      checkIntegerInRange(field, item, 0, RECORD_LIMITS.reminderMinutes),
    ),
    resources: checkResourceIds('resources', object.resources ?? []),
    status: checkStatus('status', object.status ?? 'booked'),
    category: checkString('category', object.category ?? '', RECORD_LIMITS.category),
  };
  if (object.recurrence !== undefined) fields.recurrence = checkRecurrence(object.recurrence, allDay);
  return fields;
}
