/**
 * What an import did: how many items were written and, for each item that was not, why. Parsing and writing
 * are separate steps so that a caller can preview a file (`parseIcs`, `parseVcard`) before importing it.
 */
import { ValidationError } from '../records/validation-error.ts';

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
  reason: string;
}

export interface ImportReport {
  imported: number;
  errors: ImportIssue[];
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
}

/** Where an import writes: `EventsStore` and `ContactsStore` fit, as does anything that validates and throws ValidationError. */
export interface RecordWriter<Fields> {
  create(fields: Fields): unknown;
}

/** Thrown while mapping one item; the item is skipped with this code and reason. */
export class ItemIssue extends Error {
  constructor(
    readonly code: Exclude<ImportIssueCode, 'NOT_ICALENDAR' | 'NOT_VCARD' | 'INVALID'>,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'ItemIssue';
  }
}

/** An item's position and names, leaving out the names it does not have. */
export function identify(item: { index: number; uid?: string | undefined; summary?: string | undefined }): { index: number; uid?: string; summary?: string } {
  return { index: item.index, ...(item.uid ? { uid: item.uid } : {}), ...(item.summary ? { summary: item.summary } : {}) };
}

export function issueFor(code: ImportIssueCode, reason: string, item: { index: number; uid?: string | undefined; summary?: string | undefined }): ImportIssue {
  return { code, ...identify(item), reason };
}

/**
 * Writes each parsed item on its own. The store validates each write and writes nothing when it refuses one,
 * so a refused item is reported and the others still land. Errors other than ValidationError (a read-only
 * document, say) concern every item and propagate.
 */
export function writeParsedItems<Fields>(target: RecordWriter<Fields>, parsed: ParsedFile<Fields>): ImportReport {
  const report: ImportReport = { imported: 0, errors: [...parsed.errors] };
  for (const item of parsed.items) {
    try {
      target.create(item.fields);
      report.imported += 1;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      report.errors.push({ ...issueFor('INVALID', error.reason, item), field: error.field });
    }
  }
  report.errors.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
  return report;
}
