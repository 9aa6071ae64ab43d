/**
 * The repeat choices an event editor offers, as RFC 5545 rules relative to the event's first day, and the way
 * back from a stored rule to the choice that made it (anything else is a custom rule, edited as text).
 */
import { dayOf, weekdayOf } from './calendar-range.ts';

export const RECURRENCE_PRESETS = ['none', 'daily', 'weekdays', 'weekly', 'monthly', 'yearly', 'custom'] as const;
export type RecurrencePreset = (typeof RECURRENCE_PRESETS)[number];

const BYDAY = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

/** The rule of a preset for an event starting on `startDate` (`YYYY-MM-DD`); '' for none or custom. */
export function ruleOfPreset(preset: RecurrencePreset, startDate: string): string {
  const day = dayOf(startDate);
  if (day === undefined) return '';
  switch (preset) {
    case 'daily':
      return 'FREQ=DAILY';
    case 'weekdays':
      return 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
    case 'weekly':
      return `FREQ=WEEKLY;BYDAY=${BYDAY[weekdayOf(day)]}`;
    case 'monthly':
      return `FREQ=MONTHLY;BYMONTHDAY=${Number(startDate.slice(8, 10))}`;
    case 'yearly':
      return 'FREQ=YEARLY';
    case 'none':
    case 'custom':
      return '';
  }
}

/** Which preset a stored rule is, for an event starting on `startDate`. */
export function presetOfRule(rrule: string | undefined, startDate: string): RecurrencePreset {
  if (!rrule) return 'none';
  const normalised = rrule.trim().toUpperCase();
  const preset = RECURRENCE_PRESETS.find((candidate) => candidate !== 'none' && candidate !== 'custom' && ruleOfPreset(candidate, startDate) === normalised);
  return preset ?? 'custom';
}
