/** What a store calls one of its records, in messages. */
export type RecordNoun = 'contact' | 'event' | 'resource';

/** An update addressed a record that does not exist (never did, or was removed, perhaps on another device). */
export class RecordNotFoundError extends Error {
  readonly code = 'RECORD_NOT_FOUND';
  constructor(
    readonly kind: RecordNoun,
    readonly id: string,
  ) {
    super(`No ${kind} with id ${id}`);
    this.name = 'RecordNotFoundError';
  }
}
