/**
 * What an import did: how many items were written and, for each item that was not, why. Parsing and writing
 * are separate steps so that a caller can preview a file (`parseIcs`, `parseVcard`) before importing it.
 */
import { ValidationError, describeReason, type ValidationReason } from '../records/validation-error.ts';

/** Why an item, or the whole file, was not imported; codes the UI can act on. */
export type ImportIssueCode =
  /** The file is not iCalendar at all (no VCALENDAR). */
  | 'NOT_ICALENDAR'
  /** The file is not vCard at all (no VCARD). */
  | 'NOT_VCARD'
  /** The item does not parse or holds a value that cannot be read (a bad date, an unknown time zone). */
  | 'UNREADABLE'
  /** The item is well-formed but of a kind p2p-clinic does not hold (a to-do, a contact group). */
  | 'UNSUPPORTED'
  /** The organiser cancelled the event (STATUS:CANCELLED). */
  | 'CANCELLED'
  /** The store refused the item's fields; `field` names the one it refused. */
  | 'INVALID';

/**
 * Why exactly, as a code and its data, which the UI words in the person's language (the elements' message table).
 * Names of the file's properties (`DTSTART`, `BDAY`) and values quoted from it are data, not words.
 */
export type ImportReason =
  | { code: 'NOT_ICALENDAR' }
  | { code: 'NOT_VCARD' }
  /** A `BEGIN:` with no matching `END:` line: the file was cut off. */
  | { code: 'NO_END_LINE'; component: string }
  /** A vCard line with no name and ":" before its value; the line's start is quoted. */
  | { code: 'BAD_LINE'; line: string }
  | { code: 'UNKNOWN_CHARSET'; property: string; charset: string }
  | { code: 'NOT_A_DATE'; property: string; value: string }
  | { code: 'NOT_A_DATE_TIME'; property: string; value: string }
  /** A TZID that is neither an IANA nor a Windows zone name, with no VTIMEZONE in the file. */
  | { code: 'UNKNOWN_TIME_ZONE'; property: string; tzid: string }
  /** A series in a VTIMEZONE that changes offset on dates no IANA zone does: read in UTC, it would drift. */
  | { code: 'ZONE_CHANGES_OFFSET'; tzid: string }
  /** A date (no time of day) in a property of a timed event. */
  | { code: 'DATE_IN_TIMED_EVENT'; property: string }
  | { code: 'START_AND_END_DIFFER_IN_KIND' }
  | { code: 'OCCURRENCE_CHANGES_ALL_DAY'; recurrenceId: string }
  | { code: 'NOT_A_DURATION' }
  | { code: 'NEGATIVE_DURATION' }
  | { code: 'ALARM_WITHOUT_TRIGGER' }
  | { code: 'ALARM_TRIGGER_NOT_A_DURATION' }
  | { code: 'ALARM_TRIGGER_NOT_A_DATE_TIME' }
  | { code: 'EVENT_CANCELLED' }
  | { code: 'NO_START' }
  /** More than one RRULE, deprecated since RFC 5545. */
  | { code: 'SEVERAL_RULES' }
  /** A component other than VEVENT (a VTODO, a VJOURNAL). */
  | { code: 'NOT_AN_EVENT'; component: string }
  | { code: 'CONTACT_GROUP' }
  | { code: 'SAME_UID' }
  /** The parser (ical.js) could not read the item; `detail` is its own message, for whoever looks into the file. */
  | { code: 'UNPARSABLE'; detail: string }
  /** The store refused a field (the issue's `field`); for a warning, `leftOut` is the list entry left out. */
  | { code: 'FIELD_REFUSED'; refusal: ValidationReason; leftOut?: string };

export interface ImportIssue {
  code: ImportIssueCode;
  /** Zero-based position of the item among the file's items (time zone definitions not counted); absent when the issue concerns the whole file. */
  index?: number;
  /** The item's UID, when it has one. */
  uid?: string;
  /** The item's SUMMARY (events) or FN (contacts), so that a person can tell which one it was. */
  summary?: string;
  /** The refused field, for INVALID. */
  field?: string;
  /** The file's property that was left out (a warning), e.g. `BDAY`. */
  property?: string;
  reason: ImportReason;
}

export interface ImportReport {
  imported: number;
  /** Items that were not imported, each with why. */
  errors: ImportIssue[];
  /**
   * What was left out of items that were imported: one bad property (a birthday that is no date, an address the
   * store refuses) never costs a whole item, but is not dropped silently either.
   */
  warnings: ImportIssue[];
}

/** One item read from a file and mapped to a store's fields, not yet written. */
export interface ParsedItem<Fields> {
  index: number;
  uid?: string;
  summary?: string;
  fields: Fields;
}

export interface ParsedFile<Fields> {
  items: ParsedItem<Fields>[];
  errors: ImportIssue[];
  warnings: ImportIssue[];
}

/** Where an import writes: `EventsStore` and `ContactsStore` fit, as does anything that validates and throws ValidationError. */
export interface RecordWriter<Fields> {
  create(fields: Fields): unknown;
}

/** Thrown while mapping one item; the item is skipped with this code and reason. */
export class ItemIssue extends Error {
  constructor(
    readonly code: Exclude<ImportIssueCode, 'NOT_ICALENDAR' | 'NOT_VCARD' | 'INVALID'>,
    readonly reason: ImportReason,
  ) {
    super(describeReason(reason));
    this.name = 'ItemIssue';
  }
}

/** Why an item could not be read: its ItemIssue's reason, or what the parser said. */
export function unreadableReason(error: unknown): ImportReason {
  if (error instanceof ItemIssue) return error.reason;
  return { code: 'UNPARSABLE', detail: error instanceof Error ? error.message : String(error) };
}

/** An item's position and names, leaving out the names it does not have. */
export function identify(item: { index: number; uid?: string | undefined; summary?: string | undefined }): { index: number; uid?: string; summary?: string } {
  return { index: item.index, ...(item.uid ? { uid: item.uid } : {}), ...(item.summary ? { summary: item.summary } : {}) };
}

export function issueFor(code: ImportIssueCode, reason: ImportReason, item: { index: number; uid?: string | undefined; summary?: string | undefined }): ImportIssue {
  return { code, ...identify(item), reason };
}

/** The list entry a refused field names (`emails.1.value` → emails, 1), if the field is one. */
function refusedListEntry(fields: object, field: string): { list: string; index: number } | undefined {
  const match = /^([A-Za-z]+)\.(\d+)(?:\.|$)/.exec(field);
  const list = match && (fields as Record<string, unknown>)[match[1]!];
  return match && Array.isArray(list) && Number(match[2]) < list.length ? { list: match[1]!, index: Number(match[2]) } : undefined;
}

/** A list entry as a person recognises it: an email's or phone's value, a tag, or the entry as JSON. */
function describeEntry(entry: unknown): string {
  const value = typeof entry === 'object' && entry !== null && 'value' in entry ? (entry as { value: unknown }).value : entry;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Writes one item. When the store refuses one entry of a list (an email that is no address), that entry is left
 * out and reported, and the rest of the item is written.
 */
function writeItem<Fields extends object>(target: RecordWriter<Fields>, item: ParsedItem<Fields>, report: ImportReport): void {
  let fields = item.fields;
  const warnings: ImportIssue[] = [];
  for (;;) {
    try {
      target.create(fields);
      report.imported += 1;
      report.warnings.push(...warnings);
      return;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const entry = refusedListEntry(fields, error.field);
      if (!entry) {
        report.errors.push({ ...issueFor('INVALID', { code: 'FIELD_REFUSED', refusal: error.reason }, item), field: error.field });
        return;
      }
      const list = (fields as Record<string, unknown[]>)[entry.list]!;
      const leftOut = describeEntry(list[entry.index]);
      warnings.push({ ...issueFor('INVALID', { code: 'FIELD_REFUSED', refusal: error.reason, leftOut }, item), field: error.field });
      fields = { ...fields, [entry.list]: list.filter((_, index) => index !== entry.index) };
    }
  }
}

/**
 * Writes each parsed item on its own. The store validates each write and writes nothing when it refuses one,
 * so a refused item is reported and the others still land. Errors other than ValidationError (a read-only
 * document, say) concern every item and propagate.
 */
export function writeParsedItems<Fields extends object>(target: RecordWriter<Fields>, parsed: ParsedFile<Fields>): ImportReport {
  const report: ImportReport = { imported: 0, errors: [...parsed.errors], warnings: [...parsed.warnings] };
  for (const item of parsed.items) writeItem(target, item, report);
  const byIndex = (a: ImportIssue, b: ImportIssue) => (a.index ?? -1) - (b.index ?? -1);
  report.errors.sort(byIndex);
  report.warnings.sort(byIndex);
  return report;
}
