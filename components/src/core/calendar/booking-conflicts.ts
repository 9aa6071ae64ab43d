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
 * The occurrences among `occurrences` that conflict with another among them. Per resource, a sweep by start groups
 * the bookings into runs that overlap one after another; in a run of two or more, every booking overlaps another
 * (that is what keeps the run going), so all of them conflict, unless one series' own occurrences are involved,
 * which are then checked pair by pair within the run.
 */
export function conflictingOccurrences(occurrences: readonly Occurrence[]): Set<Occurrence> {
  const byResource = new Map<string, Occurrence[]>();
  for (const occurrence of occurrences) {
    if (!booksResources(occurrence)) continue;
    for (const resource of occurrence.resources) {
      let booked = byResource.get(resource);
      if (!booked) byResource.set(resource, (booked = []));
      booked.push(occurrence);
    }
  }
  const conflicting = new Set<Occurrence>();
  for (const booked of byResource.values()) {
    booked.sort((a, b) => a.start - b.start);
    let run: Occurrence[] = [];
    let runEnd = -Infinity;
    for (const occurrence of [...booked, undefined]) {
      if (occurrence && occurrence.start < runEnd) {
        run.push(occurrence);
        runEnd = Math.max(runEnd, occurrence.end);
        continue;
      }
      if (run.length > 1) markRun(run, conflicting);
      run = occurrence ? [occurrence] : [];
      runEnd = occurrence?.end ?? -Infinity;
    }
  }
  return conflicting;
}

function markRun(run: Occurrence[], conflicting: Set<Occurrence>): void {
  const events = new Set(run.map((occurrence) => occurrence.eventId));
  if (events.size === run.length) {
    for (const occurrence of run) conflicting.add(occurrence);
    return;
  }
  for (let first = 0; first < run.length; first++) {
    for (let second = first + 1; second < run.length && run[second]!.start < run[first]!.end; second++) {
      if (run[first]!.eventId === run[second]!.eventId) continue;
      conflicting.add(run[first]!);
      conflicting.add(run[second]!);
    }
  }
}
