/**
 * Double bookings: two occurrences that book one resource at overlapping times. Cancelled occurrences book
 * nothing; neither do occurrences that last no time. Occurrences of one series never conflict with each other
 * (an edit that makes them overlap is the series' own business).
 */
import type { Occurrence } from '../records/records.ts';

/** How views key an occurrence: `eventId|recurrenceId`. */
export const occurrenceKey = (occurrence: Pick<Occurrence, 'eventId' | 'recurrenceId'>) => `${occurrence.eventId}|${occurrence.recurrenceId}`;

export const booksResources = (occurrence: Occurrence) => occurrence.status !== 'cancelled' && occurrence.resources.length > 0 && occurrence.end > occurrence.start;

const overlap = (a: Occurrence, b: Occurrence) => a.start < b.end && b.start < a.end;

function sharesResource(a: Occurrence, b: Occurrence): boolean {
  for (const resource of a.resources) if (b.resources.includes(resource)) return true;
  return false;
}

export function isConflict(a: Occurrence, b: Occurrence): boolean {
  return a.eventId !== b.eventId && booksResources(a) && booksResources(b) && overlap(a, b) && sharesResource(a, b);
}

/**
 * Existing occurrences that a candidate's occurrences would conflict with, each once, by start.
 * `occurrencesIn` is the store's query, asked once per candidate occurrence, as a series' occurrences are short
 * and far apart.
 */
export function conflictsWith(
  candidates: readonly Occurrence[],
  occurrencesIn: (rangeStart: number, rangeEnd: number) => Occurrence[],
  ignoreEventId: string | undefined,
): Occurrence[] {
  const found = new Map<string, Occurrence>();
  for (const candidate of candidates) {
    if (!booksResources(candidate)) continue;
    for (const existing of occurrencesIn(candidate.start, candidate.end)) {
      if (existing.eventId !== ignoreEventId && isConflict(candidate, existing)) found.set(occurrenceKey(existing), existing);
    }
  }
  return [...found.values()].sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The keys of the occurrences among `occurrences` that conflict with another among them: per resource, a sweep
 * by start keeps those still running and checks each new one against them.
 */
export function conflictingKeys(occurrences: readonly Occurrence[]): Set<string> {
  const byResource = new Map<string, Occurrence[]>();
  for (const occurrence of occurrences) {
    if (!booksResources(occurrence)) continue;
    for (const resource of occurrence.resources) {
      let booked = byResource.get(resource);
      if (!booked) byResource.set(resource, (booked = []));
      booked.push(occurrence);
    }
  }
  const keys = new Set<string>();
  for (const booked of byResource.values()) {
    booked.sort((a, b) => a.start - b.start);
    let running: Occurrence[] = [];
    for (const occurrence of booked) {
      running = running.filter((other) => other.end > occurrence.start);
      for (const other of running) {
        if (other.eventId === occurrence.eventId) continue;
        keys.add(occurrenceKey(other));
        keys.add(occurrenceKey(occurrence));
      }
      running.push(occurrence);
    }
  }
  return keys;
}
