/**
 * Editing and removing one occurrence of a series, as "this event", "this and following events" or "all events"
 * (RecurrenceScope), worked out as the fields to write:
 * - this: an override of the occurrence (RFC 5545 RECURRENCE-ID), or an EXDATE when it is removed;
 * - following: the series split at the occurrence: the old one ends before it (COUNT lowered to the occurrences
 *   it keeps, or UNTIL set to its last one), a new one starts at it with the rest of the COUNT, and the
 *   exceptions go with the part their occurrence falls in; the edit then applies to all of the new series;
 * - all: the series, every occurrence moved as the edited one moves (rule, exceptions and overrides with it).
 *
 * Functions of an immutable event to plain fields; the events store validates and writes them.
 */
import ICAL from 'ical.js';
import { ValidationError } from '../records/validation-error.ts';
import { formatLocalDate, formatLocalDateTime, parseLocal } from './wall-clock-time.ts';
import { isRuleStartOf, ruleOccurrenceLocalEnd, ruleStartAt, ruleStartsBefore } from './occurrences.ts';
import type { CalendarEvent, EventFields, OccurrenceOverride, Recurrence } from '../records/records.ts';

const DAY_MS = 86_400_000;

/** What one occurrence may have of its own besides its times; every other field belongs to the whole series. */
const OCCURRENCE_FIELDS = ['title', 'location', 'notes', 'status', 'resources'] as const;
type OccurrenceField = (typeof OCCURRENCE_FIELDS)[number];
const isOccurrenceField = (field: string): field is OccurrenceField => (OCCURRENCE_FIELDS as readonly string[]).includes(field);

/** A rule that yields its start and nothing else: what is left of a series whose rule has ended, with RDATEs. */
const START_ONLY_RULE = 'FREQ=DAILY;COUNT=1';

const formatLocal = (localMs: number, allDay: boolean) => (allDay ? formatLocalDate(localMs) : formatLocalDateTime(localMs));
const dayOf = (localMs: number) => Math.floor(localMs / DAY_MS) * DAY_MS;
const sameValue = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

export function eventFieldsOf(event: CalendarEvent): EventFields {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...fields } = event;
  return fields;
}

/** Fields as an event, so that the occurrence functions (which cache per event object) can work on them. */
export const asEvent = (fields: EventFields, id = ''): CalendarEvent => ({ ...fields, id, createdAt: 0, updatedAt: 0 });

/**
 * The patch without the fields it leaves as they are, so that a dialog may send every field. Times are kept:
 * they are compared with the edited occurrence's, not the series'.
 */
export function changedFields(event: CalendarEvent, patch: Partial<EventFields>): Partial<EventFields> {
  const changed: Partial<EventFields> = {};
  for (const [field, value] of Object.entries(patch) as [keyof EventFields, unknown][]) {
    if (field === 'start' || field === 'end' || !sameValue(event[field], value)) (changed as Record<string, unknown>)[field] = value;
  }
  return changed;
}

function parseTime(field: string, value: unknown, allDay: boolean): number {
  const local = typeof value === 'string' ? parseLocal(value, allDay) : undefined;
  if (local === undefined) throw new ValidationError(field, { code: allDay ? 'NOT_A_DATE' : 'NOT_A_DATE_TIME' });
  return local;
}

/** One occurrence of a series: its original start (what its recurrence id names) and where it is now. */
interface LocatedOccurrence {
  recurrenceId: string;
  original: number;
  start: number;
  end: number;
  override: OccurrenceOverride | undefined;
}

function locate(event: CalendarEvent, recurrenceId: string): LocatedOccurrence {
  const recurrence = event.recurrence!;
  const original = typeof recurrenceId === 'string' ? parseLocal(recurrenceId, event.allDay) : undefined;
  const override = recurrence.overrides.find((candidate) => candidate.recurrenceId === recurrenceId);
  const isOccurrence =
    original !== undefined &&
    !recurrence.exdates.includes(recurrenceId) &&
    (override !== undefined || recurrence.rdates.includes(recurrenceId) || isRuleStartOf(event, original));
  if (!isOccurrence) throw new ValidationError('recurrenceId', { code: 'NOT_AN_OCCURRENCE', recurrenceId });
  const start = override?.start === undefined ? original : parseLocal(override.start, event.allDay)!;
  const end = override?.end === undefined ? ruleOccurrenceLocalEnd(event, start) : parseLocal(override.end, event.allDay)!;
  return { recurrenceId, original, start, end, override };
}

/** An override keeps only what differs from what the series gives; undefined when nothing does. */
function trimmedOverride(event: CalendarEvent, override: OccurrenceOverride): OccurrenceOverride | undefined {
  const trimmed: OccurrenceOverride = { recurrenceId: override.recurrenceId };
  const original = parseLocal(override.recurrenceId, event.allDay)!;
  const start = override.start === undefined ? original : parseLocal(override.start, event.allDay)!;
  if (start !== original) trimmed.start = override.start!;
  if (override.end !== undefined && parseLocal(override.end, event.allDay) !== ruleOccurrenceLocalEnd(event, start)) trimmed.end = override.end;
  for (const field of OCCURRENCE_FIELDS) {
    if (override[field] !== undefined && !sameValue(override[field], event[field])) Object.assign(trimmed, { [field]: override[field] });
  }
  return Object.keys(trimmed).length > 1 ? trimmed : undefined;
}

function withOverride(event: CalendarEvent, override: OccurrenceOverride): Recurrence {
  const recurrence = event.recurrence!;
  const others = recurrence.overrides.filter((candidate) => candidate.recurrenceId !== override.recurrenceId);
  const trimmed = trimmedOverride(event, override);
  return { ...recurrence, overrides: trimmed ? [...others, trimmed] : others };
}

/** "This event": the occurrence gets an override; fields that belong to the whole series are refused. */
export function withOccurrenceEdited(event: CalendarEvent, recurrenceId: string, patch: Partial<EventFields>): EventFields {
  const occurrence = locate(event, recurrenceId);
  const override: OccurrenceOverride = { ...occurrence.override, recurrenceId };
  for (const [field, value] of Object.entries(patch)) {
    if (field === 'start' || field === 'end') continue;
    if (isOccurrenceField(field)) Object.assign(override, { [field]: value });
    else if (!sameValue(event[field as keyof EventFields], value)) {
      throw new ValidationError(field, { code: 'SERIES_FIELD' });
    }
  }
  const start = patch.start === undefined ? occurrence.start : parseTime('start', patch.start, event.allDay);
  // A moved occurrence keeps its length unless given a new end.
  const end = patch.end === undefined ? start + (occurrence.end - occurrence.start) : parseTime('end', patch.end, event.allDay);
  override.start = formatLocal(start, event.allDay);
  override.end = formatLocal(end, event.allDay);
  return { ...eventFieldsOf(event), recurrence: withOverride(event, override) };
}

/** "This event" removed: an EXDATE, or for an occurrence that only an RDATE gives, that RDATE dropped. */
export function withOccurrenceRemoved(event: CalendarEvent, recurrenceId: string): EventFields {
  const occurrence = locate(event, recurrenceId);
  const recurrence = event.recurrence!;
  const overrides = recurrence.overrides.filter((override) => override.recurrenceId !== recurrenceId);
  const onlyAnRdate = recurrence.rdates.includes(recurrenceId) && !isRuleStartOf(event, occurrence.original);
  return {
    ...eventFieldsOf(event),
    recurrence: onlyAnRdate
      ? { ...recurrence, overrides, rdates: recurrence.rdates.filter((rdate) => rdate !== recurrenceId) }
      : { ...recurrence, overrides, exdates: [...recurrence.exdates, recurrenceId].sort() },
  };
}

/** Whether a series still has an occurrence, after removals. */
export function hasOccurrences(fields: EventFields): boolean {
  const recurrence = fields.recurrence;
  if (!recurrence) return true;
  const event = asEvent(fields);
  const excluded = new Set(recurrence.exdates);
  if (recurrence.rdates.some((rdate) => !excluded.has(rdate))) return true;
  // More rule starts than exclusions: one is left. Otherwise the few there are are checked one by one.
  if (ruleStartAt(event, recurrence.exdates.length) !== undefined) return true;
  for (let index = 0; ; index++) {
    const start = ruleStartAt(event, index);
    if (start === undefined) return false;
    if (!excluded.has(formatLocal(start, fields.allDay))) return true;
  }
}

function ruleParts(rrule: string): string[] {
  return rrule.split(';').filter((part) => part !== '');
}

/** The rule with one part set (or removed, for undefined), the others kept as written. */
function withRulePart(rrule: string, name: string, value: string | undefined): string {
  const parts = ruleParts(rrule).filter((part) => !part.toUpperCase().startsWith(`${name}=`));
  if (value !== undefined) parts.push(`${name}=${value}`);
  return parts.join(';');
}

function rulePart(rrule: string, name: string): string | undefined {
  return ruleParts(rrule)
    .find((part) => part.toUpperCase().startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

/** An UNTIL in the form the rule is expanded in: floating, a date for all-day series (RFC 5545 3.3.10). */
const untilValue = (localMs: number, allDay: boolean) => formatLocal(localMs, allDay).replace(/[-:]/g, '');

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/**
 * The rule of a series whose occurrences all move from `from` to `to` (local milliseconds): weekdays named by
 * BYDAY move with them and UNTIL moves by as much. Rules that pin dates or hours cannot follow a move of their
 * occurrences on their own; those moves are refused rather than guessed.
 */
function movedRule(rrule: string, from: number, to: number, allDay: boolean, toAllDay: boolean): string {
  const recur = ICAL.Recur.fromString(rrule);
  const dayShift = Math.round((dayOf(to) - dayOf(from)) / DAY_MS);
  const timeChanged = to - dayOf(to) !== from - dayOf(from);
  let moved = rrule;
  if (timeChanged && !toAllDay && ['BYHOUR', 'BYMINUTE', 'BYSECOND'].some((part) => part in recur.parts)) {
    throw new ValidationError('start', { code: 'SERIES_SET_HOURS' });
  }
  if (dayShift !== 0) {
    const pinned = ['BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYSETPOS', 'BYMONTH'].find((part) => part in recur.parts);
    const byDay = recur.parts.BYDAY ?? [];
    if (pinned || byDay.some((day) => !WEEKDAYS.includes(day))) {
      throw new ValidationError('start', { code: 'SERIES_SET_DATES' });
    }
    if (byDay.length > 0) {
      const shift = (day: string) => WEEKDAYS[(((WEEKDAYS.indexOf(day) + dayShift) % 7) + 7) % 7]!;
      moved = withRulePart(moved, 'BYDAY', byDay.map(shift).join(','));
    }
  }
  if (recur.until && (to !== from || allDay !== toAllDay)) {
    const until = recur.until;
    const untilLocal = Date.UTC(until.year, until.month - 1, until.day, until.hour, until.minute, until.second) + (to - from);
    const inForm = toAllDay ? dayOf(untilLocal) : allDay ? dayOf(untilLocal) + DAY_MS - 1000 : untilLocal;
    moved = withRulePart(moved, 'UNTIL', untilValue(inForm, toAllDay));
  }
  return moved;
}

/** "All events": the patch applies to the series, and every occurrence moves as the given one does. */
export function withSeriesEdited(event: CalendarEvent, recurrenceId: string, patch: Partial<EventFields>): EventFields {
  const fields = { ...eventFieldsOf(event), ...patch };
  if (!event.recurrence) return fields;
  const occurrence = locate(event, recurrenceId);
  const allDay = fields.allDay;
  const toggled = allDay !== event.allDay;
  if (toggled && (patch.start === undefined || patch.end === undefined)) {
    throw new ValidationError(patch.start === undefined ? 'start' : 'end', { code: 'START_AND_END_NEEDED' });
  }
  const start = patch.start === undefined ? occurrence.start : parseTime('start', patch.start, allDay);
  const end = patch.end === undefined ? start + (occurrence.end - occurrence.start) : parseTime('end', patch.end, allDay);
  // Between all-day and timed, occurrences keep their dates and take the new time of day.
  const delta = toggled ? dayOf(start) - dayOf(occurrence.start) : start - occurrence.start;
  const moved = (value: string) => {
    const local = parseLocal(value, event.allDay)! + delta;
    if (!toggled) return formatLocal(local, allDay);
    return formatLocal(allDay ? dayOf(local) : dayOf(local) + (start - dayOf(start)), allDay);
  };
  const masterStart = moved(event.start);
  if (patch.start !== undefined || patch.end !== undefined) {
    fields.start = masterStart;
    fields.end = formatLocal(parseLocal(masterStart, allDay)! + (end - start), allDay);
  }
  // A patch with a recurrence of its own replaces the rule; otherwise the rule follows the move.
  const recurrence = 'recurrence' in patch ? patch.recurrence : event.recurrence;
  if (!recurrence) {
    delete fields.recurrence;
    return fields;
  }
  const rrule =
    'recurrence' in patch ? recurrence.rrule : movedRule(recurrence.rrule, parseLocal(event.start, event.allDay)!, parseLocal(masterStart, allDay)!, event.allDay, allDay);
  const patchedOccurrenceFields = OCCURRENCE_FIELDS.filter((field) => field in patch);
  const overrides = recurrence.overrides.map((override) => {
    const shifted: OccurrenceOverride = { ...override, recurrenceId: moved(override.recurrenceId) };
    if (override.start !== undefined) shifted.start = moved(override.start);
    if (override.end !== undefined) shifted.end = moved(override.end);
    if (override.recurrenceId === occurrence.recurrenceId && (patch.start !== undefined || patch.end !== undefined)) {
      shifted.start = formatLocal(start, allDay);
      shifted.end = formatLocal(end, allDay);
    }
    // What was set for all now holds for each.
    for (const field of patchedOccurrenceFields) delete shifted[field];
    return shifted;
  });
  const series = asEvent({ ...fields, recurrence: { rrule, exdates: [], rdates: [], overrides: [] } });
  fields.recurrence = {
    rrule,
    exdates: recurrence.exdates.map(moved),
    rdates: recurrence.rdates.map(moved),
    overrides: overrides.map((override) => trimmedOverride(series, override)).filter((override) => override !== undefined),
  };
  return fields;
}

/** A series cut in two at an occurrence: `before` ends before it, `after` starts with it. */
export interface SeriesSplit {
  before: EventFields;
  after: EventFields;
}

/** The series split at an occurrence, or undefined when it is the first (nothing comes before it). */
export function splitSeries(event: CalendarEvent, recurrenceId: string): SeriesSplit | undefined {
  const { original: cut } = locate(event, recurrenceId);
  const recurrence = event.recurrence!;
  const allDay = event.allDay;
  const local = (value: string) => parseLocal(value, allDay)!;
  const isBefore = (value: string) => local(value) < cut;
  const rulesBefore = ruleStartsBefore(event, cut);
  const rdatesBefore = recurrence.rdates.filter(isBefore).sort();
  if (rulesBefore === 0 && rdatesBefore.length === 0) return undefined;

  const fields = eventFieldsOf(event);
  const masterStart = local(event.start);
  const length = local(event.end) - masterStart;
  const count = rulePart(recurrence.rrule, 'COUNT');
  const seriesAt = (start: number, rrule: string, keep: (value: string) => boolean, rdates: string[]): EventFields => ({
    ...fields,
    start: formatLocal(start, allDay),
    end: formatLocal(start + length, allDay),
    recurrence: {
      rrule,
      exdates: recurrence.exdates.filter(keep),
      rdates,
      overrides: recurrence.overrides.filter((override) => keep(override.recurrenceId)),
    },
  });

  let before: EventFields;
  if (rulesBefore === 0) {
    // Only RDATEs come before the cut (they precede the series' own start): they make a series of their own.
    before = seriesAt(local(rdatesBefore[0]!), START_ONLY_RULE, isBefore, rdatesBefore.slice(1));
  } else {
    const ending =
      count === undefined
        ? withRulePart(recurrence.rrule, 'UNTIL', untilValue(ruleStartAt(event, rulesBefore - 1)!, allDay))
        : withRulePart(recurrence.rrule, 'COUNT', String(rulesBefore));
    before = seriesAt(masterStart, ending, isBefore, rdatesBefore);
  }

  const isAfter = (value: string) => !isBefore(value);
  const rdatesAfter = recurrence.rdates.filter(isAfter);
  const nextRuleStart = ruleStartAt(event, rulesBefore);
  const after =
    nextRuleStart === undefined
      ? // The rule has ended; what is left are RDATEs, the first of which is the cut.
        seriesAt(cut, START_ONLY_RULE, isAfter, rdatesAfter.filter((rdate) => local(rdate) !== cut))
      : seriesAt(
          nextRuleStart,
          count === undefined ? recurrence.rrule : withRulePart(recurrence.rrule, 'COUNT', String(Number(count) - rulesBefore)),
          isAfter,
          rdatesAfter,
        );
  return { before, after };
}
