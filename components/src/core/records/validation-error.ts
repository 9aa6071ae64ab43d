/** Raised by every store write and import item that fails validation; nothing is written when it is thrown. */
export class ValidationError extends Error {
  constructor(
    /** Dotted path of the offending field, e.g. `emails.1.value` or `recurrence.rrule`. */
    readonly field: string,
    /** Why the value was refused, in words a person can act on. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ValidationError';
  }
}
