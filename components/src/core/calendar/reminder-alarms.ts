/**
 * Announces reminders on this device as they fall due. What is due is worked out again on start, on every change
 * of the events or of this device's reminder state (a sync may bring an appointment whose reminder is already
 * due), and when the next one is due; what was announced is recorded per device (RemindersStore), so that a
 * reminder due while the page was closed is announced when it opens, and none is announced twice.
 */
import type { RemindersStore, UpcomingReminder } from './reminders.ts';
import type { Unsubscribe } from '../records/change-listeners.ts';
import { deviceTimeZone } from './wall-clock-time.ts';

const HOUR_MS = 3_600_000;
/** Reminders that fell due up to this long ago are still announced on opening: a working day and a night. */
export const MISSED_REMINDERS_LOOKBACK_MS = 24 * HOUR_MS;
/**
 * The longest a timer waits before working things out again: a sleeping device or a changed clock can leave a
 * long timer firing late, and a check costs one query of a day of reminders.
 */
const LONGEST_WAIT_MS = HOUR_MS;

export interface ReminderAlarmsOptions {
  /** Called with reminders that have just fallen due (or fell due while the page was closed), earliest first. */
  announce(due: UpcomingReminder[]): void;
  /** The time now; `Date.now` unless given (tests). */
  now?: () => number;
  /** The zone all-day events are placed in; the device's unless given. */
  viewZone?: string;
  /**
   * The name of a Web Lock that only one page of the device holds at a time (e.g. per org): only the page holding
   * it announces, so that two tabs open on one org do not both announce a reminder. A page that gets the lock
   * when another closes reads what that one announced before announcing anything.
   */
  lockName?: string;
}

export class ReminderAlarms {
  readonly #now: () => number;
  readonly #viewZone: string;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: Unsubscribe | undefined;
  #checking = false;
  #checkAgain = false;
  #started = false;
  /** Bumped by every start, so that a lock granted to an earlier start that was stopped is only given back. */
  #generation = 0;
  /** Gives up the lock, or stops waiting for it. */
  #releaseLock: (() => void) | undefined;

  constructor(
    private readonly reminders: RemindersStore,
    private readonly options: ReminderAlarmsOptions,
  ) {
    this.#now = options.now ?? Date.now;
    this.#viewZone = options.viewZone ?? deviceTimeZone();
  }

  /**
   * Announces what is due now, then keeps announcing as reminders fall due and as the stores change; with a
   * `lockName`, once this page holds the lock.
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const generation = ++this.#generation;
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (!this.options.lockName || !locks) return this.#announceFromNowOn();
    const waiting = new AbortController();
    let release: (() => void) | undefined;
    this.#releaseLock = () => (release ? release() : waiting.abort());
    locks
      .request(this.options.lockName, { signal: waiting.signal }, async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
          if (generation !== this.#generation) return resolve();
          void this.reminders.reload().then(() => {
            if (generation === this.#generation && this.#started) this.#announceFromNowOn();
          });
        });
      })
      // Aborted: stopped before the lock came.
      .catch(() => undefined);
  }

  stop(): void {
    this.#started = false;
    this.#releaseLock?.();
    this.#releaseLock = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #announceFromNowOn(): void {
    this.#unsubscribe = this.reminders.subscribe(() => this.check());
    this.check();
  }

  /** Reminders that have fallen due and are neither dismissed nor snoozed past now: what the person has to act on. */
  outstanding(): UpcomingReminder[] {
    const now = this.#now();
    return this.reminders.upcoming(now - MISSED_REMINDERS_LOOKBACK_MS, now + 1, this.#viewZone);
  }

  /**
   * Announces the reminders due and not yet announced on this device, and sets the timer for the next one; does
   * nothing unless started (and, with a `lockName`, holding the lock).
   */
  check(): void {
    if (!this.#unsubscribe) return;
    // Recording an announcement is itself a change, which would check again halfway through this check.
    if (this.#checking) {
      this.#checkAgain = true;
      return;
    }
    this.#checking = true;
    try {
      do {
        this.#checkAgain = false;
        const due = this.outstanding().filter((reminder) => !reminder.announced);
        if (due.length === 0) continue;
        // Recorded before announcing: should announcing throw, the reminder must still not come round again.
        // A failure to store it costs at worst one repeat after a reload, so it is not worth surfacing.
        for (const reminder of due) void this.reminders.markAnnounced(reminder, reminder.firesAt).catch(() => undefined);
        this.options.announce(due);
      } while (this.#checkAgain);
    } finally {
      this.#checking = false;
    }
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const now = this.#now();
    const next = this.reminders.upcoming(now + 1, now + LONGEST_WAIT_MS, this.#viewZone).find((reminder) => !reminder.announced);
    this.#timer = setTimeout(() => this.check(), next ? next.firesAt - now : LONGEST_WAIT_MS);
  }
}
