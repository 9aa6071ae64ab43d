/**
 * Why a store refused a value: a code the UI words in the person's language (the elements' message table), with the
 * data the wording needs. The core holds no sentences a person reads.
 */
export type ValidationReason =
  | { code: 'NOT_AN_OBJECT' }
  | { code: 'NOT_A_STRING' }
  | { code: 'TOO_LONG'; max: number }
  | { code: 'EMPTY' }
  | { code: 'NOT_TRUE_OR_FALSE' }
  | { code: 'NOT_A_LIST' }
  | { code: 'TOO_MANY_ITEMS'; max: number }
  | { code: 'NOT_A_WHOLE_NUMBER' }
  | { code: 'OUT_OF_RANGE'; min: number; max: number }
  /** Not one of the values the field takes, which are given (event statuses, resource kinds, edit scopes). */
  | { code: 'NOT_ONE_OF'; allowed: readonly string[] }
  | { code: 'NOT_A_COLOUR' }
  | { code: 'NOT_AN_EMAIL' }
  | { code: 'NOT_A_PHONE' }
  /** A birthday is a date `YYYY-MM-DD` or, without its year, `--MM-DD`. */
  | { code: 'NOT_A_BIRTHDAY' }
  /** A contact needs a name, an organisation, an email or a phone. */
  | { code: 'NO_NAME' }
  /** An all-day event's times are dates `YYYY-MM-DD`. */
  | { code: 'NOT_A_DATE' }
  /** A timed event's times are wall-clock date-times `YYYY-MM-DDTHH:mm:ss`. */
  | { code: 'NOT_A_DATE_TIME' }
  /** Not an instant (milliseconds since 1970). */
  | { code: 'NOT_A_TIME' }
  | { code: 'UNKNOWN_TIME_ZONE'; zone: string }
  | { code: 'END_BEFORE_START' }
  /** An all-day event's end is the exclusive day after its last, so it must come after the start date. */
  | { code: 'END_NOT_AFTER_START_DATE' }
  | { code: 'SAME_RESOURCE_TWICE' }
  | { code: 'SAME_OCCURRENCE_TWICE' }
  | { code: 'RRULE_PREFIX' }
  | { code: 'RRULE_UNREADABLE' }
  | { code: 'RRULE_NO_FREQ' }
  | { code: 'RRULE_INTERVAL' }
  | { code: 'NOT_AN_EVENT_ID' }
  /** A reminder names the occurrence it belongs to by that occurrence's start. */
  | { code: 'NOT_AN_OCCURRENCE_START' }
  | { code: 'NOT_A_REMINDER_OFFSET' }
  /** `recurrenceId` names no occurrence of the series. */
  | { code: 'NOT_AN_OCCURRENCE'; recurrenceId: string }
  /** A field of the whole series edited for one occurrence only. */
  | { code: 'SERIES_FIELD' }
  /** Moving a series whose rule pins its hours (BYHOUR…) to another time. */
  | { code: 'SERIES_SET_HOURS' }
  /** Moving a series whose rule pins its dates (BYMONTHDAY…) to another day. */
  | { code: 'SERIES_SET_DATES' }
  /** A series changing between all-day and timed needs both its new start and end. */
  | { code: 'START_AND_END_NEEDED' };

export type ValidationCode = ValidationReason['code'];

/** Raised by every store write and import item that fails validation; nothing is written when it is thrown. */
export class ValidationError extends Error {
  constructor(
    /** Dotted path of the offending field, e.g. `emails.1.value` or `recurrence.rrule`. */
    readonly field: string,
    /** Why the value was refused, as a code and its data. */
    readonly reason: ValidationReason,
  ) {
    super(`${field}: ${describeReason(reason)}`);
    this.name = 'ValidationError';
  }
}

/** `TOO_LONG {"max":200}`: the code and its data, for a developer's log; people read the message table's words. */
export function describeReason(reason: { code: string }): string {
  const { code, ...data } = reason;
  return Object.keys(data).length ? `${code} ${JSON.stringify(data)}` : code;
}
