/**
 * iCalendar (RFC 5545) files → event fields. ical.js parses each item; this maps it onto `EventFields`:
 *
 * - The file: a `File` or `Blob` (the answer is then a promise), bytes or text; bytes are unfolded before they
 *   are decoded as UTF-8 (content-lines.ts), so that a fold inside a character does not break it.
 * - Times: a UTC time (`…Z`) keeps zone `UTC`; a TZID resolves to an IANA zone (see ics-time-zones.ts), matched
 *   over the years of the event's dates when only a VTIMEZONE defines it; when no IANA zone matches, one-off
 *   times are converted to UTC and a series whose zone changes offset is refused (its occurrences would drift).
 *   The report's `timeZones` says how each TZID that is not an IANA name was read. A floating time (no zone) is
 *   read in `floatingTimeZone`, the importing device's zone unless given, because a floating time means "in
 *   whatever zone the reader is". All-day events take that zone too (they float in the store as well).
 *   DTEND, EXDATE, RDATE and RECURRENCE-ID in another zone are converted to the start's zone.
 * - Recurrence: RRULE, EXDATE and RDATE (a PERIOD keeps its start); VEVENTs with a RECURRENCE-ID become the
 *   master's overrides, holding only what differs from the occurrence they replace; a cancelled occurrence
 *   becomes an EXDATE. RDATEs without an RRULE become `FREQ=DAILY;COUNT=1` plus the RDATEs, because the store
 *   keeps extra dates only on a rule. RANGE=THISANDFUTURE is applied to the one occurrence it names. Edited
 *   occurrences whose master is not in the file (an invitation to one instance) import as one-off events.
 * - VALARM: relative triggers (to the start or, with RELATED=END, the end) and absolute ones become minutes
 *   before the start; alarms after the start, and Apple's ACTION:NONE placeholders, are dropped. An alarm that
 *   cannot be read is left out and reported as a warning; the event still imports.
 * - ATTENDEE `mailto:` addresses become contact ids through `resolveAttendee`; without it, or for addresses it
 *   does not know, attendees are dropped. ORGANIZER, CATEGORIES, URL, ATTACH and X- properties are dropped.
 * - UIDs are not kept: the store assigns ids, so importing the same file twice makes two copies.
 */
import ICAL from 'ical.js';
import { deviceTimeZone, formatLocalDate, formatLocalDateTime, instantToWallClock, parseLocal, parseLocalDate, parseLocalDateTime, wallClockToInstant } from '../calendar/wall-clock-time.ts';
import { rawPropertyValue, splitComponentBlocks, type ComponentBlock } from './component-blocks.ts';
import { resolveTzid, type ResolvedZone, type TimeZoneMappingKind, type YearRange } from './ics-time-zones.ts';
import { contentLines, isBlob, type ImportBytes, type ImportInput } from './content-lines.ts';
import { defaultOccurrenceEnd } from './occurrence-end.ts';
import { ItemIssue, identify, issueFor, unreadableReason, writeParsedItems, type ImportIssue, type ImportReason, type ImportReport, type ParsedFile, type ParsedItem, type RecordWriter } from './import-report.ts';
import type { EventFields, OccurrenceOverride } from '../records/records.ts';
import { clinicFieldsOf, clinicOverrideOf, ruleForImport } from './ics-clinic-fields.ts';

export interface IcsImportOptions {
  /** The IANA zone in which floating times and all-day events are read; the device's zone by default. */
  floatingTimeZone?: string;
  /** The contact id for an attendee's email address, or undefined to leave that attendee out. */
  resolveAttendee?: (email: string, name: string | undefined) => string | undefined;
}

/** How the events of a file read a TZID that is not an IANA name. */
export interface TimeZoneMapping {
  tzid: string;
  /** The IANA zone the times were read in, or `UTC` when they were converted to UTC. */
  zone: string;
  kind: TimeZoneMappingKind;
}

/** A parsed iCalendar file: its events, what was left out, and how its time zones were read. */
export interface ParsedIcsFile extends ParsedFile<EventFields> {
  timeZones: TimeZoneMapping[];
}

export interface IcsImportReport extends ImportReport {
  timeZones: TimeZoneMapping[];
}

/** A date of an all-day value, or a wall-clock time in an IANA zone (`UTC` for UTC and VTIMEZONE-only zones). */
type TimeValue = { date: string } | { wall: string; zone: string };

const DAY_MS = 86_400_000;
/**
 * A series without an UNTIL has its zone matched over this many years from its start: a VTIMEZONE's rules
 * repeat every year, so an IANA zone that agrees with them for years running follows the same rules.
 */
const SERIES_MATCH_YEARS = 5;
/** A lone RDATE list needs a rule to hang on; this one yields only the event's own start. */
const SINGLE_OCCURRENCE_RULE = 'FREQ=DAILY;COUNT=1';
const DATE_TIME_VALUE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(Z?)$/;
const DURATION_VALUE = /^[+-]?P(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/;

/** What reading one file needs: its time zone definitions and the caller's choices. */
class IcsReader {
  readonly floatingZone: string;
  readonly #definitions: Map<string, ICAL.Component>;
  readonly #zones = new Map<string, ResolvedZone | undefined>();
  /** How each TZID that is not an IANA name was read, by TZID and zone. */
  readonly timeZones = new Map<string, TimeZoneMapping>();
  /** The event being read: the years its dates fall on, and whether it is a series. */
  #event: { years: YearRange; series: boolean } = { years: { from: 1970, to: 1970 }, series: false };
  /** What was left out of the event being read, each with its property and why. */
  warnings: { property: string; reason: ImportReason }[] = [];

  constructor(
    definitions: Map<string, ICAL.Component>,
    readonly options: IcsImportOptions,
  ) {
    this.#definitions = definitions;
    this.floatingZone = options.floatingTimeZone ?? deviceTimeZone();
  }

  /** Starts reading an event: the years over which a zone that only a VTIMEZONE defines must match. */
  beginEvent(master: ICAL.Component): void {
    const yearOf = (name: string) => Number(String(master.getFirstProperty(name)?.jCal[3] ?? '').slice(0, 4)) || undefined;
    const from = yearOf('dtstart') ?? 1970;
    const rule = master.getFirstPropertyValue('rrule');
    const until = rule instanceof ICAL.Recur ? rule.until?.year : undefined;
    const series = master.hasProperty('rrule') || master.hasProperty('rdate');
    const to = series ? (until ?? from + SERIES_MATCH_YEARS) : (yearOf('dtend') ?? from);
    this.#event = { years: { from, to: Math.max(from, to) }, series };
    this.warnings = [];
  }

  #zone(tzid: string): ResolvedZone | undefined {
    const { years } = this.#event;
    const key = `${tzid}\n${years.from}\n${years.to}`;
    if (!this.#zones.has(key)) this.#zones.set(key, resolveTzid(tzid, this.#definitions, years));
    return this.#zones.get(key);
  }

  #noteMapping(tzid: string, zone: string, kind: TimeZoneMappingKind): void {
    this.timeZones.set(`${tzid}\n${zone}`, { tzid, zone, kind });
  }

  /** Every value of a date or date-time property (EXDATE and RDATE may hold several). */
  times(property: ICAL.Property): TimeValue[] {
    const [, params, type, ...values] = property.jCal as [string, Record<string, unknown>, string, ...unknown[]];
    const label = property.name.toUpperCase();
    return values.map((value) => {
      // A PERIOD is [start, end or duration]; the store keeps occurrence starts only.
      if (type === 'period') return this.#time(String((value as unknown[])[0]), 'date-time', params.tzid, label);
      return this.#time(String(value), type, params.tzid, label);
    });
  }

  time(component: ICAL.Component, name: string): TimeValue | undefined {
    const property = component.getFirstProperty(name);
    return property ? this.times(property)[0] : undefined;
  }

  #time(text: string, type: string, tzid: unknown, label: string): TimeValue {
    if (type === 'date') {
      if (parseLocalDate(text) === undefined) throw new ItemIssue('UNREADABLE', { code: 'NOT_A_DATE', property: label, value: text });
      return { date: text };
    }
    const match = type === 'date-time' ? DATE_TIME_VALUE.exec(text) : null;
    if (!match || parseLocalDateTime(match[1]!) === undefined) throw new ItemIssue('UNREADABLE', { code: 'NOT_A_DATE_TIME', property: label, value: text });
    const wall = match[1]!;
    if (match[2]) return { wall, zone: 'UTC' };
    if (typeof tzid !== 'string') return { wall, zone: this.floatingZone };
    const zone = this.#zone(tzid);
    if (!zone) throw new ItemIssue('UNREADABLE', { code: 'UNKNOWN_TIME_ZONE', property: label, tzid });
    if ('iana' in zone) {
      if (zone.kind) this.#noteMapping(tzid, zone.iana, zone.kind);
      return { wall, zone: zone.iana };
    }
    if (zone.changesOffset && this.#event.series) {
      throw new ItemIssue('UNSUPPORTED', { code: 'ZONE_CHANGES_OFFSET', tzid });
    }
    this.#noteMapping(tzid, 'UTC', 'converted-to-utc');
    return { wall: formatLocalDateTime(zone.definition.instantOf(parseLocalDateTime(wall)!)), zone: 'UTC' };
  }
}

/** How one event's values are written: all-day dates, or wall-clock times in the start's zone. */
interface EventFrame {
  allDay: boolean;
  zone: string;
  /** `HH:mm:ss` of the start, for an EXDATE or RDATE given as a date on a timed event. */
  startTime: string;
}

function formatted(value: TimeValue, frame: EventFrame, label: string): string {
  if (frame.allDay) return 'date' in value ? value.date : value.wall.slice(0, 10);
  if ('date' in value) {
    if (label === 'EXDATE' || label === 'RDATE') return `${value.date}T${frame.startTime}`;
    throw new ItemIssue('UNSUPPORTED', { code: 'DATE_IN_TIMED_EVENT', property: label });
  }
  if (value.zone === frame.zone) return value.wall;
  const instant = wallClockToInstant(parseLocalDateTime(value.wall)!, value.zone);
  return formatLocalDateTime(instantToWallClock(instant, frame.zone));
}

/** RFC 5545 3.3.6: days and weeks are nominal (calendar days), hours, minutes and seconds exact. */
function addDuration(start: string, duration: string, frame: EventFrame): string {
  if (!DURATION_VALUE.test(duration) || /^[+-]?PT?$/.test(duration)) throw new ItemIssue('UNREADABLE', { code: 'NOT_A_DURATION' });
  const parsed = ICAL.Duration.fromString(duration);
  if (parsed.isNegative) throw new ItemIssue('UNREADABLE', { code: 'NEGATIVE_DURATION' });
  const days = parsed.weeks * 7 + parsed.days;
  const exactMs = ((parsed.hours * 60 + parsed.minutes) * 60 + parsed.seconds) * 1000;
  const local = parseLocal(start, frame.allDay)! + days * DAY_MS;
  if (frame.allDay) return formatLocalDate(local + Math.ceil(exactMs / DAY_MS) * DAY_MS);
  return formatLocalDateTime(instantToWallClock(wallClockToInstant(local, frame.zone) + exactMs, frame.zone));
}

/** DTEND, or DTSTART plus DURATION, or RFC 5545's default: one day for a date, no time for a date-time. */
function endOf(component: ICAL.Component, start: string, frame: EventFrame, reader: IcsReader): string {
  const dtend = reader.time(component, 'dtend');
  if (dtend) {
    if (frame.allDay !== 'date' in dtend) throw new ItemIssue('UNSUPPORTED', { code: 'START_AND_END_DIFFER_IN_KIND' });
    return formatted(dtend, frame, 'DTEND');
  }
  const duration = component.getFirstProperty('duration');
  if (duration) return addDuration(start, String(duration.jCal[3]), frame);
  return frame.allDay ? formatLocalDate(parseLocalDate(start)! + DAY_MS) : start;
}

const text = (component: ICAL.Component, name: string) => {
  const value = component.getFirstPropertyValue(name);
  return typeof value === 'string' ? value : '';
};

const isCancelled = (component: ICAL.Component) => text(component, 'status').toUpperCase() === 'CANCELLED';

function overrideOf(component: ICAL.Component, master: EventFields, frame: EventFrame, reader: IcsReader): OccurrenceOverride {
  const recurrenceId = formatted(reader.time(component, 'recurrence-id')!, frame, 'RECURRENCE-ID');
  const override: OccurrenceOverride = { recurrenceId };
  const dtstart = reader.time(component, 'dtstart');
  if (dtstart && frame.allDay !== 'date' in dtstart) throw new ItemIssue('UNSUPPORTED', { code: 'OCCURRENCE_CHANGES_ALL_DAY', recurrenceId });
  const start = dtstart ? formatted(dtstart, frame, 'DTSTART') : recurrenceId;
  const end = endOf(component, start, frame, reader);
  if (start !== recurrenceId) override.start = start;
  if (end !== defaultOccurrenceEnd(master, start)) override.end = end;
  const changed = (name: string, current: string) => (text(component, name) !== current ? text(component, name) : undefined);
  const title = changed('summary', master.title);
  const location = changed('location', master.location);
  const notes = changed('description', master.notes);
  if (title !== undefined) override.title = title;
  if (location !== undefined) override.location = location;
  if (notes !== undefined) override.notes = notes;
  return { ...override, ...clinicOverrideOf(component, master) };
}

/** Minutes before the start of each alarm that fires at or before the start, without repeats. */
/** The minutes before the start at which one alarm fires, or why it cannot be read. */
function alarmMinutes(alarm: ICAL.Component, startInstant: number, endInstant: number, zone: string): number | { problem: ImportReason } {
  const trigger = alarm.getFirstProperty('trigger');
  if (!trigger) return { problem: { code: 'ALARM_WITHOUT_TRIGGER' } };
  const value = String(trigger.jCal[3]);
  let firesAt: number;
  if (trigger.type === 'duration') {
    if (!DURATION_VALUE.test(value)) return { problem: { code: 'ALARM_TRIGGER_NOT_A_DURATION' } };
    const anchor = String(trigger.getParameter('related') ?? 'START').toUpperCase() === 'END' ? endInstant : startInstant;
    firesAt = anchor + ICAL.Duration.fromString(value).toSeconds() * 1000;
  } else {
    const match = DATE_TIME_VALUE.exec(value);
    if (!match || parseLocalDateTime(match[1]!) === undefined) return { problem: { code: 'ALARM_TRIGGER_NOT_A_DATE_TIME' } };
    firesAt = match[2] ? parseLocalDateTime(match[1]!)! : wallClockToInstant(parseLocalDateTime(match[1]!)!, zone);
  }
  return Math.round((startInstant - firesAt) / 60_000);
}

function remindersOf(component: ICAL.Component, event: EventFields, reader: IcsReader): number[] {
  const zone = event.allDay ? reader.floatingZone : event.timeZone;
  const startInstant = wallClockToInstant(parseLocal(event.start, event.allDay)!, zone);
  const endInstant = wallClockToInstant(parseLocal(event.end, event.allDay)!, zone);
  const reminders: number[] = [];
  for (const alarm of component.getAllSubcomponents('valarm')) {
    if (text(alarm, 'action').toUpperCase() === 'NONE') continue;
    const minutes = alarmMinutes(alarm, startInstant, endInstant, zone);
    if (typeof minutes !== 'number') reader.warnings.push({ property: 'VALARM', reason: minutes.problem });
    else if (minutes >= 0 && !reminders.includes(minutes)) reminders.push(minutes);
  }
  return reminders;
}

function attendeesOf(component: ICAL.Component, reader: IcsReader): string[] {
  const resolve = reader.options.resolveAttendee;
  if (!resolve) return [];
  const ids: string[] = [];
  for (const attendee of component.getAllProperties('attendee')) {
    const address = String(attendee.getFirstValue() ?? '');
    if (!/^mailto:/i.test(address)) continue;
    const name = attendee.getParameter('cn');
    const id = resolve(address.slice('mailto:'.length), typeof name === 'string' ? name : undefined);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** One event from its master VEVENT and the VEVENTs that edit its occurrences. */
function eventOf(master: ICAL.Component, edits: ICAL.Component[], reader: IcsReader): EventFields {
  if (isCancelled(master)) throw new ItemIssue('CANCELLED', { code: 'EVENT_CANCELLED' });
  reader.beginEvent(master);
  const dtstart = reader.time(master, 'dtstart');
  if (!dtstart) throw new ItemIssue('UNREADABLE', { code: 'NO_START' });
  const allDay = 'date' in dtstart;
  const frame: EventFrame = { allDay, zone: 'date' in dtstart ? reader.floatingZone : dtstart.zone, startTime: 'wall' in dtstart ? dtstart.wall.slice(11) : '' };
  const start = 'date' in dtstart ? dtstart.date : dtstart.wall;
  const fields: EventFields = {
    title: text(master, 'summary'),
    start,
    end: endOf(master, start, frame, reader),
    allDay,
    timeZone: frame.zone,
    location: text(master, 'location'),
    notes: text(master, 'description'),
    attendees: attendeesOf(master, reader),
    reminders: [],
    ...clinicFieldsOf(master),
  };
  fields.reminders = remindersOf(master, fields, reader);

  const rules = master.getAllProperties('rrule');
  if (rules.length > 1) throw new ItemIssue('UNSUPPORTED', { code: 'SEVERAL_RULES' });
  const dates = (name: string) => master.getAllProperties(name).flatMap((property) => reader.times(property)).map((value) => formatted(value, frame, name.toUpperCase()));
  const rdates = dates('rdate');
  // Edits of a one-off event have no occurrence to attach to; the master alone is the event.
  if (rules.length === 0 && rdates.length === 0) return fields;

  const exdates = dates('exdate');
  const overrides = new Map<string, OccurrenceOverride>();
  for (const edit of edits) {
    const override = overrideOf(edit, fields, frame, reader);
    if (isCancelled(edit)) {
      if (!exdates.includes(override.recurrenceId)) exdates.push(override.recurrenceId);
    } else {
      overrides.set(override.recurrenceId, override);
    }
  }
  fields.recurrence = {
    rrule: rules.length ? ruleForImport(String(rules[0]!.getFirstValue()), allDay, frame.zone) : SINGLE_OCCURRENCE_RULE,
    exdates,
    rdates,
    overrides: [...overrides.values()],
  };
  return fields;
}

/** The VEVENTs sharing one UID: the master and the edits of its occurrences. */
interface EventGroup {
  index: number;
  uid?: string;
  summary?: string;
  masters: { index: number; component: ICAL.Component }[];
  edits: { index: number; component: ICAL.Component }[];
  unreadable?: ImportReason;
}

function parseBlock(block: ComponentBlock): ICAL.Component {
  if (!block.complete) throw new ItemIssue('UNREADABLE', { code: 'NO_END_LINE', component: block.name });
  return new ICAL.Component(ICAL.parse(block.lines.join('\r\n')) as unknown[]);
}

/** Reads every event of an iCalendar file, as bytes or text, without writing anything. */
function parseIcsBytes(input: ImportBytes, options: IcsImportOptions): ParsedIcsFile {
  const blocks = splitComponentBlocks(contentLines(input));
  if (!blocks) return { items: [], errors: [{ code: 'NOT_ICALENDAR', reason: { code: 'NOT_ICALENDAR' } }], warnings: [], timeZones: [] };

  const definitions = new Map<string, ICAL.Component>();
  for (const block of blocks.filter((candidate) => candidate.name === 'VTIMEZONE')) {
    try {
      const component = parseBlock(block);
      const tzid = component.getFirstPropertyValue('tzid');
      if (typeof tzid === 'string') definitions.set(tzid, component);
    } catch {
      // An event that needs this zone reports the zone as unknown; events in other zones are unaffected.
    }
  }

  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const groups = new Map<string, EventGroup>();
  blocks
    .filter((block) => block.name !== 'VTIMEZONE')
    .forEach((block, index) => {
      const uid = rawPropertyValue(block, 'UID');
      const summary = rawPropertyValue(block, 'SUMMARY');
      if (block.name !== 'VEVENT') {
        errors.push(issueFor('UNSUPPORTED', { code: 'NOT_AN_EVENT', component: block.name }, { index, uid, summary }));
        return;
      }
      const key = uid ?? `#${index}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { index, masters: [], edits: [], ...(uid ? { uid } : {}) }));
      try {
        const component = parseBlock(block);
        const isEdit = component.hasProperty('recurrence-id');
        (isEdit ? group.edits : group.masters).push({ index, component });
        if (!isEdit || !group.summary) group.summary = text(component, 'summary') || group.summary;
      } catch (error) {
        // One unreadable part rejects the whole event, so that no occurrence edit is silently lost.
        group.unreadable ??= unreadableReason(error);
        group.summary ??= summary;
      }
    });

  const reader = new IcsReader(definitions, options);
  const items: ParsedItem<EventFields>[] = [];
  for (const group of groups.values()) {
    if (group.unreadable) {
      errors.push(issueFor('UNREADABLE', group.unreadable, group));
      continue;
    }
    // Without a master (an invitation to one occurrence), each edited occurrence stands alone.
    const events = group.masters.length ? [{ ...group.masters[0]!, edits: group.edits }] : group.edits.map((edit) => ({ ...edit, edits: [] }));
    for (const duplicate of group.masters.slice(1)) {
      errors.push(issueFor('UNREADABLE', { code: 'SAME_UID' }, { ...group, index: duplicate.index }));
    }
    for (const event of events) {
      const named = { ...group, index: event.index, summary: text(event.component, 'summary') || group.summary };
      try {
        items.push({ ...identify(named), fields: eventOf(event.component, event.edits.map((edit) => edit.component), reader) });
        warnings.push(...reader.warnings.map(({ property, reason }) => ({ ...issueFor('UNREADABLE', reason, named), property })));
      } catch (error) {
        errors.push(issueFor(error instanceof ItemIssue ? error.code : 'UNREADABLE', unreadableReason(error), named));
      }
    }
  }
  return { items, errors, warnings, timeZones: [...reader.timeZones.values()] };
}

/**
 * Reads every event of an iCalendar file without writing anything. Takes the file as a `File` or `Blob` (then
 * answers a promise), as bytes, or as text.
 */
export function parseIcs(input: ImportBytes, options?: IcsImportOptions): ParsedIcsFile;
export function parseIcs(input: Blob, options?: IcsImportOptions): Promise<ParsedIcsFile>;
export function parseIcs(input: ImportInput, options?: IcsImportOptions): ParsedIcsFile | Promise<ParsedIcsFile>;
export function parseIcs(input: ImportInput, options: IcsImportOptions = {}): ParsedIcsFile | Promise<ParsedIcsFile> {
  return isBlob(input) ? input.arrayBuffer().then((bytes) => parseIcsBytes(bytes, options)) : parseIcsBytes(input, options);
}

function writeParsedEvents(target: RecordWriter<EventFields>, parsed: ParsedIcsFile): IcsImportReport {
  return { ...writeParsedItems(target, parsed), timeZones: parsed.timeZones };
}

/**
 * Imports every readable event of an iCalendar file through `target.create` (an `EventsStore`), one item at
 * a time: each bad item is reported with its reason and the others still import. A `File` or `Blob` gives a
 * promise of the report; bytes or text give the report.
 */
export function importIcs(target: RecordWriter<EventFields>, input: ImportBytes, options?: IcsImportOptions): IcsImportReport;
export function importIcs(target: RecordWriter<EventFields>, input: Blob, options?: IcsImportOptions): Promise<IcsImportReport>;
export function importIcs(target: RecordWriter<EventFields>, input: ImportInput, options?: IcsImportOptions): IcsImportReport | Promise<IcsImportReport>;
export function importIcs(target: RecordWriter<EventFields>, input: ImportInput, options: IcsImportOptions = {}): IcsImportReport | Promise<IcsImportReport> {
  return isBlob(input) ? parseIcs(input, options).then((parsed) => writeParsedEvents(target, parsed)) : writeParsedEvents(target, parseIcs(input, options));
}
