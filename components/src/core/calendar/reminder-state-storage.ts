/**
 * Where this device keeps its dismissed and snoozed reminders. Reminder state is per device (dismissing on the
 * phone must not silence the desk), so it stays out of the shared document: it lives in the `custom` store of
 * the org's own database (org-persistence.ts), which leaving the org deletes with everything else of the org.
 */
import type { OrgPersistence } from '../records/org-persistence.ts';
import type { ReminderState } from '../records/records.ts';

export interface ReminderStateStorage {
  load(): Promise<ReminderState[]>;
  save(state: ReminderState): Promise<void>;
}

const KEY_PREFIX = 'reminder:';

export const reminderKey = (state: Pick<ReminderState, 'eventId' | 'recurrenceId' | 'offset'>) => `${state.eventId}|${state.recurrenceId}|${state.offset}`;

export function indexedDbReminderStorage(persistence: OrgPersistence): ReminderStateStorage {
  return {
    async load() {
      const values = await persistence.customValues(KEY_PREFIX);
      return values.filter((value): value is string => typeof value === 'string').map((value) => JSON.parse(value) as ReminderState);
    },
    async save(state) {
      await persistence.setCustom(KEY_PREFIX + reminderKey(state), JSON.stringify(state));
    },
  };
}

/** For documents without persistence (tests, previews): state lasts as long as the page. */
export function memoryReminderStorage(): ReminderStateStorage {
  const states = new Map<string, ReminderState>();
  return {
    async load() {
      return [...states.values()];
    },
    async save(state) {
      states.set(reminderKey(state), state);
    },
  };
}
