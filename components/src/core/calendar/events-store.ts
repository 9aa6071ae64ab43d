/** The events of an org, over its Yjs document, with the occurrences query. */
import type * as Y from 'yjs';
import { RecordStore, type SnapshotServing } from '../records/record-store.ts';
import { validateEventFields } from './event-validation.ts';
import { readList, readNumber, readString, type RecordEntries } from '../records/record-map.ts';
import { EventTimeIndex } from './event-time-index.ts';
import { IdleBuiltIndex, inSteps } from '../records/idle-built-index.ts';
import { appendOccurrences, placeAhead } from './occurrences.ts';
import { deviceTimeZone } from './wall-clock-time.ts';
import type { CalendarEvent, EventFields, Occurrence, OccurrenceOverride } from '../records/records.ts';

/** The recurrence is stored as four entries, so that an edited rule and an added exception merge. */
const RECURRENCE_ENTRIES = new Set(['rrule', 'exdates', 'rdates', 'overrides']);

const byStartThenEnd = (a: Occurrence, b: Occurrence) => a.start - b.start || a.end - b.end;

export class EventsStore extends RecordStore<EventFields, CalendarEvent> {
  readonly #timeIndex = new IdleBuiltIndex(
    () => this.#buildTimeIndex(),
    (index, id) => index.update(id, this.get(id)),
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

  /** Builds the time index in idle slices, so that the first view of a month finds it ready; resolves once built. */
  indexWhenIdle(): Promise<void> {
    return this.#timeIndex.buildWhenIdle();
  }

  override destroy(): void {
    this.#timeIndex.destroy();
    super.destroy();
  }

  protected override validate(input: unknown): EventFields {
    return validateEventFields(input);
  }

  protected override toEntries(fields: EventFields): Record<string, unknown> {
    const { recurrence, ...plain } = fields;
    return { ...plain, rrule: recurrence?.rrule, exdates: recurrence?.exdates, rdates: recurrence?.rdates, overrides: recurrence?.overrides };
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
   * Places every event through the cache of materialised events, which the queries that follow return, and
   * works out one-off events' instants (in this device's zone, for all-day ones) so that months browsed later
   * find them placed.
   */
  *#buildTimeIndex(): Generator<void, EventTimeIndex> {
    const index = new EventTimeIndex();
    const viewZone = deviceTimeZone();
    // Events added meanwhile reach the index as changes.
    yield* inSteps([...this.ids()], (id) => {
      const event = this.get(id);
      if (!event) return;
      index.add(event);
      placeAhead(event, viewZone);
    });
    index.sort();
    return index;
  }

  protected override reindex(ids: readonly string[]): void {
    this.#timeIndex.recordsChanged(ids);
  }
}
