/**
 * Upcoming reminders: for each occurrence, each of the event's offsets fires at start − offset, unless this
 * device dismissed it; a snoozed one fires again at the end of its snooze.
 */
import { RECORD_LIMITS } from '../records/record-limits.ts';
import { ChangeListeners, type StoreListener, type Unsubscribe } from '../records/change-listeners.ts';
import { expandEvent } from './occurrences.ts';
import { deviceTimeZone, parseLocal } from './wall-clock-time.ts';
import { reminderKey, type ReminderStateStorage } from './reminder-state-storage.ts';
import { ValidationError } from '../records/validation-error.ts';
import type { EventsStore } from './events-store.ts';
import type { Occurrence, ReminderState } from '../records/records.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Which reminder: of which occurrence, at which offset (minutes before its start). */
export type ReminderRef = Pick<ReminderState, 'eventId' | 'recurrenceId' | 'offset'>;

export interface UpcomingReminder extends ReminderRef {
  occurrence: Occurrence;
  /** When it fires (ms since the epoch): the occurrence's start minus the offset, or the end of a snooze. */
  firesAt: number;
  snoozed: boolean;
  /** Whether this device has announced it (a notification, a toast) since it last fell due. */
  announced: boolean;
}

export class RemindersStore {
  readonly #states = new Map<string, ReminderState>();
  readonly #listeners = new ChangeListeners();
  readonly #unsubscribeEvents: Unsubscribe;

  private constructor(
    private readonly events: EventsStore,
    private readonly storage: ReminderStateStorage,
    states: ReminderState[],
  ) {
    for (const state of states) this.#states.set(reminderKey(state), state);
    // A changed event changes its reminders.
    this.#unsubscribeEvents = events.subscribe((change) => this.#listeners.notify(change));
  }

  static async open(events: EventsStore, storage: ReminderStateStorage): Promise<RemindersStore> {
    return new RemindersStore(events, storage, await storage.load());
  }

  /** Reminders firing in [from, to), earliest first, without dismissed ones. */
  upcoming(from: number, to: number, viewZone: string = deviceTimeZone()): UpcomingReminder[] {
    const reminders: UpcomingReminder[] = [];
    const included = new Set<string>();
    const add = (occurrence: Occurrence, offset: number) => {
      const ref = { eventId: occurrence.eventId, recurrenceId: occurrence.recurrenceId, offset };
      const key = reminderKey(ref);
      const state = this.#states.get(key);
      if (included.has(key) || state?.dismissedAt !== undefined) return;
      const firesAt = state?.snoozedUntil ?? occurrence.start - offset * MINUTE_MS;
      if (firesAt < from || firesAt >= to) return;
      included.add(key);
      reminders.push({ ...ref, occurrence, firesAt, snoozed: state?.snoozedUntil !== undefined, announced: state?.announcedFor === firesAt });
    };
    for (const occurrence of this.events.occurrences(from, to + RECORD_LIMITS.reminderMinutes * MINUTE_MS, viewZone)) {
      for (const offset of occurrence.event.reminders) add(occurrence, offset);
    }
    // A snooze can carry a reminder far past its occurrence's own window.
    for (const state of this.#states.values()) {
      if (state.snoozedUntil === undefined || state.snoozedUntil < from || state.snoozedUntil >= to) continue;
      const occurrence = this.#occurrenceOf(state, viewZone);
      if (occurrence?.event.reminders.includes(state.offset)) add(occurrence, state.offset);
    }
    return reminders.sort((a, b) => a.firesAt - b.firesAt);
  }

  /**
   * Reads this device's reminder state again from storage, where another page of the device may have written
   * since this one opened; listeners hear of every event whose reminders it concerns.
   */
  async reload(): Promise<void> {
    const states = await this.storage.load();
    this.#states.clear();
    for (const state of states) this.#states.set(reminderKey(state), state);
    this.#listeners.notify({ ids: [...new Set(states.map((state) => state.eventId))], local: false });
  }

  stateOf(ref: ReminderRef): ReminderState | undefined {
    return this.#states.get(reminderKey(ref));
  }

  async dismiss(ref: ReminderRef, at: number = Date.now()): Promise<void> {
    await this.#save({ ...checkRef(ref), dismissedAt: at });
  }

  async snooze(ref: ReminderRef, until: number): Promise<void> {
    if (!Number.isFinite(until)) throw new ValidationError('snoozedUntil', { code: 'NOT_A_TIME' });
    await this.#save({ ...checkRef(ref), snoozedUntil: until });
  }

  /** Records that this device announced the reminder when it fell due at `firesAt`; a later snooze makes it due again. */
  async markAnnounced(ref: ReminderRef, firesAt: number): Promise<void> {
    if (!Number.isFinite(firesAt)) throw new ValidationError('firesAt', { code: 'NOT_A_TIME' });
    const checked = checkRef(ref);
    await this.#save({ ...this.#states.get(reminderKey(checked)), ...checked, announcedFor: firesAt });
  }

  subscribe(listener: StoreListener): Unsubscribe {
    return this.#listeners.add(listener);
  }

  /**
   * Calls `listener` when this device writes an event that has reminders: the moment to ask for permission to
   * show notifications, which browsers grant only in answer to something the person did. Called synchronously
   * inside the write, so still within the click or key press that saved the event.
   */
  onReminderSet(listener: () => void): Unsubscribe {
    return this.events.subscribe((change) => {
      if (change.local && change.ids.some((id) => (this.events.get(id)?.reminders.length ?? 0) > 0)) listener();
    });
  }

  destroy(): void {
    this.#unsubscribeEvents();
  }

  async #save(state: ReminderState): Promise<void> {
    this.#states.set(reminderKey(state), state);
    this.#listeners.notify({ ids: [state.eventId], local: true });
    await this.storage.save(state);
  }

  #occurrenceOf(ref: ReminderRef, viewZone: string): Occurrence | undefined {
    const event = this.events.get(ref.eventId);
    if (!event) return undefined;
    const override = event.recurrence?.overrides.find((candidate) => candidate.recurrenceId === ref.recurrenceId);
    const local = parseLocal(override?.start ?? ref.recurrenceId, event.allDay);
    if (local === undefined) return undefined;
    const around = expandEvent(event, local - 2 * DAY_MS, local + 2 * DAY_MS, viewZone);
    return around.find((occurrence) => occurrence.recurrenceId === ref.recurrenceId);
  }
}

function checkRef(ref: ReminderRef): ReminderRef {
  if (typeof ref.eventId !== 'string' || ref.eventId === '') throw new ValidationError('eventId', { code: 'NOT_AN_EVENT_ID' });
  if (typeof ref.recurrenceId !== 'string' || ref.recurrenceId === '') throw new ValidationError('recurrenceId', { code: 'NOT_AN_OCCURRENCE_START' });
  if (!Number.isInteger(ref.offset) || ref.offset < 0 || ref.offset > RECORD_LIMITS.reminderMinutes) throw new ValidationError('offset', { code: 'NOT_A_REMINDER_OFFSET' });
  return { eventId: ref.eventId, recurrenceId: ref.recurrenceId, offset: ref.offset };
}
