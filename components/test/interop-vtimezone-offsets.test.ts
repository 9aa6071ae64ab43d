import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { VtimezoneOffsets } from '../src/core/interop/vtimezone-offsets.ts';
import { wallClockToInstant, zoneOffset } from '../src/core/calendar/wall-clock-time.ts';

const DAY_MS = 86_400_000;
const vtimezone = (lines: string[]) => new ICAL.Component(ICAL.parse(['BEGIN:VTIMEZONE', 'TZID:Test', ...lines, 'END:VTIMEZONE'].join('\r\n')) as unknown[]);

/** The days of the years on which the definition's offset at 00:30 and 12:30 UTC differs from the IANA zone's. */
function disagreements(offsets: VtimezoneOffsets, iana: string, fromYear: number, toYear: number): string[] {
  const days: string[] = [];
  for (let day = Date.UTC(fromYear, 0, 1); day < Date.UTC(toYear + 1, 0, 1); day += DAY_MS) {
    for (const instant of [day + DAY_MS / 48, day + DAY_MS / 2 + DAY_MS / 48]) {
      if (offsets.offsetAt(instant) !== zoneOffset(iana, instant)) days.push(new Date(instant).toISOString());
    }
  }
  return days;
}

const outlookBerlin = vtimezone([
  'BEGIN:STANDARD', 'DTSTART:16011028T030000', 'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
  'BEGIN:DAYLIGHT', 'DTSTART:16010325T020000', 'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT',
]);

describe('VTIMEZONE offsets', () => {
  it("gives Europe/Berlin's offsets from Outlook's rules that start in 1601", () => {
    expect(disagreements(new VtimezoneOffsets(outlookBerlin, 2024, 2026), 'Europe/Berlin', 2024, 2026)).toEqual([]);
  });

  it('follows a rule that ended and the one that replaced it, as US zones changed in 2007', () => {
    const newYork = vtimezone([
      'BEGIN:DAYLIGHT', 'DTSTART:19870405T020000', 'RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'END:DAYLIGHT',
      'BEGIN:STANDARD', 'DTSTART:19671029T020000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T060000Z', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD',
      'BEGIN:DAYLIGHT', 'DTSTART:20070311T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU', 'TZOFFSETFROM:-0500', 'TZOFFSETTO:-0400', 'END:DAYLIGHT',
      'BEGIN:STANDARD', 'DTSTART:20071104T020000', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD',
    ]);
    expect(disagreements(new VtimezoneOffsets(newYork, 2005, 2008), 'America/New_York', 2005, 2008)).toEqual([]);
  });

  it('expands a rule limited by COUNT from its own start', () => {
    const counted = vtimezone([
      'BEGIN:STANDARD', 'DTSTART:20201025T030000', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU;COUNT=3', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
      'BEGIN:DAYLIGHT', 'DTSTART:20200329T020000', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;COUNT=3', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT',
    ]);
    const offsets = new VtimezoneOffsets(counted, 2024, 2024);
    // Three changes each way, 2020 to 2022: summer time in July 2022, standard time for good after October 2022.
    expect(offsets.offsetAt(Date.UTC(2022, 6, 1))).toBe(2 * 3_600_000);
    expect(offsets.offsetAt(Date.UTC(2024, 6, 1))).toBe(1 * 3_600_000);
  });

  it('reads changes given as RDATEs', () => {
    const dated = vtimezone([
      'BEGIN:STANDARD', 'DTSTART:20231029T030000', 'RDATE:20241027T030000', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
      'BEGIN:DAYLIGHT', 'DTSTART:20240331T020000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT',
    ]);
    expect(disagreements(new VtimezoneOffsets(dated, 2024, 2024), 'Europe/Berlin', 2024, 2024)).toEqual([]);
  });

  it('places wall-clock times as Europe/Berlin does, across its gap and its overlap', () => {
    const offsets = new VtimezoneOffsets(outlookBerlin, 2024, 2024);
    for (const wall of ['2024-03-31T01:30:00', '2024-03-31T02:30:00', '2024-03-31T03:30:00', '2024-10-27T02:30:00', '2024-10-27T03:30:00', '2024-07-01T12:00:00']) {
      const local = Date.parse(`${wall}Z`);
      expect(offsets.instantOf(local), wall).toBe(wallClockToInstant(local, 'Europe/Berlin'));
    }
  });
});
