/**
 * Which events can have an occurrence in a range of instants, without expanding or even converting every
 * event: each event gets a span in local milliseconds widened by the largest zone offset, so building the index
 * needs no Intl call. Short spans (one-off events, the bulk of a calendar) sit in an array sorted by start and
 * are found by binary search; long ones (recurring series, multi-week events) are few and checked one by one.
 * A series ends at its UNTIL or, every n days or weeks, at its COUNT, so that months outside it skip it.
 */
import ICAL from 'ical.js';
import { parseLocal } from './wall-clock-time.ts';
import { MAX_ZONE_OFFSET_MS, fixedStepRule } from './occurrences.ts';
import type { CalendarEvent } from '../records/records.ts';

/** Spans up to this long go into the sorted array; a query looks back this far for events reaching into its range. */
const SHORT_SPAN_MS = 8 * 86_400_000;
/** Exact durations of timed events differ from wall-clock ones by up to a daylight-saving shift. */
const SLACK_MS = MAX_ZONE_OFFSET_MS + 3_600_000;

/** What placing an event in time needs; read straight from the document, without materialising the event. */
export type EventTiming = Pick<CalendarEvent, 'id' | 'start' | 'end' | 'allDay' | 'recurrence'>;

interface Span {
  id: string;
  start: number;
  end: number;
}

/**
 * The latest start the rule can give, in local milliseconds: the latest wall-clock time of a UTC UNTIL's instant
 * in any zone (RFC 5545 3.3.10: it names an instant, not a wall-clock time), the day of a floating or date UNTIL,
 * the last of a fixed-step series' COUNT, or Infinity. Other COUNT rules would need expanding, and are few.
 */
function lastRuleStart(rrule: string, localStart: number): number {
  const until = ICAL.Recur.fromString(rrule).until;
  if (until && !until.isDate && until.zone === ICAL.Timezone.utcTimezone) return until.toUnixTime() * 1000 + MAX_ZONE_OFFSET_MS;
  if (until) return Date.UTC(until.year, until.month - 1, until.day, 23, 59, 59);
  const fixedStep = fixedStepRule(rrule, localStart);
  return fixedStep ? localStart + Math.max(0, fixedStep.count - 1) * fixedStep.stepMs : Infinity;
}

/** The event's span, or undefined for a record too malformed to place (a peer may write anything). */
function spanOf(event: EventTiming): Span | undefined {
  const localStart = parseLocal(event.start, event.allDay);
  const localEnd = parseLocal(event.end, event.allDay);
  if (localStart === undefined || localEnd === undefined) return undefined;
  let start = localStart;
  let end = localEnd;
  const recurrence = event.recurrence;
  if (recurrence) {
    end = lastRuleStart(recurrence.rrule, localStart) + (localEnd - localStart);
    for (const rdate of recurrence.rdates) {
      const local = parseLocal(rdate, event.allDay)!;
      start = Math.min(start, local);
      end = Math.max(end, local + (localEnd - localStart));
    }
    for (const override of recurrence.overrides) {
      const overrideStart = parseLocal(override.start ?? override.recurrenceId, event.allDay)!;
      const overrideEnd = override.end === undefined ? overrideStart + (localEnd - localStart) : parseLocal(override.end, event.allDay)!;
      start = Math.min(start, overrideStart);
      end = Math.max(end, overrideEnd);
    }
  }
  return { id: event.id, start: start - SLACK_MS, end: end + SLACK_MS };
}

const isShort = (span: Span) => span.end - span.start <= SHORT_SPAN_MS;

export class EventTimeIndex {
  readonly #spans = new Map<string, Span>();
  /** Short spans by start, ascending. */
  #sorted: Span[] = [];
  #needsSort = false;
  /** Long spans, in no order; an array, as a query walks them all and a Set's iterator allocates. */
  readonly #long: Span[] = [];

  constructor(events: Iterable<EventTiming> = []) {
    for (const event of events) this.add(event);
  }

  /** Adds an event while building; cheaper than `update`, as the order is restored once, by `sort` or the next query. */
  add(event: EventTiming): void {
    if (this.#spans.has(event.id)) return this.update(event.id, event);
    const span = spanOf(event);
    if (!span) return;
    this.#spans.set(event.id, span);
    if (isShort(span)) {
      this.#sorted.push(span);
      this.#needsSort = true;
    } else {
      this.#long.push(span);
    }
  }

  /** Brings one event up to date; `undefined` when it was removed. */
  update(id: string, event: EventTiming | undefined): void {
    this.#sortIfNeeded();
    const old = this.#spans.get(id);
    if (old) {
      this.#spans.delete(id);
      const longIndex = this.#long.indexOf(old);
      if (longIndex >= 0) this.#long.splice(longIndex, 1);
      else this.#sorted.splice(this.#sorted.indexOf(old, this.#firstAtOrAfter(old.start)), 1);
    }
    const span = event && spanOf(event);
    if (!span) return;
    this.#spans.set(id, span);
    if (isShort(span)) this.#sorted.splice(this.#firstAtOrAfter(span.start), 0, span);
    else this.#long.push(span);
  }

  /** Restores the order after `add`s, so that the next query need not. */
  sort(): void {
    this.#sortIfNeeded();
  }

  /**
   * Visits the ids of the events that may have an occurrence in [rangeStart, rangeEnd); the caller expands them
   * exactly. A visitor rather than an array, as a month query should allocate little but its occurrences.
   */
  forEachCandidate(rangeStart: number, rangeEnd: number, visit: (id: string) => void): void {
    this.#sortIfNeeded();
    for (let index = this.#firstAtOrAfter(rangeStart - SHORT_SPAN_MS); index < this.#sorted.length; index++) {
      const span = this.#sorted[index]!;
      if (span.start >= rangeEnd) break;
      if (span.end >= rangeStart) visit(span.id);
    }
    for (let index = 0; index < this.#long.length; index++) {
      const span = this.#long[index]!;
      if (span.start < rangeEnd && span.end >= rangeStart) visit(span.id);
    }
  }

  #sortIfNeeded(): void {
    if (!this.#needsSort) return;
    this.#sorted.sort((a, b) => a.start - b.start);
    this.#needsSort = false;
  }

  #firstAtOrAfter(start: number): number {
    let low = 0;
    let high = this.#sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#sorted[middle]!.start < start) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
