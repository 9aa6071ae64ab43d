/**
 * Page object for `<p2p-calendar>` in a device of the lab: opens the elements page with a seeded clinic (see
 * components/test/clinic-seed.ts), reads where events are drawn and what the store holds, and does what a person
 * does with the mouse and keyboard. Tests read as what happens at the desk; selectors live here only.
 */
import type { Device, ElementPath } from '../../../../scripts/device-lab/device.ts';
import type { DeviceLab } from '../../../../scripts/device-lab/lab.ts';
import { expectNoAxeViolations } from '../../../../scripts/device-lab/axe.ts';
import { seedClinic, type ClinicSeedOptions, type SeededClinic } from '../../../test/clinic-seed.ts';
import type { CalendarEvent } from '../../core/index.ts';

export interface CalendarOptions {
  view?: string;
  date?: string;
  locale?: string;
  timeZone?: string;
  secondaryTimeZone?: string;
  readonly?: boolean;
  birthdays?: boolean;
  theme?: 'light' | 'dark';
  slotMinutes?: number;
  seed?: ClinicSeedOptions;
}

/** An event as drawn: the date of the cell it starts in, and in a time grid the 15-minute slot it starts at. */
export interface DrawnEvent {
  title: string;
  label: string;
  date: string | null;
  slot: number | null;
  parts: string;
}

export interface RecordedEvent {
  type: string;
  detail: unknown;
}

interface PageWindow {
  clinic: import('../../core/index.ts').OrgSession;
  calendarEvents: RecordedEvent[];
  vetoed: string[];
}

const CALENDAR = 'p2p-calendar';

export class CalendarPage {
  constructor(readonly device: Device) {}

  /** A new device of the lab at desk size, showing the seeded clinic in a calendar. */
  static async openIn(lab: DeviceLab, options: CalendarOptions = {}): Promise<{ device: Device; calendar: CalendarPage; clinic: SeededClinic }> {
    const device = await lab.newBlankDevice();
    await device.setViewport({ width: 1280, height: 900 });
    const calendar = new CalendarPage(device);
    const clinic = await calendar.open(lab.pageUrl, options);
    return { device, calendar, clinic };
  }

  /** Loads the elements page beside the lab's core page, seeds the clinic and shows it in a calendar. */
  async open(pageUrl: string, options: CalendarOptions = {}): Promise<SeededClinic> {
    await this.device.goto(new URL('elements-page.html', pageUrl).href);
    await this.device.waitFor('the elements page to load', () => document.title === 'elements ready', undefined, 60_000);
    const clinic = await this.device.evaluate(seedClinic, options.seed ?? {});
    await this.device.evaluate((options) => {
      const w = window as unknown as PageWindow;
      w.calendarEvents = [];
      w.vetoed = [];
      const calendar = document.createElement('p2p-calendar');
      for (const type of ['p2p-event-select', 'p2p-view-change', 'p2p-request-create', 'p2p-request-change', 'p2p-request-delete', 'p2p-contact-open', 'p2p-request-import']) {
        calendar.addEventListener(type, (event) => {
          const { detail } = event as CustomEvent;
          w.calendarEvents.push({ type, detail: JSON.parse(JSON.stringify(detail)) });
          if (w.vetoed.includes(type)) event.preventDefault();
        });
      }
      calendar.setAttribute('view', options.view ?? 'week');
      calendar.setAttribute('date', options.date ?? '2025-03-26');
      calendar.setAttribute('locale', options.locale ?? 'en-GB');
      calendar.setAttribute('time-zone', options.timeZone ?? 'Europe/Berlin');
      if (options.secondaryTimeZone) calendar.setAttribute('secondary-time-zone', options.secondaryTimeZone);
      if (options.readonly) calendar.setAttribute('readonly', '');
      if (options.birthdays) calendar.setAttribute('birthdays', '');
      if (options.theme) calendar.setAttribute('theme', options.theme);
      if (options.slotMinutes) calendar.setAttribute('slot-minutes', String(options.slotMinutes));
      calendar.session = w.clinic;
      document.body.append(calendar);
    }, options);
    await this.rendered();
    return clinic;
  }

  /**
   * As a plain page would: the seeded clinic is written to this device's default org and closed, then only the
   * tag goes in the page, with attributes and no session, and the calendar opens the org itself.
   */
  async openStandalone(pageUrl: string, attributes: string): Promise<SeededClinic> {
    await this.device.goto(new URL('elements-page.html', pageUrl).href);
    await this.device.waitFor('the elements page to load', () => document.title === 'elements ready', undefined, 60_000);
    const clinic = await this.device.evaluate(seedClinic, {});
    await this.device.evaluate(async (attributes) => {
      await (window as unknown as PageWindow).clinic.close();
      document.body.insertAdjacentHTML('beforeend', `<p2p-calendar ${attributes}></p2p-calendar>`);
    }, attributes);
    await this.rendered();
    return clinic;
  }

  /** Puts `<p2p-calendar>` with these attributes (and no session) in the page the device is on, and waits for its view. */
  async mount(attributes: Record<string, string>): Promise<void> {
    await this.device.evaluate((attributes) => {
      const calendar = document.createElement('p2p-calendar');
      for (const [name, value] of Object.entries(attributes)) calendar.setAttribute(name, value);
      document.body.append(calendar);
    }, attributes);
    await this.rendered();
  }

  /** Waits until the event `title` is drawn starting on `date` at `time` (a time grid's `HH:mm`), failing with what is drawn. */
  async waitForDrawn(what: string, title: string, date: string, time: string): Promise<void> {
    const slot = (Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) / 15;
    try {
      await this.device.waitFor(
        what,
        ({ title, date, slot }) =>
          [...document.querySelector('p2p-calendar')!.shadowRoot!.querySelectorAll<HTMLElement>('[data-occ]')].some(
            (element) =>
              element.dataset.title === title &&
              element.closest<HTMLElement>('[role="gridcell"]')?.dataset.date === date &&
              Math.floor(parseFloat(element.style.getPropertyValue('--start')) / 15) === slot,
          ),
        { title, date, slot },
      );
    } catch (error) {
      const drawn = (await this.drawnEvents()).map((event) => `${event.title} ${event.date} slot ${event.slot}`);
      throw new Error(`${(error as Error).message}; drawn: ${drawn.join('; ')}`);
    }
  }

  /** Runs axe on the calendar in each of `views`, light and dark, failing on any violation. */
  async expectAccessibleIn(views: readonly string[]): Promise<void> {
    for (const scheme of ['light', 'dark'] as const) {
      await this.device.setColorScheme(scheme);
      for (const view of views) {
        await this.setAttribute('view', view);
        await this.rendered();
        await expectNoAxeViolations(this.device, CALENDAR);
      }
    }
  }

  /** Waits until the calendar shows a view (not its opening message) and has finished updating. */
  async rendered(): Promise<void> {
    await this.device.waitFor('<p2p-calendar> to render a view', () => {
      const calendar = document.querySelector('p2p-calendar');
      return calendar?.shadowRoot?.querySelector('[part="view"]') && calendar.updateComplete.then(() => true);
    });
    await this.device.evaluate(() => document.querySelector('p2p-calendar')!.updateComplete);
  }

  async setAttribute(name: string, value: string | null): Promise<void> {
    await this.device.evaluate(
      ({ name, value }) => {
        const calendar = document.querySelector('p2p-calendar')!;
        if (value === null) calendar.removeAttribute(name);
        else calendar.setAttribute(name, value);
        return calendar.updateComplete;
      },
      { name, value },
    );
  }

  /** Every event drawn in the view, with the cell it starts in. */
  async drawnEvents(): Promise<DrawnEvent[]> {
    await this.rendered();
    return this.device.evaluate(() => {
      const root = document.querySelector('p2p-calendar')!.shadowRoot!;
      return [...root.querySelectorAll<HTMLElement>('[data-occ]')].map((element) => {
        const cell = element.closest<HTMLElement>('[role="gridcell"]');
        return {
          title: element.querySelector('.ev-title')?.textContent?.trim() ?? '',
          label: element.getAttribute('aria-label') ?? '',
          date: cell?.dataset.date ?? null,
          slot: cell?.dataset.hour === undefined ? null : Math.floor(parseFloat(element.style.getPropertyValue('--start')) / 15),
          parts: element.getAttribute('part') ?? '',
        };
      });
    });
  }

  async drawn(title: string): Promise<DrawnEvent[]> {
    return (await this.drawnEvents()).filter((event) => event.title === title);
  }

  /** Texts of the elements matching `selector` in the calendar's shadow root. */
  async texts(selector: string): Promise<string[]> {
    await this.rendered();
    return this.device.evaluate(
      (selector) => [...document.querySelector('p2p-calendar')!.shadowRoot!.querySelectorAll(selector)].map((element) => element.textContent?.replace(/\s+/g, ' ').trim() ?? ''),
      selector,
    );
  }

  /** What a screen reader names a time grid's hour row by: its `aria-label`, or its text. */
  async hourHeading(hour: number): Promise<string> {
    return this.device.evaluate((hour) => {
      const header = document.querySelector('p2p-calendar')!.shadowRoot!.querySelectorAll<HTMLElement>('[role="rowheader"]')[hour]!;
      return header.getAttribute('aria-label') ?? header.textContent!.replace(/\s+/g, ' ').trim();
    }, hour);
  }

  async attribute(selector: string, name: string): Promise<string | null> {
    return this.device.evaluate(
      ({ selector, name }) => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector(selector)?.getAttribute(name) ?? null,
      { selector, name },
    );
  }

  /** The printed day sheets as laid out now (none on screen): each one's heading, its rows' cells and its page break. */
  async printedSheets(): Promise<{ heading: string; rows: string[][]; breakAfter: string }[]> {
    return this.device.evaluate(() =>
      [...document.querySelector('p2p-calendar')!.shadowRoot!.querySelectorAll<HTMLElement>('.day-sheet')]
        .filter((sheet) => sheet.getClientRects().length > 0)
        .map((sheet) => ({
          heading: sheet.querySelector('h1')!.textContent!.replace(/\s+/g, ' ').trim(),
          rows: [...sheet.querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent!.trim())),
          breakAfter: getComputedStyle(sheet).breakAfter,
        })),
    );
  }

  /** Whether each of these parts of the calendar is laid out at all (not `display: none` here or above). */
  async laidOut(selectors: string[]): Promise<boolean[]> {
    return this.device.evaluate(
      (selectors) => selectors.map((selector) => (document.querySelector('p2p-calendar')!.shadowRoot!.querySelector(selector)?.getClientRects().length ?? 0) > 0),
      selectors,
    );
  }

  /** Sets a contact's birthday in the store (`YYYY-MM-DD` or `--MM-DD`), as the contacts element or a sync would. */
  async setBirthday(contactId: string, birthday: string): Promise<void> {
    await this.device.evaluate(({ contactId, birthday }) => void (window as unknown as PageWindow).clinic.contacts.update(contactId, { birthday }), { contactId, birthday });
  }

  /** Adds all-day events of one day to the store, each titled, as another device's sync would. */
  async addAllDay(date: string, titles: readonly string[]): Promise<void> {
    await this.device.evaluate(
      ({ date, titles }) => {
        const { clinic } = window as unknown as PageWindow;
        const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        const base = { location: '', notes: '', attendees: [], reminders: [], resources: [], status: 'booked' as const, category: '', allDay: true, timeZone: 'Europe/Berlin' };
        clinic.doc.transact(() => titles.forEach((title) => clinic.events.create({ ...base, title, start: date, end: next })));
      },
      { date, titles },
    );
  }

  /** Picks a file in the import's file picker, as choosing one in the browser's dialog does. */
  async pickFile(name: string, text: string): Promise<void> {
    await this.device.evaluate(
      ({ name, text }) => {
        const input = document.querySelector('p2p-calendar')!.shadowRoot!.querySelector<HTMLInputElement>('#ics-file')!;
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, { type: 'text/calendar' }));
        input.files = transfer.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      },
      { name, text },
    );
  }

  /** Drags a file from the desktop over the calendar (whether it then offers to take it), and drops it there. */
  async dropFile(name: string, text: string): Promise<{ hinted: boolean }> {
    return this.device.evaluate(
      async ({ name, text }) => {
        const calendar = document.querySelector('p2p-calendar')!;
        const target = calendar.shadowRoot!.querySelector('.view')!;
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, { type: 'text/calendar' }));
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true }));
        await calendar.updateComplete;
        const hinted = calendar.shadowRoot!.querySelector('.drop-hint') !== null;
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, composed: true, cancelable: true }));
        return { hinted };
      },
      { name, text },
    );
  }

  /** Waits for the import's summary and reads it: its status line and its lists by name (`merged`, `refused`, `without`). */
  async importSummary(): Promise<{ status: string; lists: Record<string, string[]> }> {
    await this.device.waitFor('the import summary', () => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('.import-summary [role="status"]'));
    return this.device.evaluate(() => {
      const summary = document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('.import-summary')!;
      const lists: Record<string, string[]> = {};
      for (const list of summary.querySelectorAll<HTMLElement>('ul[data-list]')) lists[list.dataset.list!] = [...list.querySelectorAll('li')].map((item) => item.textContent!.trim());
      return { status: summary.querySelector('[role="status"]')!.textContent!.trim(), lists };
    });
  }

  /** Opens the toolbar's Files menu (import and export), by mouse. */
  async openFilesMenu(): Promise<void> {
    const open = await this.device.evaluate(() => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector<HTMLDetailsElement>('details.files')!.open);
    if (!open) await this.device.click([CALENDAR, 'details.files > summary']);
  }

  /** Clicks an export button of the Files menu and returns the text of the file it offered. */
  async exported(action: 'export-range' | 'export-all'): Promise<string> {
    await this.device.evaluate(() => {
      const w = window as unknown as { exported?: Promise<string>[] };
      if (w.exported) return;
      w.exported = [];
      const original = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (blob: Blob | MediaSource) => {
        if (blob instanceof Blob) w.exported!.push(blob.text());
        return original(blob);
      };
    });
    const before = await this.device.evaluate(() => (window as unknown as { exported: unknown[] }).exported.length);
    await this.openFilesMenu();
    await this.device.click([CALENDAR, `[data-action="${action}"]`]);
    await this.device.waitFor('the exported file', (before) => (window as unknown as { exported: unknown[] }).exported.length > before, before);
    return this.device.evaluate(() => (window as unknown as { exported: Promise<string>[] }).exported.at(-1)!);
  }

  /** The org's events as the store holds them. */
  async storedEvents(): Promise<CalendarEvent[]> {
    return this.device.evaluate(() => JSON.parse(JSON.stringify((window as unknown as PageWindow).clinic.events.list())));
  }

  async stored(title: string): Promise<CalendarEvent[]> {
    return (await this.storedEvents()).filter((event) => event.title === title);
  }

  /**
   * Waits until the store holds an event with these fields (or, with `absent`, none with this title), failing
   * with `what` and the events the store does hold.
   */
  async waitForStored(what: string, match: Partial<Pick<CalendarEvent, 'title' | 'start' | 'end' | 'allDay'>> & { absent?: boolean }): Promise<void> {
    try {
      await this.device.waitFor(
        what,
        ({ absent, ...fields }) => {
          const events = (window as unknown as PageWindow).clinic.events.list();
          const found = events.some((event) => Object.entries(fields).every(([key, value]) => event[key as keyof typeof event] === value));
          return absent ? !events.some((event) => event.title === fields.title) : found;
        },
        match,
        20_000,
      );
    } catch (error) {
      const held = (await this.storedEvents()).map((event) => `${event.title} ${event.start}–${event.end}`);
      throw new Error(`${(error as Error).message}; the store holds: ${held.join('; ')}`);
    }
  }

  async recordedEvents(type?: string): Promise<RecordedEvent[]> {
    const all = await this.device.evaluate(() => (window as unknown as PageWindow).calendarEvents);
    return type ? all.filter((event) => event.type === type) : all;
  }

  /** Makes the host page call `preventDefault()` on every later event of this type. */
  async veto(type: string): Promise<void> {
    await this.device.evaluate((type) => (window as unknown as PageWindow).vetoed.push(type), type);
  }

  // ————— Mouse —————

  /** A month's day, or a time grid's hour (`HH:00`) of a day. */
  cell(date: string, hour?: string): ElementPath {
    return [CALENDAR, hour === undefined ? `[role="gridcell"][data-date="${date}"]` : `[role="gridcell"][data-date="${date}"][data-hour="${Number(hour.slice(0, 2))}"]`];
  }

  /** A point in a time grid just after `time` (`HH:mm`) on `date`, where a person aims to start or end something then. */
  async at(date: string, time: string): Promise<{ x: number; y: number }> {
    const box = await this.device.boxOf(this.cell(date, time));
    return { x: box.x + box.width / 2, y: box.y + (Number(time.slice(3, 5)) / 60) * box.height + 2 };
  }

  /** A point in a time grid's all-day row, over the column of `date`. */
  async allDayAt(date: string): Promise<{ x: number; y: number }> {
    const column = await this.device.boxOf(this.cell(date, '12:00'));
    const row = await this.device.boxOf([CALENDAR, '.tg-allday']);
    return { x: column.x + column.width / 2, y: row.y + row.height / 2 };
  }

  async clickAt(date: string, time: string): Promise<void> {
    const point = await this.at(date, time);
    await this.device.mouse.click(point.x, point.y);
  }

  event(title: string): ElementPath {
    return [CALENDAR, `[data-occ][data-title="${title}"]`];
  }

  async click(path: ElementPath): Promise<void> {
    await this.device.click(path);
  }

  /** Presses at the middle of `from`, moves in steps to the middle of `to`, releases. */
  async drag(from: ElementPath | { x: number; y: number }, to: ElementPath | { x: number; y: number }): Promise<void> {
    const start = isPoint(from) ? from : centre(await this.device.boxOf(from));
    const end = isPoint(to) ? to : centre(await this.device.boxOf(to));
    await this.device.mouse.move(start.x, start.y);
    await this.device.mouse.down();
    await this.device.mouse.move(start.x, start.y + (end.y >= start.y ? 6 : -6), { steps: 2 });
    await this.device.mouse.move(end.x, end.y, { steps: 6 });
    await this.device.mouse.up();
  }

  /** A point just inside the top edge of an element: the start of a slot. */
  async topOf(path: ElementPath): Promise<{ x: number; y: number }> {
    const box = await this.device.boxOf(path);
    return { x: box.x + box.width / 2, y: box.y + 2 };
  }

  /** The bottom edge of an event, where it is resized. */
  async bottomEdgeOf(title: string): Promise<{ x: number; y: number }> {
    const box = await this.device.boxOf(this.event(title));
    return { x: box.x + box.width / 2, y: box.y + box.height - 2 };
  }

  // ————— Keyboard —————

  async press(...keys: string[]): Promise<void> {
    for (const key of keys) await this.device.keyboard.press(key);
  }

  /** The description of what has focus inside the calendar (and its dialogs): the focused element's label or text. */
  async focused(): Promise<string> {
    return this.device.evaluate(() => {
      let active: Element | null = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return (active?.getAttribute('aria-label') ?? active?.querySelector(':scope > .visually-hidden')?.textContent ?? active?.textContent ?? '').trim();
    });
  }

  /** Puts keyboard focus on a month's day or a time grid's hour (`HH:00`), as a Tab into the grid and arrow keys would. */
  async focusCell(date: string, hour?: string): Promise<void> {
    await this.device.evaluate(
      ({ date, hour }) => {
        const root = document.querySelector('p2p-calendar')!.shadowRoot!;
        const selector = hour === null ? `[role="gridcell"][data-date="${date}"]` : `[role="gridcell"][data-date="${date}"][data-hour="${hour}"]`;
        const cell = root.querySelector<HTMLElement>(selector);
        if (!cell) throw new Error(`no cell ${selector}`);
        cell.focus();
      },
      { date, hour: hour === undefined ? null : Number(hour.slice(0, 2)) },
    );
  }

  // ————— Dialogs —————

  async editorOpen(): Promise<boolean> {
    return this.device.evaluate(() => !!document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('p2p-event-editor')?.shadowRoot?.querySelector('p2p-dialog[open]'));
  }

  async waitForEditor(open = true): Promise<void> {
    await this.device.waitFor(
      open ? 'the event editor to open' : 'the event editor to close',
      (open) => !!document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('p2p-event-editor')?.shadowRoot?.querySelector('p2p-dialog[open]') === open,
      open,
    );
  }

  editorField(name: string): ElementPath {
    return [CALENDAR, 'p2p-event-editor', `[name="${name}"]`];
  }

  /** Puts keyboard focus on one of the editor's fields, as Tab would. */
  async focusEditorField(name: string): Promise<void> {
    await this.device.evaluate(
      (name) => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('p2p-event-editor')!.shadowRoot!.querySelector<HTMLElement>(`[name="${name}"]`)!.focus(),
      name,
    );
  }

  async editorValue(name: string): Promise<string> {
    return this.device.evaluate(
      (name) => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('p2p-event-editor')!.shadowRoot!.querySelector<HTMLInputElement>(`[name="${name}"]`)!.value,
      name,
    );
  }

  async editorWarning(): Promise<string> {
    await this.device.waitFor('the editor to show a warning', () =>
      document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('p2p-event-editor')!.shadowRoot!.querySelector('[part="warning"]'),
    );
    return this.device.evaluate(() => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('p2p-event-editor')!.shadowRoot!.querySelector('[part="warning"]')!.textContent!.trim());
  }

  /** Replaces the editor's title with `text`, typed as a person would. */
  async typeTitle(text: string): Promise<void> {
    await this.device.click(this.editorField('title'));
    await this.device.keyboard.press('Control+a');
    await this.device.keyboard.type(text);
  }

  async save(): Promise<void> {
    await this.device.click([CALENDAR, 'p2p-event-editor', 'button[type="submit"]']);
  }

  async deleteInEditor(): Promise<void> {
    await this.device.click([CALENDAR, 'p2p-event-editor', 'button.danger']);
  }

  async waitForScopeQuestion(): Promise<void> {
    await this.device.waitFor('the this/following/all question', () => document.querySelector('p2p-calendar')!.shadowRoot!.querySelector('p2p-dialog[open]'));
  }

  async chooseScope(scope: 'this' | 'following' | 'all'): Promise<void> {
    await this.waitForScopeQuestion();
    await this.device.click([CALENDAR, `button[data-scope="${scope}"]`]);
  }
}

const isPoint = (target: ElementPath | { x: number; y: number }): target is { x: number; y: number } => typeof target === 'object' && 'x' in target;
const centre = (box: { x: number; y: number; width: number; height: number }) => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
