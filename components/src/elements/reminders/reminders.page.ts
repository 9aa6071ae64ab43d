/**
 * Page object for `<p2p-reminders>` in a device of the lab: opens an org on the core page, adds appointments as
 * another part of the app would, and reads and presses what a person sees. Notifications go to a stand-in for the
 * browser's `Notification` (installed by `instrumentNotifications`) that records them, since headless browsers
 * show none and answer permission requests with "denied".
 */
import type { Device, ElementPath } from '../../../../scripts/device-lab/device.ts';

/** Runs in every page of the device before its scripts: a `Notification` that records, in this origin's storage. */
export function instrumentNotifications(): void {
  const record = (key: string, value: unknown) => {
    const list = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown[];
    list.push(value);
    localStorage.setItem(key, JSON.stringify(list));
  };
  class LabNotification extends EventTarget {
    static get permission(): NotificationPermission {
      return (localStorage.getItem('lab.permission') as NotificationPermission | null) ?? 'default';
    }
    static async requestPermission(): Promise<NotificationPermission> {
      record('lab.permissionRequests', Date.now());
      localStorage.setItem('lab.permission', 'granted');
      return 'granted';
    }
    constructor(title: string, options: NotificationOptions = {}) {
      super();
      record('lab.notifications', { title, tag: options.tag ?? '' });
    }
    close(): void {}
  }
  Object.defineProperty(window, 'Notification', { value: LabNotification, configurable: true, writable: true });
}

interface PageWindow {
  core: typeof import('../../core/index.ts');
  reminderSession: import('../../core/index.ts').OrgSession;
  dueEvents: string[][];
}

export class RemindersPage {
  constructor(readonly device: Device) {}

  /**
   * Opens the org (created if new) and shows its reminders in a `<p2p-reminders>` on the page. With `pages`, opens
   * that many sessions of the org first, then an element over each: what as many tabs of the device would have.
   */
  async open(orgId: string, pages = 1): Promise<void> {
    await this.device.evaluate(
      async ({ orgId, pages }) => {
        await (window as unknown as { defineElement(tag: string): Promise<unknown> }).defineElement('p2p-reminders');
        const w = window as unknown as PageWindow;
        w.dueEvents = [];
        const sessions = [];
        for (let index = 0; index < pages; index++) sessions.push(await w.core.openOrg(orgId));
        w.reminderSession = sessions[0]!;
        for (const session of sessions) {
          const element = document.createElement('p2p-reminders');
          element.setAttribute('time-zone', 'UTC');
          element.setAttribute('locale', 'en-GB');
          element.addEventListener('p2p-reminder-due', (event) => w.dueEvents.push(event.detail.reminders.map((reminder) => reminder.title)));
          document.body.append(element);
          element.session = session;
        }
      },
      { orgId, pages },
    );
    await this.device.waitFor('<p2p-reminders> to render', () => document.querySelector('p2p-reminders')?.shadowRoot?.querySelector('h2'));
  }

  /**
   * Books an appointment starting `minutes` from now (in UTC), reminding `reminder` minutes before, as this device:
   * in the open org, or with `storedIn`, in that org through a session of its own, closed (so stored) after.
   */
  /** Books an appointment `minutes` from now with one reminder; answers when that reminder falls due (ms). */
  async addAppointment(title: string, minutes: number, reminder: number, storedIn?: string): Promise<number> {
    return this.device.evaluate(
      async ({ title, minutes, reminder, storedIn }) => {
        const w = window as unknown as PageWindow;
        const at = (offset: number) => new Date(Date.now() + offset * 60_000).toISOString().slice(0, 19);
        const session = storedIn === undefined ? w.reminderSession : await w.core.openOrg(storedIn);
        session.events.create({
          title,
          start: at(minutes),
          end: at(minutes + 30),
          allDay: false,
          timeZone: 'UTC',
          location: '',
          notes: '',
          attendees: [],
          reminders: [reminder],
          resources: [],
          status: 'booked',
          category: '',
        });
        if (storedIn !== undefined) await session.close();
        return Date.parse(`${at(minutes)}Z`) - reminder * 60_000;
      },
      { title, minutes, reminder, storedIn },
    );
  }

  at(...selectors: string[]): ElementPath {
    return ['p2p-reminders', ...selectors];
  }

  /** Toasts shown by every `<p2p-reminders>` on the page, by title. */
  toastsInEveryElement(): Promise<string[][]> {
    return this.device.evaluate(() =>
      [...document.querySelectorAll('p2p-reminders')].map((element) => [...(element.shadowRoot?.querySelectorAll('[part~="toast"] h3') ?? [])].map((title) => title.textContent ?? '')),
    );
  }

  /**
   * The toasts shown once the element has caught up with the store, or null when `instant` has already passed by
   * then: a busy machine may reach a reminder's due time before the test looks, and that must not read as a toast
   * shown early.
   */
  toastTitlesBefore(instant: number): Promise<string[] | null> {
    return this.device.evaluate(async (instant) => {
      const element = document.querySelector('p2p-reminders') as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
      await element?.updateComplete;
      const titles = [...(element?.shadowRoot?.querySelectorAll('[part~="toast"] h3') ?? [])].map((title) => title.textContent ?? '');
      return Date.now() < instant ? titles : null;
    }, instant);
  }

  toastTitles(): Promise<string[]> {
    return this.device.evaluate(() =>
      [...(document.querySelector('p2p-reminders')?.shadowRoot?.querySelectorAll('[part~="toast"] h3') ?? [])].map((title) => title.textContent ?? ''),
    );
  }

  /** The list's rows as "time title detail" text. */
  listItems(): Promise<string[]> {
    return this.device.evaluate(() =>
      [...(document.querySelector('p2p-reminders')?.shadowRoot?.querySelectorAll('[part~="item"]') ?? [])].map((item) => (item.textContent ?? '').replace(/\s+/g, ' ').trim()),
    );
  }

  waitForToast(title: string): Promise<void> {
    return this.device.waitFor(
      `a toast for "${title}"`,
      (title) => [...(document.querySelector('p2p-reminders')?.shadowRoot?.querySelectorAll('[part~="toast"] h3') ?? [])].some((h3) => h3.textContent === title),
      title,
    );
  }

  waitForNoToast(title: string): Promise<void> {
    return this.device.waitFor(
      `the toast for "${title}" to go`,
      (title) => ![...(document.querySelector('p2p-reminders')?.shadowRoot?.querySelectorAll('[part~="toast"] h3') ?? [])].some((h3) => h3.textContent === title),
      title,
    );
  }

  /** The toast's key (eventId|recurrenceId|offset), to address its buttons. */
  async #toastKey(title: string): Promise<string> {
    const key = await this.device.evaluate(
      (title) =>
        [...(document.querySelector('p2p-reminders')?.shadowRoot?.querySelectorAll('[part~="toast"]') ?? [])]
          .find((toast) => toast.querySelector('h3')?.textContent === title)
          ?.getAttribute('data-reminder') ?? null,
      title,
    );
    if (!key) throw new Error(`no toast for "${title}"`);
    return key;
  }

  async dismiss(title: string): Promise<void> {
    await this.device.click(this.at(`[data-reminder="${await this.#toastKey(title)}"] button.primary`));
  }

  async snooze(title: string, choice: '5m' | '15m' | '1h' | 'tomorrow'): Promise<void> {
    await this.device.click(this.at(`[data-reminder="${await this.#toastKey(title)}"] button[data-snooze="${choice}"]`));
  }

  /** Focuses the toast's first button by keyboard from the page, and presses Enter on the named snooze. */
  async snoozeByKeyboard(title: string, choice: '5m' | '15m' | '1h' | 'tomorrow'): Promise<void> {
    const key = await this.#toastKey(title);
    await this.device.evaluate(
      ({ key }) => (document.querySelector('p2p-reminders')!.shadowRoot!.querySelector(`[data-reminder="${key}"] button.primary`) as HTMLElement).focus(),
      { key },
    );
    const order = ['5m', '15m', '1h', 'tomorrow'];
    for (let step = 0; step <= order.indexOf(choice); step++) await this.device.keyboard.press('Tab');
    await this.device.keyboard.press('Enter');
  }

  notifications(): Promise<{ title: string; tag: string }[]> {
    return this.device.evaluate(() => JSON.parse(localStorage.getItem('lab.notifications') ?? '[]') as { title: string; tag: string }[]);
  }

  permissionRequests(): Promise<number> {
    return this.device.evaluate(() => (JSON.parse(localStorage.getItem('lab.permissionRequests') ?? '[]') as unknown[]).length);
  }

  async grantNotifications(): Promise<void> {
    await this.device.evaluate(() => localStorage.setItem('lab.permission', 'granted'));
  }

  dueEvents(): Promise<string[][]> {
    return this.device.evaluate(() => (window as unknown as PageWindow).dueEvents);
  }

  /** The stored snooze of the only reminder of the appointment titled `title`. */
  snoozedUntil(title: string): Promise<number | null> {
    return this.device.evaluate((title) => {
      const { reminderSession: session } = window as unknown as PageWindow;
      const event = session.events.list().find((candidate) => candidate.title === title)!;
      return session.reminders.stateOf({ eventId: event.id, recurrenceId: event.start, offset: event.reminders[0]! })?.snoozedUntil ?? null;
    }, title);
  }

  /** Closes the org's session, so that a reload finds its state stored. */
  async close(): Promise<void> {
    await this.device.evaluate(() => (window as unknown as PageWindow).reminderSession.close());
  }
}
