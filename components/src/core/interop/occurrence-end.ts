/** The end an occurrence has unless edited, shared by import and export so that an override's end round-trips. */
import { formatLocalDate, formatLocalDateTime, instantToWallClock, parseLocal, wallClockToInstant } from '../calendar/wall-clock-time.ts';
import type { EventFields } from '../records/records.ts';

/**
 * All-day occurrences last as many calendar days as the event; timed ones the same exact time (RFC 5545
 * 3.8.5.3), which is also how the occurrences query places them.
 */
export function defaultOccurrenceEnd(event: Pick<EventFields, 'start' | 'end' | 'allDay' | 'timeZone'>, occurrenceStart: string): string {
  const startLocal = parseLocal(event.start, event.allDay)!;
  const endLocal = parseLocal(event.end, event.allDay)!;
  const occurrenceLocal = parseLocal(occurrenceStart, event.allDay)!;
  if (event.allDay) return formatLocalDate(occurrenceLocal + (endLocal - startLocal));
  const exact = wallClockToInstant(endLocal, event.timeZone) - wallClockToInstant(startLocal, event.timeZone);
  return formatLocalDateTime(instantToWallClock(wallClockToInstant(occurrenceLocal, event.timeZone) + exact, event.timeZone));
}
