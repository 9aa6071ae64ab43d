/** `<p2p-reminders>`: the element class; its contract is the class comment below. Registered by define/p2p-reminders.ts. */
import { LitElement, html, nothing } from 'lit';
import { ReminderAlarms } from '../../core/calendar/reminder-alarms.ts';
import { deviceTimeZone } from '../../core/calendar/wall-clock-time.ts';
import type { RemindersStore, UpcomingReminder } from '../../core/calendar/reminders.ts';
import type { Unsubscribe } from '../../core/records/change-listeners.ts';
import { tokens } from '../shared/tokens.styles.ts';
import { buttonStyles } from '../shared/buttons.styles.ts';
import { StoreController } from '../shared/store-controller.ts';
import { emit } from '../shared/p2p-event.ts';
import { message, plural } from '../shared/messages.ts';
import { formatter, relativeTimeFormatter, resolveLocale } from '../shared/locale.ts';
import { remindersStyles } from './reminders.styles.ts';
import { SNOOZE_CHOICES, type SnoozeChoice } from './snooze-choices.ts';
import { askNotificationPermission, notificationSupport } from './notification-permission.ts';
import { MessagesController } from '../shared/messages-controller.ts';

/** What the element needs of an open org (an `OrgSession` has it). */
export interface RemindersSession {
  readonly reminders: RemindersStore;
  /** With it, only one page of the device announces the org's reminders when several have it open. */
  readonly orgId?: string;
}

export interface DueReminderDetail {
  eventId: string;
  recurrenceId: string;
  offset: number;
  firesAt: number;
  title: string;
  /** The occurrence's start, ms since the epoch. */
  start: number;
}

declare module '../shared/p2p-event.ts' {
  interface P2PEventMap {
    'p2p-reminder-due': CustomEvent<{ reminders: DueReminderDetail[] }>;
    'p2p-reminder-open': CustomEvent<{ eventId: string; recurrenceId: string }>;
  }
}
declare global {
  interface GlobalEventHandlersEventMap {
    'p2p-reminder-due': CustomEvent<{ reminders: DueReminderDetail[] }>;
    'p2p-reminder-open': CustomEvent<{ eventId: string; recurrenceId: string }>;
  }
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Relative times ("in 5 minutes") are redrawn this often. */
const REDRAW_MS = MINUTE_MS;

const keyOf = (reminder: UpcomingReminder) => `${reminder.eventId}|${reminder.recurrenceId}|${reminder.offset}`;

/**
 * An org's upcoming reminders on this device, and the ones that have fallen due: each due reminder shows as a
 * toast with dismiss and snooze (5 minutes, 15 minutes, an hour, tomorrow morning) and, where the person allowed
 * it, a system notification. Permission for notifications is asked once, when this device first saves an event
 * with a reminder, never on load. What is due is worked out by the core (ReminderAlarms) on start, on every change
 * and on time; dismissals, snoozes and what was announced are kept per device, so that a reload or a sync neither
 * loses a reminder nor repeats one.
 *
 * ```html
 * <p2p-reminders></p2p-reminders>
 * <script type="module">document.querySelector('p2p-reminders').session = await openOrg(orgId);</script>
 * ```
 *
 * @tagname p2p-reminders
 * @summary Upcoming reminders, and toasts and notifications when they fall due.
 * @fires {CustomEvent<{ reminders: DueReminderDetail[] }>} p2p-reminder-due - Reminders fell due on this device (each once); `detail.reminders`, each with `eventId`,
 *   `recurrenceId`, `offset`, `firesAt`, `title` and `start`.
 * @fires {CustomEvent<{ eventId: string; recurrenceId: string }>} p2p-reminder-open - A reminder's appointment was chosen (in the list or a notification); `detail.eventId`,
 *   `detail.recurrenceId`.
 * @csspart list - The list of upcoming reminders.
 * @csspart item - One upcoming reminder; also `snoozed` when it is.
 * @csspart toasts - The stack of due reminders, fixed to the end corner of the window.
 * @csspart toast - One due reminder, with its actions.
 * @cssproperty --p2p-reminders-toast-width - The width of a toast (default `22rem`).
 */
export class P2PReminders extends LitElement {
  static override styles = [tokens, buttonStyles, remindersStyles];

  static override properties = {
    session: { attribute: false },
    hours: { type: Number },
    locale: { type: String },
    timeZone: { type: String, attribute: 'time-zone' },
    theme: { type: String, reflect: true },
    _now: { state: true },
  };

  /** The open org; property only. */
  declare session: RemindersSession | undefined;
  /** How far ahead the list looks, in hours (default 24). */
  declare hours: number;
  /** The language times are shown in; the browser's by default. */
  declare locale: string;
  /** The zone times are shown in and all-day events placed in; the device's by default. */
  declare timeZone: string;
  /** `light` or `dark` to force a scheme; the page's preference otherwise. */
  declare theme: string;
  declare _now: number;

  readonly #reminders = new StoreController(this);
  #alarms: ReminderAlarms | undefined;
  #alarmsFor: RemindersSession | undefined;
  #askOnReminderSet: Unsubscribe | undefined;
  #redraw: ReturnType<typeof setInterval> | undefined;
  readonly #onVisible = () => {
    // Background tabs run timers late; a tab coming back works out what fell due meanwhile.
    if (document.visibilityState === 'visible') this.#alarms?.check();
  };

  constructor() {
    super();
    new MessagesController(this);
    this.session = undefined;
    this.hours = 24;
    this.locale = '';
    this.timeZone = '';
    this.theme = '';
    this._now = Date.now();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#redraw = setInterval(() => (this._now = Date.now()), REDRAW_MS);
    document.addEventListener('visibilitychange', this.#onVisible);
    this.#follow(this.session);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#redraw);
    document.removeEventListener('visibilitychange', this.#onVisible);
    this.#follow(undefined);
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if ((changed.has('session') || changed.has('timeZone')) && this.isConnected) this.#follow(this.session, changed.has('timeZone'));
    this.#reminders.store = this.session?.reminders;
  }

  get #zone(): string {
    return this.timeZone || deviceTimeZone();
  }

  get #locale(): string {
    return resolveLocale(this.locale);
  }

  /** Starts the alarms over the session's reminders (stopping those of any other), and asks permission on first use. */
  #follow(session: RemindersSession | undefined, restart = false): void {
    if (session === this.#alarmsFor && !restart) return;
    this.#alarms?.stop();
    this.#askOnReminderSet?.();
    this.#alarms = undefined;
    this.#askOnReminderSet = undefined;
    this.#alarmsFor = session;
    if (!session) return;
    this.#askOnReminderSet = session.reminders.onReminderSet(() => void askNotificationPermission());
    this.#alarms = new ReminderAlarms(session.reminders, {
      announce: (due) => this.#announce(due),
      viewZone: this.#zone,
      ...(session.orgId === undefined ? {} : { lockName: `p2p-clinic-reminders:${session.orgId}` }),
    });
    this.#alarms.start();
  }

  #announce(due: UpcomingReminder[]): void {
    this._now = Date.now();
    const reminders = due.map((reminder) => ({
      eventId: reminder.eventId,
      recurrenceId: reminder.recurrenceId,
      offset: reminder.offset,
      firesAt: reminder.firesAt,
      title: this.#title(reminder),
      start: reminder.occurrence.start,
    }));
    emit(this, 'p2p-reminder-due', { reminders });
    if (notificationSupport() !== 'granted') return;
    for (const reminder of due) {
      // The tag makes a second tab's notification of the same reminder replace this one rather than add to it.
      const notification = new Notification(this.#title(reminder), { body: this.#when(reminder), tag: keyOf(reminder) });
      notification.addEventListener('click', () => {
        window.focus();
        emit(this, 'p2p-reminder-open', { eventId: reminder.eventId, recurrenceId: reminder.recurrenceId });
      });
    }
  }

  #title(reminder: UpcomingReminder): string {
    return reminder.occurrence.title || message(this.#locale, 'calendar.untitled');
  }

  /** The occurrence's time and how far off it is: "09:00, in 15 minutes". */
  #when(reminder: UpcomingReminder): string {
    const time = formatter(this.#locale, { timeZone: this.#zone, hour: 'numeric', minute: '2-digit', weekday: 'short' }).format(reminder.occurrence.start);
    const minutes = Math.round((reminder.occurrence.start - this._now) / MINUTE_MS);
    const relative = relativeTimeFormatter(this.#locale);
    const distance = Math.abs(minutes) < 90 ? relative.format(minutes, 'minute') : relative.format(Math.round(minutes / 60), 'hour');
    return message(this.#locale, 'reminders.when', { time, distance });
  }

  async #dismiss(reminder: UpcomingReminder): Promise<void> {
    await this.session?.reminders.dismiss(reminder);
  }

  async #snooze(reminder: UpcomingReminder, choice: SnoozeChoice): Promise<void> {
    await this.session?.reminders.snooze(reminder, choice.until(Date.now(), this.#zone));
  }

  #open(reminder: UpcomingReminder): void {
    emit(this, 'p2p-reminder-open', { eventId: reminder.eventId, recurrenceId: reminder.recurrenceId });
  }

  override render() {
    const locale = this.#locale;
    const upcoming = this.session?.reminders.upcoming(this._now, this._now + this.hours * HOUR_MS, this.#zone) ?? [];
    const due = this.#alarms?.outstanding() ?? [];
    return html`
      <section aria-labelledby="heading">
        <h2 id="heading">${message(locale, 'reminders.label')}</h2>
        ${upcoming.length === 0
          ? html`<p class="empty">${this.hours % 24 === 0 ? plural(locale, 'reminders.noneDays', this.hours / 24) : plural(locale, 'reminders.noneHours', this.hours)}</p>`
          : html`<ul part="list">
              ${upcoming.map((reminder) => this.#renderItem(reminder))}
            </ul>`}
      </section>
      <div part="toasts" role="region" aria-label=${message(locale, 'reminders.due')} aria-live="polite">
        ${due.map((reminder) => this.#renderToast(reminder))}
      </div>
    `;
  }

  #renderItem(reminder: UpcomingReminder) {
    const locale = this.#locale;
    const firesAt = formatter(locale, { timeZone: this.#zone, hour: 'numeric', minute: '2-digit' }).format(reminder.firesAt);
    return html`<li part=${reminder.snoozed ? 'item snoozed' : 'item'}>
      <span class="when">${firesAt}</span>
      <a class="title" href="#" @click=${(event: Event) => (event.preventDefault(), this.#open(reminder))}>${this.#title(reminder)}</a>
      <span class="detail">${this.#when(reminder)}${reminder.snoozed ? html` · ${message(locale, 'reminders.snoozed')}` : nothing}</span>
    </li>`;
  }

  #renderToast(reminder: UpcomingReminder) {
    const locale = this.#locale;
    const title = this.#title(reminder);
    const id = `toast-${keyOf(reminder).replace(/[^\w-]/g, '_')}`;
    return html`<section part="toast" aria-labelledby=${id} data-reminder=${keyOf(reminder)}>
      <h3 id=${id}>${title}</h3>
      <p>${this.#when(reminder)}</p>
      <div class="actions">
        <button class="p2p-button primary" @click=${() => void this.#dismiss(reminder)}>${message(locale, 'reminders.dismiss')}</button>
        <span class="snooze-label" id=${`${id}-snooze`}>${message(locale, 'reminders.snooze')}</span>
        <div class="p2p-button-group" role="group" aria-labelledby=${`${id}-snooze`}>
          ${SNOOZE_CHOICES.map(
            (choice) => html`<button
              class="p2p-button"
              data-snooze=${choice.id}
              aria-label=${message(locale, 'reminders.snoozeFor', { duration: message(locale, choice.label), title })}
              @click=${() => void this.#snooze(reminder, choice)}
            >
              ${message(locale, choice.label)}
            </button>`,
          )}
        </div>
      </div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'p2p-reminders': P2PReminders;
  }
}
