/** How long a due reminder can be snoozed for, as the toast offers it. */
import { instantToWallClock, wallClockToInstant } from '../../core/calendar/wall-clock-time.ts';
import type { MessageKey } from '../shared/messages.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** "Tomorrow" means the start of tomorrow's working day, when the desk is staffed again. */
const TOMORROW_HOUR = 8;

export interface SnoozeChoice {
  id: '5m' | '15m' | '1h' | 'tomorrow';
  label: MessageKey;
  /** When the snooze ends, snoozed at `now` by someone in `zone`. */
  until(now: number, zone: string): number;
}

const after = (minutes: number) => (now: number) => now + minutes * MINUTE_MS;

export const SNOOZE_CHOICES: readonly SnoozeChoice[] = [
  { id: '5m', label: 'reminders.snooze5', until: after(5) },
  { id: '15m', label: 'reminders.snooze15', until: after(15) },
  { id: '1h', label: 'reminders.snooze60', until: after(60) },
  {
    id: 'tomorrow',
    label: 'reminders.snoozeTomorrow',
    until: (now, zone) => {
      const today = Math.floor(instantToWallClock(now, zone) / DAY_MS) * DAY_MS;
      return wallClockToInstant(today + DAY_MS + TOMORROW_HOUR * 60 * MINUTE_MS, zone);
    },
  },
];
