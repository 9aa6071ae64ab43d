/** The events of an org, over its Yjs document, with the occurrences query. */
import type * as Y from 'yjs';
import { RecordStore, type SnapshotServing } from '../records/record-store.ts';
import { EVENT_STATUSES, validateEventFields } from './event-validation.ts';
import { readList, readNumber, readString, type RecordEntries } from '../records/record-map.ts';
import { EventTimeIndex, type EventTiming } from './event-time-index.ts';
import { AttendeeIndex } from './attendee-index.ts';
import { IdleBuiltIndex, inSteps } from '../records/idle-built-index.ts';
import { runInIdleSlices, type SlicedWork } from '../records/idle-work.ts';
import { MAX_ZONE_OFFSET_MS, appendOccurrences, expandEvent, placeAhead } from './occurrences.ts';
import { deviceTimeZone, parseLocal } from './wall-clock-time.ts';
import { RecordNotFoundError } from '../records/record-not-found-error.ts';
import { ValidationError } from '../records/validation-error.ts';
import {
  asEvent,
  changedFields,
  hasOccurrences,
  splitSeries,
  withOccurrenceEdited,
  withOccurrenceRemoved,
  withSeriesEdited,
} from './recurrence-edits.ts';
import { conflictingOccurrences, conflictsWith, occurrenceKey } from './booking-conflicts.ts';
import type { CalendarEvent, EventFields, EventStatus, Occurrence, OccurrenceOverride, RecurrenceScope } from '../records/records.ts';

/** The recurrence is stored as four entries, so that an edited rule and an added exception merge. */
const RECURRENCE_ENTRIES = new Set(['rrule', 'exdates', 'rdates', 'overrides']);

const SCOPES: readonly RecurrenceScope[] = ['this', 'following', 'all'];
const DAY_MS = 86_400_000;
/** How far ahead a series is checked for double bookings unless told: a year of a weekly appointment. */
const CONFLICT_HORIZON_MS = 366 * DAY_MS;

/** A status written by a newer or broken peer reads as booked, so that it still books its resources. */
const statusOf = (value: string): EventStatus => (EVENT_STATUSES.includes(value as EventStatus) ? (value as EventStatus) : 'booked');

const byStartThenEnd = (a: Occurrence, b: Occurrence) => a.start - b.start || a.end - b.end;

function checkScope(scope: unknown): asserts scope is RecurrenceScope {
  if (!SCOPES.includes(scope as RecurrenceScope)) throw new ValidationError('scope', { code: 'NOT_ONE_OF', allowed: SCOPES });
}

export class EventsStore extends RecordStore<EventFields, CalendarEvent> {
  #placingAhead: SlicedWork | undefined;
  readonly #timeIndex = new IdleBuiltIndex(
    () => this.#buildTimeIndex(),
    (index, id) => index.update(id, this.get(id)),
  );
  readonly #attendeeIndex = new IdleBuiltIndex(
    () => this.#buildAttendeeIndex(),
    (index, id) => index.update(id, this.#attendeesOf(id)),
  );

  constructor(doc: Y.Doc, snapshot?: SnapshotServing) {
    super(doc, 'events', 'event', snapshot);
  }

  /**
   * Every occurrence overlapping [rangeStart, rangeEnd) (instants in ms), ordered by start. All-day events are
   * placed in `viewZone`, the device's zone unless given.
   */
  occurrences(rangeStart: number, rangeEnd: number, viewZone: string = deviceTimeZone()): Occurrence[] {
    const occurrences: Occurrence[] = [];
    this.#timeIndex.get().forEachCandidate(rangeStart, rangeEnd, (id) => {
      const event = this.get(id);
      if (event) appendOccurrences(event, rangeStart, rangeEnd, viewZone, occurrences);
    });
    return occurrences.sort(byStartThenEnd);
  }

  /** The events the contact attends, in no particular order. */
  attendedBy(contactId: string): CalendarEvent[] {
    const events: CalendarEvent[] = [];
    for (const id of this.#attendeeIndex.get().eventsOf(contactId)) {
      const event = this.get(id);
      if (event) events.push(event);
    }
    return events;
  }

  /**
   * Edits one occurrence of an event (`recurrenceId` as in its Occurrence): `this` occurrence alone, `following`
   * (the series is split there, see recurrence-edits.ts) or `all` of the series, every occurrence moving as this
   * one does. Fields the patch leaves as they are are ignored, so a dialog may send them all. Returns the event
   * that holds the occurrence afterwards: for `following`, the new series (unless it was the first occurrence).
   * An event that does not repeat is simply updated, whatever the scope.
   */
  editOccurrence(eventId: string, recurrenceId: string, patch: Partial<EventFields>, scope: RecurrenceScope): CalendarEvent {
    const event = this.#existing(eventId);
    checkScope(scope);
    if (!event.recurrence) return this.update(eventId, patch);
    const changes = changedFields(event, patch);
    if (scope === 'this') return this.update(eventId, withOccurrenceEdited(event, recurrenceId, changes));
    const split = scope === 'following' ? splitSeries(event, recurrenceId) : undefined;
    if (!split) return this.update(eventId, withSeriesEdited(event, recurrenceId, changes));
    const before = this.validate(split.before);
    const after = this.validate(withSeriesEdited(asEvent(split.after), recurrenceId, changes));
    let created: CalendarEvent | undefined;
    this.doc.transact(() => {
      this.update(eventId, before);
      created = this.create(after);
    });
    return created!;
  }

  /**
   * Removes one occurrence of an event: `this` one (an exception), this and the `following` ones (the series
   * ends before it), or `all`. A series left without occurrences, and an event that does not repeat, is removed.
   * False if there was no such event (perhaps removed on another device).
   */
  removeOccurrence(eventId: string, recurrenceId: string, scope: RecurrenceScope): boolean {
    const event = this.get(eventId);
    checkScope(scope);
    if (!event) return false;
    if (!event.recurrence || scope === 'all') return this.remove(eventId);
    const remaining = scope === 'this' ? withOccurrenceRemoved(event, recurrenceId) : splitSeries(event, recurrenceId)?.before;
    if (!remaining || !hasOccurrences(remaining)) return this.remove(eventId);
    this.update(eventId, remaining);
    return true;
  }

  /**
   * The existing occurrences that an event with these fields would double-book: ones booking one of its
   * resources at an overlapping time, neither cancelled. Pass `ignoreEventId` when checking an edit of that event.
   * A series is checked up to `rangeEnd` (instant in ms), a year after its start unless given. All-day events are
   * placed in `viewZone`, the device's zone unless given. Throws a ValidationError for fields a store would refuse.
   */
  conflicts(fields: EventFields, options: { ignoreEventId?: string; rangeEnd?: number; viewZone?: string } = {}): Occurrence[] {
    const candidate = asEvent(this.validate(fields), options.ignoreEventId ?? '');
    const viewZone = options.viewZone ?? deviceTimeZone();
    let rangeStart = -8.64e15;
    let rangeEnd = 8.64e15;
    if (candidate.recurrence) {
      // Wall-clock times are within a zone's offset of their instants.
      const locals = [candidate.start, ...candidate.recurrence.rdates, ...candidate.recurrence.overrides.map((override) => override.start ?? override.recurrenceId)];
      const firstLocal = Math.min(...locals.map((local) => parseLocal(local, candidate.allDay)!));
      rangeStart = firstLocal - MAX_ZONE_OFFSET_MS - DAY_MS;
      rangeEnd = options.rangeEnd ?? firstLocal + CONFLICT_HORIZON_MS;
    }
    const candidates = expandEvent(candidate, rangeStart, rangeEnd, viewZone);
    return conflictsWith(candidates, (start, end) => this.occurrences(start, end, viewZone), options.ignoreEventId);
  }

  /**
   * The occurrences overlapping [rangeStart, rangeEnd) that double-book a resource, as `eventId|recurrenceId`
   * keys (occurrenceKey), for a view to mark: a sync can bring in a booking that clashes with one made here.
   * Occurrences reaching into the range from up to a day outside it are taken into account.
   */
  conflictingIn(rangeStart: number, rangeEnd: number, viewZone: string = deviceTimeZone()): Set<string> {
    const keys = new Set<string>();
    for (const occurrence of conflictingOccurrences(this.occurrences(rangeStart - DAY_MS, rangeEnd + DAY_MS, viewZone))) {
      if (occurrence.start < rangeEnd && occurrence.end > rangeStart) keys.add(occurrenceKey(occurrence));
    }
    return keys;
  }

  #existing(eventId: string): CalendarEvent {
    const event = this.get(eventId);
    if (!event) throw new RecordNotFoundError('event', eventId);
    return event;
  }

  /**
   * Builds the time index and then the attendee index in idle slices, so that the first view of a month or of a
   * contact's card finds them ready, then places events ahead of the months browsed next; resolves once all are done.
   */
  indexWhenIdle(): Promise<void> {
    return this.#timeIndex
      .buildWhenIdle()
      .then(() => this.#attendeeIndex.buildWhenIdle())
      .then(() => this.#placeAheadWhenIdle());
  }

  /**
   * Builds the time and attendee indexes now, in slices that yield to the main thread, for a first view that
   * queries at once (a calendar, or a contact's card); resolves once built.
   */
  async indexPromptly(): Promise<void> {
    await this.#timeIndex.buildPromptly();
    await this.#attendeeIndex.buildPromptly();
  }

  override destroy(): void {
    this.#timeIndex.destroy();
    this.#attendeeIndex.destroy();
    this.#placingAhead?.cancel();
    super.destroy();
  }

  protected override validate(input: unknown): EventFields {
    return validateEventFields(input);
  }

  protected override toEntries(fields: EventFields): Record<string, unknown> {
    const { recurrence, status, ...plain } = fields;
    // 'booked' is the default, left out like other defaults (org-document.ts).
    return { ...plain, status: status === 'booked' ? undefined : status, rrule: recurrence?.rrule, exdates: recurrence?.exdates, rdates: recurrence?.rdates, overrides: recurrence?.overrides };
  }

  protected override patchTouches(patch: Partial<EventFields>, entry: string): boolean {
    return RECURRENCE_ENTRIES.has(entry) ? 'recurrence' in patch : entry in patch;
  }

  protected override fieldsOf(event: CalendarEvent): EventFields {
    const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...fields } = event;
    return fields;
  }

  protected override materialise(id: string, record: RecordEntries): CalendarEvent {
    const event: CalendarEvent = {
      id,
      title: readString(record, 'title'),
      start: readString(record, 'start'),
      end: readString(record, 'end'),
      allDay: record.get('allDay') === true,
      timeZone: readString(record, 'timeZone'),
      location: readString(record, 'location'),
      notes: readString(record, 'notes'),
      attendees: readList<string>(record, 'attendees'),
      reminders: readList<number>(record, 'reminders'),
      resources: readList<string>(record, 'resources'),
      status: statusOf(readString(record, 'status')),
      category: readString(record, 'category'),
      createdAt: readNumber(record, 'createdAt'),
      updatedAt: readNumber(record, 'updatedAt'),
    };
    const rrule = readString(record, 'rrule');
    if (rrule) {
      event.recurrence = {
        rrule,
        exdates: readList<string>(record, 'exdates'),
        rdates: readList<string>(record, 'rdates'),
        overrides: readList<OccurrenceOverride>(record, 'overrides'),
      };
    }
    return event;
  }

  /**
   * Places every event in time from its stored entries, without materialising it: a query that comes before idle
   * time has built the index (the calendar a page opens onto) builds it on the spot, and should pay for reading
   * 50,000 spans, not for making 50,000 events.
   */
  *#buildTimeIndex(): Generator<void, EventTimeIndex> {
    const index = new EventTimeIndex();
    // Events added meanwhile reach the index as changes.
    yield* inSteps([...this.ids()], (id) => {
      const timing = this.#timingOf(id);
      if (timing) index.add(timing);
    });
    index.sort();
    return index;
  }

  *#buildAttendeeIndex(): Generator<void, AttendeeIndex> {
    const index = new AttendeeIndex();
    yield* inSteps([...this.ids()], (id) => index.update(id, this.#attendeesOf(id)));
    return index;
  }

  #attendeesOf(id: string): readonly string[] {
    const entries = this.entriesOf(id);
    return entries ? readList<string>(entries, 'attendees') : [];
  }

  #timingOf(id: string): EventTiming | undefined {
    const entries = this.entriesOf(id);
    if (!entries) return undefined;
    const rrule = readString(entries, 'rrule');
    const timing: EventTiming = { id, start: readString(entries, 'start'), end: readString(entries, 'end'), allDay: entries.get('allDay') === true };
    if (rrule) timing.recurrence = { rrule, exdates: [], rdates: readList<string>(entries, 'rdates'), overrides: readList<OccurrenceOverride>(entries, 'overrides') };
    return timing;
  }

  /**
   * Materialises every event and works out one-off events' instants (in this device's zone, for all-day ones) in
   * idle slices once the index is built, so that months browsed later find them placed.
   */
  #placeAheadWhenIdle(): Promise<void> {
    // Read once: each read builds an Intl.DateTimeFormat, whose native memory, 50,000 times over, cost seconds of
    // main-thread finalisers in the garbage collector.
    const zone = deviceTimeZone();
    this.#placingAhead ??= runInIdleSlices(
      inSteps([...this.ids()], (id) => {
        const event = this.get(id);
        if (event) placeAhead(event, zone);
      }),
    );
    return this.#placingAhead.done;
  }

  protected override reindex(ids: readonly string[]): void {
    this.#timeIndex.recordsChanged(ids);
    this.#attendeeIndex.recordsChanged(ids);
  }
}
