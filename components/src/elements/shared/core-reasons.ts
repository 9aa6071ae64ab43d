/**
 * The core's reasons in the person's language. The core says why it refused something as a code and its data
 * (`ValidationError.reason`, `ImportIssue.reason`, an error's `code`); the words are here and in the message table.
 * A code the table does not word (a newer core, a host's own error) reads as a generic sentence with its details,
 * never as the core's own text.
 */
import { describeReason, ValidationError, type ValidationReason } from '../../core/records/validation-error.ts';
import type { ImportIssue, ImportReason } from '../../core/interop/import-report.ts';
import type { SyncProblem } from '../../core/sync/org-sync.ts';
import { listFormatter } from './locale.ts';
import { en, message, plural, type MessageKey } from './messages.ts';

/** The label of each field a store may refuse, by the first part of its dotted path. */
const FIELD_LABELS: Record<string, MessageKey> = {
  givenName: 'contacts.field.givenName',
  familyName: 'contacts.field.familyName',
  displayName: 'contacts.field.name',
  organisation: 'contacts.field.organisation',
  emails: 'contacts.field.emails',
  phones: 'contacts.field.phones',
  birthday: 'contacts.field.birthday',
  notes: 'contacts.field.notes',
  tags: 'contacts.field.tags',
  addresses: 'contacts.field.address',
  title: 'editor.title',
  start: 'editor.start',
  end: 'editor.end',
  allDay: 'editor.allDay',
  timeZone: 'editor.timeZone',
  location: 'editor.location',
  status: 'editor.status',
  attendees: 'editor.attendees',
  resources: 'editor.resources',
  reminders: 'editor.reminders',
  recurrence: 'editor.rrule',
  name: 'org.name',
  color: 'org.colour',
};

const isMessageKey = (key: string): key is MessageKey => key in en;

/** A field as a form labels it: `emails.1.value` → "Email 2"; a field no form shows keeps its name. */
export function fieldLabel(locale: string, field: string): string {
  const [head = '', index] = field.split('.');
  const key = FIELD_LABELS[head];
  const label = key ? message(locale, key) : head;
  return index !== undefined && /^\d+$/.test(index) ? message(locale, 'contacts.field.numbered', { field: label, number: Number(index) + 1 }) : label;
}

/** Why a store refused the value of `field`, as a sentence: "Email 2 is not an email address." */
export function refusalText(locale: string, field: string, reason: ValidationReason, label = fieldLabel(locale, field)): string {
  const params = { field: label };
  switch (reason.code) {
    case 'TOO_LONG':
    case 'TOO_MANY_ITEMS':
      return plural(locale, `refusal.${reason.code}`, reason.max, params);
    case 'OUT_OF_RANGE':
      return message(locale, 'refusal.OUT_OF_RANGE', { ...params, min: reason.min, max: reason.max });
    case 'NOT_ONE_OF':
      return message(locale, 'refusal.NOT_ONE_OF', { ...params, allowed: listFormatter(locale, 'disjunction').format(reason.allowed) });
    case 'UNKNOWN_TIME_ZONE':
      return message(locale, 'refusal.UNKNOWN_TIME_ZONE', { ...params, zone: reason.zone });
    case 'NOT_AN_OCCURRENCE':
      return message(locale, 'refusal.NOT_AN_OCCURRENCE', { ...params, recurrenceId: reason.recurrenceId });
    default: {
      const key = `refusal.${reason.code}`;
      return isMessageKey(key) ? message(locale, key, params) : message(locale, 'refusal.unknown', { ...params, details: describeReason(reason) });
    }
  }
}

/** Why an import left an item, or a part of one, out. */
export function importReasonText(locale: string, issue: Pick<ImportIssue, 'reason' | 'field'>): string {
  const reason: ImportReason = issue.reason;
  switch (reason.code) {
    case 'FIELD_REFUSED': {
      const refused = refusalText(locale, issue.field ?? '', reason.refusal);
      return reason.leftOut === undefined ? refused : message(locale, 'importReason.leftOut', { reason: refused, value: reason.leftOut });
    }
    default: {
      const { code, ...data } = reason;
      const key = `importReason.${code}`;
      // Every other reason's data is names and values quoted from the file, put in the sentence as they are.
      return isMessageKey(key) ? message(locale, key, data) : message(locale, 'importReason.unknown', { details: describeReason(reason) });
    }
  }
}

/** What last went wrong with sync, in plain words; its details are the lower layer's own, shown apart. */
export function syncProblemText(locale: string, problem: SyncProblem): string {
  const key = `app.syncProblem.${problem.code}`;
  return isMessageKey(key) ? message(locale, key) : message(locale, 'reason.unknown', { details: problem.code });
}

/**
 * What went wrong, for an error the core threw: a refused field, or an error with a `code` the table words
 * (`reason.RECORD_NOT_FOUND`, `reason.DEFAULT_ORG_CANNOT_BE_LEFT`); anything else is a generic sentence with the
 * error's own text as its details.
 */
export function errorText(locale: string, error: unknown): string {
  if (error instanceof ValidationError) return refusalText(locale, error.field, error.reason);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const key = `reason.${code}`;
  if (code && isMessageKey(key)) return message(locale, key);
  return message(locale, 'reason.unknown', { details: error instanceof Error ? error.message : String(error) });
}
