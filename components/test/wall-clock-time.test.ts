import { describe, expect, it } from 'vitest';
import { formatLocalDate, formatLocalDateTime, instantToWallClock, parseLocalDateTime, wallClockToInstant } from '../src/core/calendar/wall-clock-time.ts';

const HALF_HOUR_MS = 1_800_000;
const DAY_MS = 86_400_000;
const YEAR_2024 = [Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1)] as const;

/** Every offset the zone has over [from, to), read at each UTC midnight and noon. */
function offsetsDuring(zone: string, from: number, to: number): Set<number> {
  const offsets = new Set<number>();
  for (let instant = from; instant < to; instant += DAY_MS / 2) offsets.add(instantToWallClock(instant, zone) - instant);
  return offsets;
}

/**
 * The instant by definition: of the instants whose wall clock shows the time, the earliest; in a spring-forward
 * gap, the time read with the offset from before the gap.
 */
function instantByDefinition(localMs: number, zone: string, offsets: Set<number>): number {
  const matching = [...offsets].map((offset) => localMs - offset).filter((instant) => instantToWallClock(instant, zone) === localMs);
  return matching.length > 0 ? Math.min(...matching) : localMs - (instantToWallClock(localMs - DAY_MS, zone) - (localMs - DAY_MS));
}

describe('wall-clock times to instants', () => {
  // Lord Howe shifts by half an hour; Santiago changes at midnight, so a whole day starts in its gap.
  it.each(['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kathmandu'])(
    'agrees with the definition every half hour of a year in %s',
    (zone) => {
      const offsets = offsetsDuring(zone, YEAR_2024[0] - 2 * DAY_MS, YEAR_2024[1] + 2 * DAY_MS);
      for (let localMs = YEAR_2024[0]; localMs < YEAR_2024[1]; localMs += HALF_HOUR_MS) {
        const expected = instantByDefinition(localMs, zone, offsets);
        if (wallClockToInstant(localMs, zone) !== expected) expect(wallClockToInstant(localMs, zone), new Date(localMs).toISOString()).toBe(expected);
      }
    },
  );
});

describe('formatting wall-clock times', () => {
  it.each(['2024-02-29T23:59:59', '1969-12-31T00:00:07', '0999-01-01T12:30:00', '2024-03-31T00:00:00'])('writes %s back as it was read', (value) => {
    const localMs = parseLocalDateTime(value)!;
    expect(formatLocalDateTime(localMs)).toBe(value);
    expect(formatLocalDate(localMs)).toBe(value.slice(0, 10));
  });
});
