/** `<p2p-calendar>`: the element class; its contract is the class comment below. Registered by define/p2p-calendar.ts. */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { OrgRegistry } from '../../core/org/org-registry.ts';
import { openOrg, type OrgSession } from '../../core/org/org-session.ts';
import type { OrgSync } from '../../core/sync/org-sync.ts';
import { loadOrgKey } from '../../core/crypto/key-store.ts';
import { whenIdle } from '../../core/records/idle-work.ts';
import { formatLocalDate, formatLocalDateTime, instantToWallClock, isValidTimeZone, wallClockToInstant, deviceTimeZone } from '../../core/calendar/wall-clock-time.ts';
import type { CalendarEvent, EventFields, Occurrence, RecurrenceScope, Resource } from '../../core/index.ts';
import { StoreController, type Subscribable } from '../shared/store-controller.ts';
import { emit } from '../shared/p2p-event.ts';
import { message, type MessageKey } from '../shared/messages.ts';
import { firstDayOfWeek, formatLocal, formatTimeOfDay, formatter, resolveLocale, textDirection, uses12HourClock, weekendDays, zoneShortName, type Weekday } from '../shared/locale.ts';
import { calendarStyles } from './calendar.styles.ts';
import { DAY_MS, dateOf, dayOf, isCalendarView, rangeInstants, stepAnchor, viewRange, type CalendarView, type ViewRange } from './calendar-range.ts';
import type { GridColumn } from './time-grid-layout.ts';
import { columnLabel, renderTimeGrid } from './time-grid-view.ts';
import { renderMonth } from './month-view.ts';
import { renderAgenda } from './agenda-view.ts';
import { renderDaySheets } from './day-sheet.ts';
import { occurrenceKey, type CalendarCursor, type DragPreview, type SecondZone, type ViewContext } from './view-context.ts';
import type { EditorSaveDetail, P2PEventEditor } from './event-editor.ts';
import { birthdaysIn, indexBirthdays, isBirthday, type BirthdayIndex } from './birthdays.ts';
import type { EventImportSummary } from './calendar-files.ts';
import { MessagesController } from '../shared/messages-controller.ts';
import { errorText, importReasonText } from '../shared/core-reasons.ts';
import type { ImportIssue } from '../../core/interop/import-report.ts';

export interface EventSelectDetail {
  eventId: string;
  recurrenceId: string;
  start: number;
  end: number;
}
export interface ViewChangeDetail {
  view: CalendarView;
  date: string;
  start: string;
  end: string;
}
export interface RequestCreateDetail {
  fields: EventFields;
}
export interface RequestChangeDetail {
  eventId: string;
  recurrenceId: string;
  patch: Partial<EventFields>;
  scope: RecurrenceScope;
}
export interface ContactOpenDetail {
  contactId: string;
}
export interface RequestImportDetail {
  fileName: string;
}
export interface RequestDeleteDetail {
  eventId: string;
  recurrenceId: string;
  scope: RecurrenceScope;
}

declare module '../shared/p2p-event.ts' {
  interface P2PEventMap {
    'p2p-event-select': CustomEvent<EventSelectDetail>;
    'p2p-view-change': CustomEvent<ViewChangeDetail>;
    'p2p-request-create': CustomEvent<RequestCreateDetail>;
    'p2p-request-change': CustomEvent<RequestChangeDetail>;
    'p2p-request-delete': CustomEvent<RequestDeleteDetail>;
    'p2p-contact-open': CustomEvent<ContactOpenDetail>;
    'p2p-request-import': CustomEvent<RequestImportDetail>;
  }
}
declare global {
  interface GlobalEventHandlersEventMap {
    'p2p-event-select': CustomEvent<EventSelectDetail>;
    'p2p-view-change': CustomEvent<ViewChangeDetail>;
    'p2p-request-create': CustomEvent<RequestCreateDetail>;
    'p2p-request-change': CustomEvent<RequestChangeDetail>;
    'p2p-request-delete': CustomEvent<RequestDeleteDetail>;
    'p2p-contact-open': CustomEvent<ContactOpenDetail>;
    'p2p-request-import': CustomEvent<RequestImportDetail>;
  }
}

const MINUTE_MS = 60_000;
const SLOT_CHOICES = [5, 10, 15, 20, 30, 60];
const DEFAULT_SLOT_MINUTES = 15;
/** An event created by a click or Enter, before the person sets its times. */
const NEW_EVENT_MINUTES = 30;
/** Where a time grid opens scrolled to when now is not in view: the start of a clinic's day. */
const MORNING_MINUTE = 7 * 60;
/** A pointer that moves less than this is a click, not a drag. */
const DRAG_THRESHOLD_PX = 4;
/** The lower edge of an event that resizes it, as calendar.styles.ts draws it. */
const RESIZE_EDGE_PX = 6;
/** An all-day event dragged into the hours becomes an event of this length. */
const FROM_ALL_DAY_MINUTES = 60;
/** Month cells: a day number line, then event lines of this height (see calendar.styles.ts). */
const MONTH_DATE_PX = 26;
const MONTH_LINE_PX = 22;
const VIEW_MESSAGE: Record<CalendarView, MessageKey> = {
  day: 'calendar.view.day',
  'work-week': 'calendar.view.workWeek',
  week: 'calendar.view.week',
  month: 'calendar.view.month',
  agenda: 'calendar.view.agenda',
  'resource-day': 'calendar.view.resources',
};

/** What the calendar needs of the org's resources store, which older sessions may not have. */
interface ResourceList extends Subscribable {
  list(): Resource[];
}

interface PointerDrag {
  /** `move-day`: an event dragged across a month's days; `move-all-day`: an all-day bar of a time grid. */
  mode: 'create' | 'move' | 'resize' | 'move-day' | 'move-all-day';
  pointerId: number;
  /** The dragged occurrence's index, for move and resize. */
  index: number;
  x: number;
  y: number;
  column: number;
  minute: number;
  moved: boolean;
}

interface ScopeQuestion {
  kind: 'change' | 'delete';
  resolve: (scope: RecurrenceScope | undefined) => void;
}

interface EditorState {
  occurrence: Occurrence | undefined;
  fields: EventFields;
}

/**
 * The calendar a clinic's front desk looks at all day: day, work week, week, month, agenda and a resource day
 * view (one column per practitioner, room or piece of equipment), over an org's events on this device.
 *
 * Give it an open org with the `session` property, or nothing: it then opens this device's current org (or the
 * one named by `org`) itself. Events show in the view's zone (`time-zone`, default this device's) and keep their
 * own. Every write goes through a cancelable `p2p-request-*` event first, so that a host can veto it; a repeating
 * event asks whether a change applies to this occurrence, this and the following ones, or all.
 *
 * Keyboard (the views are ARIA grids with one tab stop): arrow keys move between slots or days (Left/Right follow
 * the reading direction); Home/End go to the first/last column of the row; Page Up/Page Down go to the previous/next
 * period; Enter on an empty slot creates an event there, on a slot with events moves into them; on an event, Enter
 * opens it, Alt+arrows move it (a slot or a day), Shift+Up/Down make it shorter/longer, Alt+A moves it into a time
 * grid's all-day row or out of it (an hour at the focused slot), Delete removes it and Escape goes back to the grid.
 * Mouse: click or drag across empty slots to create, drag an event to move it (in a month, to another day; in a time
 * grid, also between the all-day row and the hours), drag its lower edge to resize. A repeating event keeps being
 * all-day or timed: only one-off events cross between the two.
 *
 * With `secondary-time-zone`, day and week views show a second zone's time beside each hour, for the focused day.
 *
 * @tagname p2p-calendar
 * @summary A calendar of the org's events: day, week, month, agenda and resource views.
 * @fires {CustomEvent<EventSelectDetail>} p2p-event-select - An event was chosen (click or Enter); `detail`: `{ eventId, recurrenceId, start, end }` (instants in ms).
 * @fires {CustomEvent<ViewChangeDetail>} p2p-view-change - The view or its dates changed; `detail`: `{ view, date, start, end }` (`start`/`end` as `YYYY-MM-DD`, end exclusive).
 * @fires {CustomEvent<RequestCreateDetail>} p2p-request-create - Cancelable, before an event is created; `detail`: `{ fields }`.
 * @fires {CustomEvent<RequestChangeDetail>} p2p-request-change - Cancelable, before an event or occurrence changes; `detail`: `{ eventId, recurrenceId, patch, scope }`.
 * @fires {CustomEvent<ContactOpenDetail>} p2p-contact-open - A contact's birthday was chosen (click or Enter): the host shows that contact; `detail`: `{ contactId }`.
 * @fires {CustomEvent<RequestImportDetail>} p2p-request-import - Cancelable, before the events of an iCalendar file are imported; `detail`: `{ fileName }`.
 * @fires {CustomEvent<RequestDeleteDetail>} p2p-request-delete - Cancelable, before an event or occurrence is removed; `detail`: `{ eventId, recurrenceId, scope }`.
 * @csspart toolbar - The row of navigation and view buttons.
 * @csspart title - The heading naming the dates shown.
 * @csspart legend - The list of resources and their colours.
 * @csspart view - The area holding the current view.
 * @csspart column-header - A day's or resource's heading (plus `today`).
 * @csspart day - A month cell (plus `today`, `outside` for days of other months).
 * @csspart event - An event (plus its status `booked`, `arrived`, `no-show` or `cancelled`, and `all-day`, `conflict`, `birthday`).
 * @csspart more - A month cell's `+N more`, and an all-day column's, which unfolds the all-day row.
 * @csspart all-day-fold - "Show fewer", folding the all-day row back to its first lines.
 * @csspart now - The current-time line.
 * @csspart agenda-day - A day heading in the agenda.
 * @csspart empty - The message of an empty agenda.
 * @csspart status - The message shown while opening or when the org cannot be opened.
 * @csspart files - The import and export buttons.
 * @csspart import-summary - What an import did: imported, already in the calendar, refused and why.
 * @cssproperty --p2p-calendar-hour-height - The height of an hour in time grids (default `3rem`).
 * @cssproperty --p2p-calendar-height - The element's height when its container does not set one (default `40rem`).
 * @cssproperty --p2p-color-accent - The accent colour; see shared/tokens.styles.ts for every `--p2p-*` token.
 */
export class P2PCalendar extends LitElement {
  static override styles = calendarStyles;

  static override properties = {
    org: { type: String },
    view: { type: String, reflect: true },
    date: { type: String, reflect: true },
    locale: { type: String },
    timeZone: { type: String, attribute: 'time-zone' },
    secondaryTimeZone: { type: String, attribute: 'secondary-time-zone' },
    firstDay: { type: Number, attribute: 'first-day' },
    slotMinutes: { type: Number, attribute: 'slot-minutes' },
    readonly: { type: Boolean, reflect: true },
    birthdays: { type: Boolean },
    workerUrl: { type: String, attribute: 'worker-url' },
    theme: { type: String, reflect: true },
    session: { attribute: false },
    _opened: { state: true },
    _error: { state: true },
    _cursor: { state: true },
    _drag: { state: true },
    _editor: { state: true },
    _scope: { state: true },
    _import: { state: true },
    _dropping: { state: true },
    _announcement: { state: true },
    _monthLines: { state: true },
    _allDayExpanded: { state: true },
    _now: { state: true },
  };

  /** The id of the org to open when no `session` is given; this device's current org by default. */
  declare org: string;
  /** `day`, `work-week`, `week`, `month`, `agenda` or `resource-day`. */
  declare view: CalendarView;
  /** The date shown (`YYYY-MM-DD`); today in the view's zone when empty. */
  declare date: string;
  /** A BCP 47 locale for dates and strings; the browser's by default. */
  declare locale: string;
  /** The IANA zone times are shown in; this device's by default. */
  declare timeZone: string;
  /** A second IANA zone whose times day and week views show beside the hours (a colleague's, a patient's abroad). */
  declare secondaryTimeZone: string;
  /** The week's first day, 0 (Sunday) to 6 (Saturday); the locale's by default. */
  declare firstDay: number | undefined;
  /** The grid's step in minutes, which creating, moving and resizing snap to: 5, 10, 15, 20, 30 or 60. */
  declare slotMinutes: number;
  /** Shows events without letting anyone change them. */
  declare readonly: boolean;
  /**
   * Shows the org's contacts' birthdays as all-day items that open the contact (`p2p-contact-open`). Off by default:
   * a practice with thousands of patients would see dozens each day.
   */
  declare birthdays: boolean;
  /** The deployment's Worker: with it, a standalone calendar on a synced org syncs with the org's other devices. */
  declare workerUrl: string;
  /** `light` or `dark` to force a scheme; follows the page's `prefers-color-scheme` otherwise. */
  declare theme: string;
  /** An org opened by the host app (`openOrg`); the calendar then opens nothing itself and never closes it. */
  declare session: OrgSession | undefined;
  declare _opened: OrgSession | undefined;
  declare _error: string;
  declare _cursor: CalendarCursor;
  declare _drag: DragPreview | undefined;
  declare _editor: EditorState | undefined;
  declare _scope: ScopeQuestion | undefined;
  declare _import: EventImportSummary | undefined;
  declare _dropping: boolean;
  declare _announcement: string;
  declare _monthLines: number;
  /** The all-day row shows every bar, not only its first lines: until folded again, across views and dates. */
  declare _allDayExpanded: boolean;
  declare _now: number;

  /** Bumped on every store change: the occurrences of the range are queried again, once. */
  #version = 0;
  readonly #events = new StoreController(this, () => this.#version++);
  readonly #resources = new StoreController(this, () => this.#version++);
  readonly #contacts = new StoreController(this, () => {
    this.#version++;
    this.#birthdayIndex = undefined;
  });
  #birthdayIndex: BirthdayIndex | undefined;
  #rangeData: { key: string; occurrences: Occurrence[]; conflicts: ReadonlySet<string> } | undefined;
  #context: ViewContext | undefined;
  #pointer: PointerDrag | undefined;
  #focusAfterRender: 'cell' | { eventKey: string } | undefined;
  #scrolledFor = '';
  #clock: ReturnType<typeof setInterval> | undefined;
  #monthObserver: ResizeObserver | undefined;
  #standalone: { session: OrgSession; sync: OrgSync | undefined } | undefined;
  #opening = false;

  constructor() {
    super();
    new MessagesController(this);
    this.org = '';
    this.view = 'week';
    this.date = '';
    this.locale = '';
    this.timeZone = '';
    this.secondaryTimeZone = '';
    this.slotMinutes = DEFAULT_SLOT_MINUTES;
    this.readonly = false;
    this.birthdays = false;
    this.workerUrl = '';
    this.theme = '';
    this._error = '';
    this._cursor = { day: 0, slot: 0, column: 0 };
    this._announcement = '';
    this._dropping = false;
    this._monthLines = 4;
    this._allDayExpanded = false;
    this._now = Date.now();
  }

  // ————— Settings resolved from attributes and the locale —————

  get #session(): OrgSession | undefined {
    return this.session ?? this._opened;
  }
  get #locale(): string {
    return resolveLocale(this.locale);
  }
  get #zone(): string {
    return this.timeZone && isValidTimeZone(this.timeZone) ? this.timeZone : deviceTimeZone();
  }
  get #view(): CalendarView {
    return isCalendarView(this.view) ? this.view : 'week';
  }
  get #slot(): number {
    return SLOT_CHOICES.includes(this.slotMinutes) ? this.slotMinutes : DEFAULT_SLOT_MINUTES;
  }
  get #firstDay(): Weekday {
    const given = Number(this.firstDay);
    return this.firstDay !== undefined && this.firstDay !== null && Number.isInteger(given) && given >= 0 && given <= 7 ? ((given % 7) as Weekday) : firstDayOfWeek(this.#locale);
  }
  get #today(): number {
    return Math.floor(instantToWallClock(this._now, this.#zone) / DAY_MS);
  }
  get #anchor(): number {
    return dayOf(this.date) ?? this.#today;
  }
  get #rtl(): boolean {
    const dir = this.closest('[dir]')?.getAttribute('dir');
    return dir ? dir === 'rtl' : textDirection(this.#locale) === 'rtl';
  }
  get #resourceList(): Resource[] {
    return (this.#session as { resources?: ResourceList } | undefined)?.resources?.list() ?? [];
  }
  get #writable(): boolean {
    const session = this.#session;
    return !this.readonly && !!session && !session.readOnly;
  }

  #t = (key: MessageKey, params?: Record<string, string | number>) => message(this.#locale, key, params);

  // ————— Lifecycle —————

  override connectedCallback(): void {
    super.connectedCallback();
    this.#clock = setInterval(() => (this._now = Date.now()), MINUTE_MS);
    if (!this.session) void this.#openStandalone();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    this.#monthObserver?.disconnect();
    this.#monthObserver = undefined;
    void this.#closeStandalone();
  }

  /** Opens this device's org for a calendar placed in a page on its own. */
  async #openStandalone(): Promise<void> {
    if (this.#opening || this.#standalone) return;
    this.#opening = true;
    try {
      const registry = await OrgRegistry.open();
      const org = (this.org && registry.get(this.org)) || registry.current();
      const session = await openOrg(org.id);
      let sync: OrgSync | undefined;
      if (this.workerUrl && org.roomId) {
        const orgKey = await loadOrgKey(org.id);
        // Loaded here: a page that hands the calendar its session never downloads sync.
        const { OrgSync } = await import('../../core/sync/org-sync.ts');
        if (orgKey) sync = await OrgSync.start({ orgId: org.id, roomId: org.roomId, doc: session.doc, orgKey, workerUrl: this.workerUrl });
      }
      registry.close();
      if (!this.isConnected || this.session) {
        await sync?.stop();
        await session.close();
        return;
      }
      this.#standalone = { session, sync };
      this._opened = session;
    } catch (error) {
      this._error = this.#t('calendar.openFailed', { reason: errorText(this.#locale, error) });
    } finally {
      this.#opening = false;
    }
  }

  async #closeStandalone(): Promise<void> {
    const standalone = this.#standalone;
    this.#standalone = undefined;
    this._opened = undefined;
    if (!standalone) return;
    await standalone.sync?.stop();
    await standalone.session.close();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session') && this.session && this.#standalone) void this.#closeStandalone();
    const session = this.#session;
    this.#events.store = session?.events;
    this.#resources.store = (session as { resources?: ResourceList } | undefined)?.resources;
    if (changed.has('session') || changed.has('birthdays')) this.#birthdayIndex = undefined;
    this.#contacts.store = this.birthdays ? session?.contacts : undefined;
    if (!session) return;
    let context = this.#buildContext(session);
    const { range } = context;
    // The cursor follows the dates shown: kept when still in view, else on the date chosen.
    if (this._cursor.day < range.start || this._cursor.day >= range.end || !range.days.includes(this._cursor.day)) {
      this._cursor = { ...this._cursor, day: range.days.includes(this.#anchor) ? this.#anchor : range.days[0]! };
      context = { ...context, cursor: this._cursor };
    }
    if (this.#context && (changed.has('view') || changed.has('date'))) this.#announceRange(context.range, changed.has('view'));
    this.#context = context;
  }

  #buildContext(session: OrgSession): ViewContext {
    const locale = this.#locale;
    const zone = this.#zone;
    const view = this.#view;
    const range = viewRange(view, this.#anchor, { firstDay: this.#firstDay, weekend: weekendDays(locale) });
    const resources = this.#resourceList;
    const columns: GridColumn[] =
      view === 'resource-day' ? [...resources.map((resource) => ({ day: range.start, resourceId: resource.id })), { day: range.start, resourceId: '' }] : range.days.map((day) => ({ day }));
    const key = `${range.start}:${range.end}:${zone}:${this.#version}:${this.birthdays}:${locale}`;
    if (this.#rangeData?.key !== key) {
      const [start, end] = rangeInstants(range, zone);
      // One query for the whole range: views never ask per day or per cell.
      let occurrences: Occurrence[] = session.events.occurrences(start, end, zone);
      if (this.birthdays) {
        this.#birthdayIndex ??= indexBirthdays(session.contacts.list());
        occurrences = [...occurrences, ...birthdaysIn(this.#birthdayIndex, range.start, range.end, zone, (name) => this.#t('calendar.birthday', { name }))];
      }
      const withConflicts = session.events as { conflictingIn?: (start: number, end: number, zone: string) => Set<string> };
      const conflicts = resources.length && withConflicts.conflictingIn ? withConflicts.conflictingIn(start, end, zone) : new Set<string>();
      this.#rangeData = { key, occurrences, conflicts };
    }
    const hour12 = uses12HourClock(locale);
    // The focused day, or the date chosen while the cursor has yet to follow it into the range (willUpdate).
    const focusedDay = range.days.includes(this._cursor.day) ? this._cursor.day : this.#anchor;
    const focusedNoon = wallClockToInstant(focusedDay * DAY_MS + 12 * 3_600_000, zone);
    const nowLocal = instantToWallClock(this._now, zone);
    return {
      locale,
      zone,
      hour12,
      slotMinutes: this.#slot,
      readonly: !this.#writable,
      range,
      columns,
      resources,
      occurrences: this.#rangeData.occurrences,
      conflicts: this.#rangeData.conflicts,
      cursor: this._cursor,
      today: this.#today,
      nowMinute: (nowLocal - Math.floor(nowLocal / DAY_MS) * DAY_MS) / MINUTE_MS,
      secondZone: view === 'month' || view === 'agenda' ? undefined : this.#secondZone(zone, locale, hour12, focusedNoon),
      zoneName: zoneShortName(zone, locale, focusedNoon),
      monthLines: this._monthLines,
      allDayExpanded: this._allDayExpanded,
      drag: this._drag,
      t: this.#t,
    };
  }

  /** The `secondary-time-zone`'s time at each hour of the focused day in the view's zone; none when unset or unknown. */
  #secondZone(zone: string, locale: string, hour12: boolean | undefined, focusedNoon: number): SecondZone | undefined {
    const second = this.secondaryTimeZone;
    if (!second || !isValidTimeZone(second) || second === zone) return undefined;
    const day = Math.floor(instantToWallClock(focusedNoon, zone) / DAY_MS) * DAY_MS;
    const hours = Array.from({ length: 24 }, (_, hour) => {
      const local = instantToWallClock(wallClockToInstant(day + hour * 3_600_000, zone), second);
      return formatTimeOfDay(local - Math.floor(local / DAY_MS) * DAY_MS, locale, hour12);
    });
    return { zone: second, name: zoneShortName(second, locale, focusedNoon), hours };
  }

  protected override updated(): void {
    this.#scrollToMorning();
    this.#observeMonth();
    const focus = this.#focusAfterRender;
    this.#focusAfterRender = undefined;
    if (focus === 'cell') this.#focusCursorCell();
    else if (focus) (this.#eventElement(focus.eventKey) ?? this.#cursorCell())?.focus();
  }

  // ————— Rendering —————

  protected override render() {
    const locale = this.#locale;
    if (!this.#session) {
      return html`<div class="opening" part="status" role=${this._error ? 'alert' : 'status'}>${this._error || this.#t('calendar.loading')}</div>`;
    }
    const context = this.#context!;
    const view = this.#view;
    return html`
      <div
        class="calendar ${this._dropping ? 'dropping' : ''}"
        dir=${this.#rtl ? 'rtl' : 'ltr'}
        lang=${locale}
        @dragover=${this.#onDragOver}
        @dragleave=${this.#onDragLeave}
        @drop=${this.#onDrop}
      >
        <header class="toolbar" part="toolbar">
          <div class="p2p-button-group">
            <button class="p2p-button icon" type="button" data-nav="-1" aria-label=${this.#t('calendar.previous')} @click=${() => this.#step(-1)}>
              <span class="chevron prev" aria-hidden="true"></span>
            </button>
            <button class="p2p-button" type="button" @click=${this.#goToday}>${this.#t('calendar.today')}</button>
            <button class="p2p-button icon" type="button" data-nav="1" aria-label=${this.#t('calendar.next')} @click=${() => this.#step(1)}>
              <span class="chevron next" aria-hidden="true"></span>
            </button>
          </div>
          <h2 class="title" part="title" id="title">${this.#rangeTitle(context.range)}</h2>
          <label class="picker">
            <span class="visually-hidden">${this.#t('calendar.pickDate')}</span>
            <input type="date" .value=${dateOf(this.#anchor)} @change=${this.#pickDate} />
          </label>
          <div class="p2p-button-group views" role="group" aria-label=${this.#t('calendar.views')}>
            ${(['day', 'work-week', 'week', 'month', 'agenda', 'resource-day'] as const).map(
              (candidate) =>
                html`<button class="p2p-button" type="button" data-view=${candidate} aria-pressed=${candidate === view ? 'true' : 'false'} @click=${() => this.#setView(candidate)}>
                  ${this.#t(VIEW_MESSAGE[candidate])}
                </button>`,
            )}
          </div>
          <details class="files" part="files">
            <summary class="p2p-button">${this.#t('calendar.files')}</summary>
            <div class="files-menu" @click=${this.#onFilesMenuClick}>
              ${this.#writable
                ? html`<button class="p2p-button" type="button" data-action="import" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#ics-file')!.click()}>
                      ${this.#t('calendar.import')}
                    </button>
                    <input id="ics-file" type="file" accept=".ics,text/calendar" hidden @change=${this.#onPickFile} />`
                : nothing}
              <button class="p2p-button" type="button" data-action="export-range" @click=${() => this.#export('range')}>${this.#t('calendar.exportRange')}</button>
              <button class="p2p-button" type="button" data-action="export-all" @click=${() => this.#export('all')}>${this.#t('calendar.exportAll')}</button>
            </div>
          </details>
        </header>
        ${this.#renderLegend(context)}
        <div
          class="view view-${view}"
          part="view"
          @keydown=${this.#onKeyDown}
          @focusin=${this.#onFocusIn}
          @click=${this.#onClick}
          @pointerdown=${this.#onPointerDown}
          @pointermove=${this.#onPointerMove}
          @pointerup=${this.#onPointerUp}
          @pointercancel=${this.#onPointerCancel}
        >
          ${view === 'month' ? renderMonth(context) : view === 'agenda' ? renderAgenda(context) : renderTimeGrid(context)}
        </div>
        <p class="zone-note">${context.secondZone ? this.#t('calendar.timeZones', { zone: context.zone, second: context.secondZone.zone }) : this.#t('calendar.timeZone', { zone: context.zone })}${context.readonly ? html` · ${this.#t('calendar.readonly')}` : nothing}</p>
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this._announcement}</div>
        <p class="visually-hidden" id="shortcuts">${this.#t('calendar.shortcuts')}</p>
        ${view === 'day' || view === 'resource-day' ? renderDaySheets(context, this.#session.contacts) : nothing}
        ${this._dropping ? html`<div class="drop-hint" aria-hidden="true">${this.#t('calendar.dropToImport')}</div>` : nothing}
      </div>
      <p2p-event-editor
        .locale=${locale}
        .readonly=${!this.#writable}
        .heading=${this._editor?.occurrence ? this.#t('editor.editTitle') : this.#t('editor.newTitle')}
        .fields=${this._editor?.fields}
        .canDelete=${!!this._editor?.occurrence}
        .contacts=${this.#session.contacts}
        .resources=${context.resources}
        @p2p-editor-save=${this.#onEditorSave}
        @p2p-editor-delete=${this.#onEditorDelete}
        @p2p-editor-close=${() => (this._editor = undefined)}
      ></p2p-event-editor>
      <p2p-dialog
        .locale=${locale}
        label=${this._scope?.kind === 'delete' ? this.#t('scope.deleteTitle') : this.#t('scope.title')}
        ?open=${!!this._scope}
        @p2p-dialog-close=${() => this.#answerScope(undefined)}
      >
        <div class="scope-choices">
          ${(['this', 'following', 'all'] as const).map(
            (scope, index) =>
              html`<button class="p2p-button" type="button" data-scope=${scope} ?autofocus=${index === 0} @click=${() => this.#answerScope(scope)}>
                ${this.#t(`scope.${scope}`)}
              </button>`,
          )}
        </div>
        <button slot="footer" class="p2p-button" type="button" @click=${() => this.#answerScope(undefined)}>${this.#t('editor.cancel')}</button>
      </p2p-dialog>
      ${this.#renderImportSummary()}
    `;
  }

  #renderImportSummary() {
    const summary = this._import;
    const close = () => (this._import = undefined);
    const describe = (issue: ImportIssue) => {
      const reason = importReasonText(this.#locale, issue);
      const item = issue.summary ?? (issue.index === undefined ? undefined : this.#t('calendar.importItem', { index: issue.index + 1 }));
      return item === undefined ? reason : this.#t('calendar.importIssue', { item, reason });
    };
    return html`<p2p-dialog .locale=${this.#locale} label=${summary ? this.#t('calendar.importTitle', { file: summary.fileName }) : ''} ?open=${!!summary} @p2p-dialog-close=${close}>
      ${summary
        ? html`<div class="import-summary" part="import-summary">
            <p role="status">${this.#t('calendar.importSummary', { imported: summary.imported, merged: summary.merged.length, rejected: summary.errors.length })}</p>
            ${summary.merged.length
              ? html`<h3>${this.#t('calendar.importMerged')}</h3>
                  <ul data-list="merged">${summary.merged.map((title) => html`<li>${title}</li>`)}</ul>`
              : nothing}
            ${summary.errors.length
              ? html`<h3>${this.#t('calendar.importRefused')}</h3>
                  <ul data-list="refused">${summary.errors.map((issue) => html`<li>${describe(issue)}</li>`)}</ul>`
              : nothing}
            ${summary.warnings.length
              ? html`<h3>${this.#t('calendar.importWithout')}</h3>
                  <ul data-list="without">${summary.warnings.map((issue) => html`<li>${describe(issue)}</li>`)}</ul>`
              : nothing}
          </div>`
        : nothing}
      <button slot="footer" class="p2p-button primary" type="button" @click=${close}>${this.#t('dialog.close')}</button>
    </p2p-dialog>`;
  }

  #renderLegend(context: ViewContext) {
    if (!context.resources.length) return nothing;
    return html`<ul class="legend" part="legend" aria-label=${this.#t('calendar.legend')}>
      ${context.resources.map((resource) => html`<li><span class="swatch" style="--swatch:${resource.color}" aria-hidden="true"></span>${resource.name}</li>`)}
    </ul>`;
  }

  #rangeTitle(range: ViewRange): string {
    const locale = this.#locale;
    const first = range.start * DAY_MS;
    const last = (range.end - 1) * DAY_MS;
    if (range.view === 'month') return formatLocal((range.monthStart ?? range.start) * DAY_MS, locale, { month: 'long', year: 'numeric' });
    if (range.start === range.end - 1) return formatLocal(first, locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    return formatter(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).formatRange(first, last);
  }

  // ————— Navigation —————

  /** Shows another view or date, and tells the page (once) if anything changed. */
  #navigate({ view = this.#view, day = this.#anchor }: { view?: CalendarView; day?: number }): void {
    const date = dateOf(day);
    if (view === this.#view && date === dateOf(this.#anchor)) return;
    this.view = view;
    this.date = date;
    this.#emitViewChange(view, day);
  }

  #setView(view: CalendarView): void {
    this.#navigate({ view });
  }

  #setDate(day: number): void {
    this.#navigate({ day });
  }

  #step(direction: 1 | -1): void {
    const next = stepAnchor(this.#view, this.#anchor, direction);
    this._cursor = { ...this._cursor, day: this._cursor.day + (next - this.#anchor) };
    this.#setDate(next);
  }

  #goToday(): void {
    this.#setDate(this.#today);
  }

  #pickDate(event: Event): void {
    const day = dayOf((event.target as HTMLInputElement).value);
    if (day !== undefined) this.#setDate(day);
  }

  #emitViewChange(view: CalendarView, day: number): void {
    const range = viewRange(view, day, { firstDay: this.#firstDay, weekend: weekendDays(this.#locale) });
    emit(this, 'p2p-view-change', { view, date: dateOf(day), start: dateOf(range.start), end: dateOf(range.end) });
  }

  #announceRange(range: ViewRange, viewChanged: boolean): void {
    const title = this.#rangeTitle(range);
    this._announcement = viewChanged ? this.#t('calendar.showing', { view: this.#t(VIEW_MESSAGE[range.view]), range: title }) : title;
  }

  /**
   * A time grid opens on the morning, or an hour before now when now is in view and past it, once per view and date.
   * Rendered while hidden (`content-visibility: hidden`, as the app keeps the views it is not showing, and renders
   * ahead), it scrolls when the page is next idle: scrolling lays the grid out, and doing it then, in a task of its
   * own, leaves nothing but painting to do when it is shown.
   */
  #scrollToMorning(): void {
    const key = `${this.#view}:${this.#context?.range.start}`;
    const body = this.renderRoot.querySelector<HTMLElement>('.timegrid');
    const context = this.#context;
    if (!body || this.#scrolledFor === key || !context) return;
    this.#scrolledFor = key;
    if (body.checkVisibility({ visibilityProperty: true })) this.#scrollGrid(body, context);
    else {
      whenIdle(() => {
        // Shown and scrolled by hand meanwhile: where the person scrolled to stays.
        if (this.#scrolledFor === key && body.isConnected && body.scrollTop === 0) this.#scrollGrid(body, context);
      });
    }
  }

  #scrollGrid(body: HTMLElement, context: ViewContext): void {
    const inView = context.columns.some((column) => column.day === context.today);
    // In the night the empty small hours are of no use: the morning is what the clinic will want to see.
    const minute = inView ? Math.max(MORNING_MINUTE, context.nowMinute - 60) : MORNING_MINUTE;
    const grid = body.querySelector<HTMLElement>('.tg-body')!;
    body.scrollTop = (grid.offsetTop - (body.querySelector<HTMLElement>('.tg-head')?.offsetHeight ?? 0)) + (grid.offsetHeight * minute) / 1440;
  }

  /** Month cells keep their size: the lines of events they hold follow the element's height. */
  #observeMonth(): void {
    const month = this.renderRoot.querySelector<HTMLElement>('.month');
    if (!month) {
      this.#monthObserver?.disconnect();
      this.#monthObserver = undefined;
      return;
    }
    if (this.#monthObserver) return;
    this.#monthObserver = new ResizeObserver(() => {
      const week = this.renderRoot.querySelector<HTMLElement>('.mo-week');
      if (!week) return;
      const lines = Math.max(1, Math.floor((week.clientHeight - MONTH_DATE_PX) / MONTH_LINE_PX));
      if (lines !== this._monthLines) this._monthLines = lines;
    });
    this.#monthObserver.observe(month);
  }

  // ————— Keyboard —————

  #cursorCell(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[role="gridcell"][tabindex="0"]');
  }

  #focusCursorCell(): void {
    this.#cursorCell()?.focus();
  }

  #eventElement(eventKey: string): HTMLElement | null {
    const index = this.#context?.occurrences.findIndex((occurrence) => occurrenceKey(occurrence) === eventKey) ?? -1;
    return index < 0 ? null : this.renderRoot.querySelector<HTMLElement>(`[data-occ="${index}"]`);
  }

  #moveCursor(cursor: Partial<CalendarCursor>): void {
    this._cursor = { ...this._cursor, ...cursor };
    const range = this.#context!.range;
    const day = this._cursor.day;
    // Leaving the range moves the view along, as paging does.
    if (day < range.start || day >= range.end || (range.view === 'work-week' && !range.days.includes(day))) this.#setDate(day);
    this.#focusAfterRender = 'cell';
  }

  /** The cursor follows focus, however it got there (a click, a screen reader's own navigation). */
  #onFocusIn(event: FocusEvent): void {
    const cell = (event.composedPath()[0] as HTMLElement).closest<HTMLElement>('[role="gridcell"]');
    if (!cell) return;
    const day = dayOf(cell.dataset.date ?? '');
    if (day === undefined) return;
    // A time grid's cell is an hour: the cursor keeps its slot when it is in that hour, else goes to the hour's start.
    const hour = cell.dataset.hour === undefined ? undefined : Number(cell.dataset.hour);
    const slotMinutes = this.#slot;
    const slot = hour === undefined || Math.floor((this._cursor.slot * slotMinutes) / 60) === hour ? this._cursor.slot : (hour * 60) / slotMinutes;
    const cursor = { day, slot, column: cell.dataset.column === undefined ? this._cursor.column : Number(cell.dataset.column) };
    if (cursor.day !== this._cursor.day || cursor.slot !== this._cursor.slot || cursor.column !== this._cursor.column) this._cursor = cursor;
  }

  #onKeyDown(event: KeyboardEvent): void {
    const target = event.composedPath()[0] as HTMLElement;
    const occurrenceElement = target.closest<HTMLElement>('[data-occ]');
    if (occurrenceElement && this.#onEventKey(event, occurrenceElement)) {
      event.preventDefault();
      return;
    }
    const cell = target.closest<HTMLElement>('[role="gridcell"]');
    if (cell && target === cell && this.#onCellKey(event, cell)) event.preventDefault();
    if (!cell && target.closest('[data-grid="agenda"]') && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      const buttons = [...this.renderRoot.querySelectorAll<HTMLElement>('.ag-event')];
      const next = buttons[buttons.indexOf(target) + (event.key === 'ArrowDown' ? 1 : -1)];
      if (next) {
        next.scrollIntoView({ block: 'nearest' });
        next.focus();
        event.preventDefault();
      }
    }
  }

  /** Arrow keys in reading order: Left means "before" in left-to-right layouts and "after" in right-to-left ones. */
  #horizontal(key: string): -1 | 1 | 0 {
    if (key !== 'ArrowLeft' && key !== 'ArrowRight') return 0;
    return (key === 'ArrowRight') !== this.#rtl ? 1 : -1;
  }

  #onCellKey(event: KeyboardEvent, cell: HTMLElement): boolean {
    const context = this.#context!;
    const view = context.range.view;
    const cursor = this._cursor;
    const horizontal = this.#horizontal(event.key);
    const slots = Math.ceil(1440 / context.slotMinutes);
    if (event.key === 'PageUp' || event.key === 'PageDown') {
      this.#step(event.key === 'PageUp' ? -1 : 1);
      this.#focusAfterRender = 'cell';
      return true;
    }
    if (event.key === 'Enter' || event.key === ' ') {
      const first = cell.querySelector<HTMLElement>('[data-occ], [data-more]');
      if (first) {
        first.focus();
        return true;
      }
      if (view === 'month') this.#openNew(Number(cell.dataset.day), 9 * 60, NEW_EVENT_MINUTES, undefined);
      else {
        const column = Number(cell.dataset.column);
        this.#openNew(context.columns[column]!.day, cursor.slot * context.slotMinutes, Math.max(NEW_EVENT_MINUTES, context.slotMinutes), context.columns[column]!.resourceId);
      }
      return true;
    }
    if (view === 'month') {
      const weekStart = context.range.start + Math.floor((cursor.day - context.range.start) / 7) * 7;
      if (horizontal) this.#moveCursor({ day: cursor.day + horizontal });
      else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') this.#moveCursor({ day: cursor.day + (event.key === 'ArrowUp' ? -7 : 7) });
      else if (event.key === 'Home') this.#moveCursor({ day: weekStart });
      else if (event.key === 'End') this.#moveCursor({ day: weekStart + 6 });
      else return false;
      return true;
    }
    const columnIndex = Number(cell.dataset.column);
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      const slot = Math.min(slots - 1, Math.max(0, cursor.slot + (event.key === 'ArrowUp' ? -1 : 1)));
      this.#moveCursor({ slot });
      // Within the hour focus stays on the same cell, whose new name a screen reader would not read out.
      const minute = slot * context.slotMinutes;
      if (Math.floor(minute / 60) === Number(cell.dataset.hour)) {
        this._announcement = `${columnLabel(context, columnIndex)}, ${formatTimeOfDay(minute * MINUTE_MS, context.locale, context.hour12)}`;
      }
    } else if (horizontal) {
      if (view === 'resource-day') this.#moveCursor({ column: Math.min(context.columns.length - 1, Math.max(0, columnIndex + horizontal)) });
      else {
        const next = context.columns[columnIndex + horizontal];
        this.#moveCursor({ day: next ? next.day : stepAnchor(view, context.columns[columnIndex]!.day, horizontal) });
      }
    } else if (event.key === 'Home' || event.key === 'End') {
      const home = event.key === 'Home';
      if (event.ctrlKey) this.#moveCursor({ slot: home ? 0 : slots - 1 });
      else if (view === 'resource-day') this.#moveCursor({ column: home ? 0 : context.columns.length - 1 });
      else this.#moveCursor({ day: (home ? context.columns[0] : context.columns.at(-1))!.day });
    } else return false;
    return true;
  }

  #onEventKey(event: KeyboardEvent, element: HTMLElement): boolean {
    const context = this.#context!;
    const occurrence = context.occurrences[Number(element.dataset.occ)];
    if (!occurrence) return false;
    const horizontal = this.#horizontal(event.key);
    const vertical = event.key === 'ArrowUp' ? -1 : event.key === 'ArrowDown' ? 1 : 0;
    const timeGrid = context.range.view !== 'month' && context.range.view !== 'agenda';
    if (event.key === 'Escape') {
      this.#focusCursorCell();
      return true;
    }
    const changeable = this.#writable && !isBirthday(occurrence);
    if (event.key === 'Delete' || event.key === 'Backspace') {
      if (changeable) void this.#requestDelete(occurrence);
      return true;
    }
    if (event.altKey && event.code === 'KeyA' && timeGrid && changeable) {
      // Into the all-day row on the event's first day, or out of it at the focused slot of that day.
      const day = Math.floor(instantToWallClock(occurrence.start, context.zone) / DAY_MS);
      if (!occurrence.event.recurrence) {
        if (occurrence.allDay) {
          const start = Math.min(1440 - FROM_ALL_DAY_MINUTES, this._cursor.slot * context.slotMinutes);
          void this.#setTimed(occurrence, day, start, start + FROM_ALL_DAY_MINUTES);
        } else void this.#setAllDay(occurrence, day);
      }
      return true;
    }
    if (event.altKey && (horizontal || vertical) && changeable) {
      const minutes = occurrence.allDay || !timeGrid ? (horizontal || vertical * 7) * 1440 : horizontal ? horizontal * 1440 : vertical * context.slotMinutes;
      void this.#changeTimes(occurrence, minutes, minutes);
      return true;
    }
    if (event.shiftKey && vertical && changeable) {
      const step = occurrence.allDay || !timeGrid ? 1440 : context.slotMinutes;
      if (occurrence.end + vertical * step * MINUTE_MS > occurrence.start) void this.#changeTimes(occurrence, 0, vertical * step);
      return true;
    }
    if (vertical && !event.altKey && !event.shiftKey && element.parentElement?.getAttribute('role') === 'gridcell') {
      const siblings = [...element.parentElement.querySelectorAll<HTMLElement>('[data-occ], [data-more]')];
      siblings[siblings.indexOf(element) + vertical]?.focus();
      return true;
    }
    return false;
  }

  // ————— Mouse —————

  #onClick(event: MouseEvent): void {
    const target = event.composedPath()[0] as HTMLElement;
    const fold = target.closest<HTMLElement>('[data-all-day]');
    if (fold) {
      this._allDayExpanded = fold.dataset.allDay === 'more';
      // The button pressed is gone: the one that undoes it takes the focus.
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[data-all-day]')?.focus());
      return;
    }
    const more = target.closest<HTMLElement>('[data-more]');
    if (more) {
      this.#navigate({ view: 'day', day: Number(more.dataset.more) });
      return;
    }
    const element = target.closest<HTMLElement>('[data-occ]');
    if (element) {
      const occurrence = this.#context?.occurrences[Number(element.dataset.occ)];
      if (occurrence) this.#select(occurrence);
      return;
    }
    const cell = target.closest<HTMLElement>('.mo-cell');
    if (cell && event.detail > 0 && this.#writable) this.#openNew(Number(cell.dataset.day), 9 * 60, NEW_EVENT_MINUTES, undefined);
  }

  /** Where a pointer is over a time grid: its column and minute of the day (unsnapped). */
  #gridPoint(body: HTMLElement, event: PointerEvent): { column: number; minute: number } {
    const rect = body.getBoundingClientRect();
    const gutter = body.querySelector<HTMLElement>('.tg-time')?.getBoundingClientRect().width ?? 0;
    const columns = this.#context!.columns.length;
    const width = (rect.width - gutter) / columns;
    const x = this.#rtl ? rect.right - gutter - event.clientX : event.clientX - rect.left - gutter;
    return {
      column: Math.min(columns - 1, Math.max(0, Math.floor(x / width))),
      minute: Math.min(1440, Math.max(0, ((event.clientY - rect.top) / rect.height) * 1440)),
    };
  }

  #onPointerDown(event: PointerEvent): void {
    if (event.button !== 0 || !this.#writable) return;
    const target = event.composedPath()[0] as HTMLElement;
    const element = target.closest<HTMLElement>('[data-occ]');
    const pressed = element ? this.#context?.occurrences[Number(element.dataset.occ)] : undefined;
    if (pressed && isBirthday(pressed)) return;
    const day = element && target.closest('.month') ? this.#monthDayAt(event) : undefined;
    if (day !== undefined) {
      this.#pointer = { mode: 'move-day', pointerId: event.pointerId, index: Number(element!.dataset.occ), x: event.clientX, y: event.clientY, column: day, minute: 0, moved: false };
      return;
    }
    if (element && target.closest('.tg-allday')) {
      const column = this.#allDayColumnAt(event) ?? 0;
      this.#pointer = { mode: 'move-all-day', pointerId: event.pointerId, index: Number(element.dataset.occ), x: event.clientX, y: event.clientY, column, minute: 0, moved: false };
      return;
    }
    const body = target.closest<HTMLElement>('.tg-body');
    if (!body) return;
    const point = this.#gridPoint(body, event);
    const mode = element ? (this.#onResizeEdge(element, event) ? 'resize' : 'move') : 'create';
    this.#pointer = { mode, pointerId: event.pointerId, index: element ? Number(element.dataset.occ) : -1, x: event.clientX, y: event.clientY, ...point, moved: false };
  }

  /** Whether a press on an event is on its lower edge, drawn as a resize handle by the stylesheet. */
  #onResizeEdge(element: HTMLElement, event: PointerEvent): boolean {
    if (!element.classList.contains('resizable')) return false;
    const box = element.getBoundingClientRect();
    return event.clientY >= box.bottom - RESIZE_EDGE_PX;
  }

  /** The day of the month cell under a pointer, from the week rows' boxes (an event's element sits in another cell). */
  #monthDayAt(event: PointerEvent): number | undefined {
    for (const week of this.renderRoot.querySelectorAll<HTMLElement>('.mo-week')) {
      const rect = week.getBoundingClientRect();
      if (event.clientY < rect.top || event.clientY >= rect.bottom) continue;
      const x = this.#rtl ? rect.right - event.clientX : event.clientX - rect.left;
      const column = Math.min(6, Math.max(0, Math.floor((x / rect.width) * 7)));
      return Number(week.querySelector<HTMLElement>('[role="gridcell"]')!.dataset.day) + column;
    }
    return undefined;
  }

  #onPointerMove(event: PointerEvent): void {
    const drag = this.#pointer;
    if (!drag || event.pointerId !== drag.pointerId) return;
    if (drag.mode === 'move-day') {
      if (!drag.moved && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD_PX) return;
      if (!drag.moved) this.renderRoot.querySelector<HTMLElement>('.month')?.setPointerCapture(event.pointerId);
      drag.moved = true;
      const day = this.#monthDayAt(event);
      // The preview of a month drag is the day it would land on, marked as a drop target.
      if (day !== undefined && day !== this._drag?.column) this._drag = { index: drag.index, column: day, startMinute: 0, endMinute: 0 };
      return;
    }
    const body = this.renderRoot.querySelector<HTMLElement>('.tg-body');
    if (!body) return;
    if (!drag.moved) {
      if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD_PX) return;
      drag.moved = true;
      (drag.mode === 'move-all-day' ? this.renderRoot.querySelector<HTMLElement>('.timegrid')! : body).setPointerCapture(event.pointerId);
    }
    const allDayColumn = drag.mode === 'move' || drag.mode === 'move-all-day' ? this.#allDayColumnAt(event) : undefined;
    this._drag = allDayColumn === undefined ? this.#preview(drag, this.#gridPoint(body, event)) : this.#allDayPreview(drag, allDayColumn);
  }

  /** The column of a time grid's all-day row under a pointer, or undefined when the pointer is not over that row. */
  #allDayColumnAt(event: PointerEvent): number | undefined {
    const row = this.renderRoot.querySelector<HTMLElement>('.tg-allday');
    if (!row) return undefined;
    const rect = row.getBoundingClientRect();
    if (event.clientY < rect.top || event.clientY >= rect.bottom) return undefined;
    const gutter = row.querySelector<HTMLElement>('.tg-gutter')?.getBoundingClientRect().width ?? 0;
    const columns = this.#context!.columns.length;
    const x = this.#rtl ? rect.right - gutter - event.clientX : event.clientX - rect.left - gutter;
    return Math.min(columns - 1, Math.max(0, Math.floor(x / ((rect.width - gutter) / columns))));
  }

  /** Where an event dragged over the all-day row would land: that column's day, all day. A series keeps its times. */
  #allDayPreview(drag: PointerDrag, column: number): DragPreview | undefined {
    const occurrence = this.#context!.occurrences[drag.index];
    if (!occurrence || (!occurrence.allDay && occurrence.event.recurrence)) return undefined;
    return { index: drag.index, column, startMinute: 0, endMinute: 1440, allDay: true };
  }

  #preview(drag: PointerDrag, point: { column: number; minute: number }): DragPreview | undefined {
    const context = this.#context!;
    const slot = context.slotMinutes;
    const snap = (minute: number) => Math.round(minute / slot) * slot;
    if (drag.mode === 'create') {
      const from = Math.floor(Math.min(drag.minute, point.minute) / slot) * slot;
      const to = Math.max(from + slot, Math.ceil(Math.max(drag.minute, point.minute) / slot) * slot);
      return { index: -1, column: drag.column, startMinute: from, endMinute: Math.min(1440, to) };
    }
    const occurrence = context.occurrences[drag.index];
    if (drag.mode === 'move-all-day') {
      // An all-day event dragged into the hours: an hour from the slot under the pointer, on that column's day.
      if (!occurrence || occurrence.event.recurrence) return undefined;
      const start = Math.min(1440 - FROM_ALL_DAY_MINUTES, Math.floor(point.minute / slot) * slot);
      return { index: drag.index, column: point.column, startMinute: start, endMinute: start + FROM_ALL_DAY_MINUTES };
    }
    if (!occurrence || occurrence.allDay) return undefined;
    const { column, startMinute, endMinute } = this.#placeOf(occurrence, drag.column);
    if (drag.mode === 'resize') return { index: drag.index, column, startMinute, endMinute: Math.max(startMinute + slot, Math.min(1440, snap(point.minute))) };
    const start = Math.min(1440 - slot, Math.max(0, snap(startMinute + point.minute - drag.minute)));
    const columnShift = point.column - drag.column;
    return { index: drag.index, column: Math.min(context.columns.length - 1, Math.max(0, column + columnShift)), startMinute: start, endMinute: start + (endMinute - startMinute) };
  }

  /** The column and minutes of an occurrence's start in the view (its first visible day when it starts earlier). */
  #placeOf(occurrence: Occurrence, grabbedColumn: number): { column: number; startMinute: number; endMinute: number } {
    const context = this.#context!;
    const start = instantToWallClock(occurrence.start, context.zone);
    const startDay = Math.floor(start / DAY_MS);
    const startMinute = (start - startDay * DAY_MS) / MINUTE_MS;
    const length = (occurrence.end - occurrence.start) / MINUTE_MS;
    const column =
      context.range.view === 'resource-day' ? grabbedColumn : Math.max(0, context.columns.findIndex((candidate) => candidate.day === startDay));
    return { column, startMinute, endMinute: startMinute + length };
  }

  #onPointerUp(event: PointerEvent): void {
    const drag = this.#pointer;
    if (!drag || event.pointerId !== drag.pointerId) return;
    this.#pointer = undefined;
    const preview = this._drag;
    this._drag = undefined;
    const context = this.#context!;
    if (drag.mode === 'move-day') {
      const occurrence = context.occurrences[drag.index];
      const shift = preview && drag.moved ? (preview.column - drag.column) * 1440 : 0;
      if (occurrence && shift !== 0) void this.#changeTimes(occurrence, shift, shift);
      return;
    }
    if (!drag.moved) {
      if (drag.mode === 'create') {
        const slotStart = Math.floor(drag.minute / context.slotMinutes) * context.slotMinutes;
        const column = context.columns[drag.column]!;
        this.#openNew(column.day, slotStart, Math.max(NEW_EVENT_MINUTES, context.slotMinutes), column.resourceId);
      }
      return;
    }
    if (!preview) return;
    const target = context.columns[preview.column]!;
    const occurrence = context.occurrences[drag.index];
    if (occurrence && preview.allDay) {
      if (occurrence.allDay) {
        const shift = (target.day - context.columns[drag.column]!.day) * 1440;
        if (shift !== 0) void this.#changeTimes(occurrence, shift, shift);
      } else void this.#setAllDay(occurrence, target.day);
      return;
    }
    if (occurrence && drag.mode === 'move-all-day') {
      void this.#setTimed(occurrence, target.day, preview.startMinute, preview.endMinute);
      return;
    }
    if (drag.mode === 'create') {
      const column = context.columns[preview.column]!;
      this.#openNew(column.day, preview.startMinute, preview.endMinute - preview.startMinute, column.resourceId);
      return;
    }
    if (!occurrence) return;
    const place = this.#placeOf(occurrence, drag.column);
    const dayShift = context.range.view === 'resource-day' ? 0 : context.columns[preview.column]!.day - context.columns[place.column]!.day;
    const startShift = dayShift * 1440 + preview.startMinute - place.startMinute;
    const endShift = drag.mode === 'resize' ? preview.endMinute - place.endMinute : startShift;
    const resources =
      context.range.view === 'resource-day' && preview.column !== place.column ? this.#resourcesMoved(occurrence, context.columns[place.column]!, context.columns[preview.column]!) : undefined;
    if (startShift === 0 && endShift === 0 && !resources) return;
    void this.#changeTimes(occurrence, startShift, endShift, resources);
  }

  #onPointerCancel(): void {
    this.#pointer = undefined;
    this._drag = undefined;
  }

  /** An event dragged from one resource's column to another's books the second instead of the first. */
  #resourcesMoved(occurrence: Occurrence, from: GridColumn, to: GridColumn): string[] {
    const kept = (occurrence.resources ?? []).filter((id) => id !== from.resourceId);
    return to.resourceId && !kept.includes(to.resourceId) ? [...kept, to.resourceId] : kept;
  }

  // ————— Files: ICS import and export —————

  /** A choice in the Files menu closes it. */
  #onFilesMenuClick(event: Event): void {
    if ((event.target as HTMLElement).closest('button')) this.renderRoot.querySelector('details.files')?.removeAttribute('open');
  }

  #onDragOver(event: DragEvent): void {
    if (!this.#writable || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this._dropping = true;
  }

  #onDragLeave(event: DragEvent): void {
    // Leaving for a child of the calendar is not leaving it.
    if (!(event.relatedTarget instanceof Node && (event.currentTarget as HTMLElement).contains(event.relatedTarget))) this._dropping = false;
  }

  #onDrop(event: DragEvent): void {
    this._dropping = false;
    const file = event.dataTransfer?.files[0];
    if (!file || !this.#writable) return;
    event.preventDefault();
    void this.importFile(file);
  }

  #onPickFile(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this.importFile(file);
  }

  /**
   * Imports the events of an iCalendar file into the org, after a cancelable `p2p-request-import`, and shows what it
   * did; the summary, or undefined when nothing was imported (read-only, or vetoed).
   */
  async importFile(file: File): Promise<EventImportSummary | undefined> {
    const session = this.#session;
    if (!session || !this.#writable) return undefined;
    if (!emit(this, 'p2p-request-import', { fileName: file.name }, { cancelable: true })) return undefined;
    // Loaded here: ical.js and the import's mapping are for the few who import.
    const files = await import('./calendar-files.ts');
    const summary = await files.importEventsFile(session.events, session.contacts, file, this.#zone);
    this._import = summary;
    return summary;
  }

  /** Saves the events shown (each whole, series included) or every event as a `.ics` file. */
  async #export(what: 'range' | 'all'): Promise<void> {
    const session = this.#session;
    const context = this.#context;
    if (!session || !context) return;
    const files = await import('./calendar-files.ts');
    const ids = new Set(context.occurrences.filter((occurrence) => !isBirthday(occurrence)).map((occurrence) => occurrence.eventId));
    const events = what === 'all' ? session.events.list() : [...ids].flatMap((id) => session.events.get(id) ?? []);
    const fileName = what === 'all' ? 'calendar.ics' : `calendar-${dateOf(context.range.start)}-${dateOf(context.range.end - 1)}.ics`;
    files.downloadIcs(events, session.contacts, context.resources, fileName);
  }

  // ————— Intents: create, change, delete —————

  #select(occurrence: Occurrence): void {
    if (isBirthday(occurrence)) {
      emit(this, 'p2p-contact-open', { contactId: occurrence.birthdayOf });
      return;
    }
    emit(this, 'p2p-event-select', { eventId: occurrence.eventId, recurrenceId: occurrence.recurrenceId, start: occurrence.start, end: occurrence.end });
    this._editor = { occurrence, fields: this.#fieldsOfOccurrence(occurrence) };
  }

  /** The event's fields with the occurrence's own times, which is what its editor shows. */
  #fieldsOfOccurrence(occurrence: Occurrence): EventFields {
    const { id: _id, createdAt: _created, updatedAt: _updated, ...fields } = occurrence.event as CalendarEvent;
    const zone = occurrence.allDay ? this.#zone : occurrence.event.timeZone;
    const format = (instant: number) => (occurrence.allDay ? formatLocalDate(instantToWallClock(instant, zone)) : formatLocalDateTime(instantToWallClock(instant, zone)));
    return {
      ...fields,
      title: occurrence.title,
      location: occurrence.location,
      status: occurrence.status ?? fields.status,
      resources: occurrence.resources ?? fields.resources,
      start: format(occurrence.start),
      end: format(occurrence.end),
    };
  }

  /**
   * Opens the editor for a new half-hour event at the next full hour, with `fields` filled in: an attendee chosen
   * elsewhere, for instance (the contacts card's "New appointment").
   */
  openNewEvent(fields: Partial<EventFields> = {}): void {
    const hourMs = 60 * MINUTE_MS;
    const nextHour = Math.ceil(instantToWallClock(Date.now(), this.#zone) / hourMs) * hourMs;
    this.#openNew(Math.floor(nextHour / DAY_MS), (nextHour % DAY_MS) / MINUTE_MS, 30, undefined);
    if (this._editor) this._editor = { ...this._editor, fields: { ...this._editor.fields, ...fields } };
  }

  #openNew(day: number, startMinute: number, minutes: number, resourceId: string | undefined): void {
    if (!this.#writable) return;
    const start = day * DAY_MS + startMinute * MINUTE_MS;
    const end = start + minutes * MINUTE_MS;
    this._editor = {
      occurrence: undefined,
      fields: {
        title: '',
        start: formatLocalDateTime(start),
        end: formatLocalDateTime(Math.min(end, (day + 1) * DAY_MS)),
        allDay: false,
        timeZone: this.#zone,
        location: '',
        notes: '',
        attendees: [],
        reminders: [],
        resources: resourceId ? [resourceId] : [],
        status: 'booked',
        category: '',
      },
    };
  }

  /** Moves an occurrence's start and end by minutes of the view's wall clock, keeping them in the event's zone. */
  async #changeTimes(occurrence: Occurrence, startShift: number, endShift: number, resources?: string[]): Promise<void> {
    const zone = this.#zone;
    let patch: Partial<EventFields>;
    if (occurrence.allDay) {
      const shift = (local: number, minutes: number) => formatLocalDate(instantToWallClock(local, zone) + Math.round(minutes / 1440) * DAY_MS);
      patch = { start: shift(occurrence.start, startShift), end: shift(occurrence.end, endShift) };
    } else {
      const eventZone = occurrence.event.timeZone;
      const shift = (instant: number, minutes: number) =>
        formatLocalDateTime(instantToWallClock(wallClockToInstant(instantToWallClock(instant, zone) + minutes * MINUTE_MS, zone), eventZone));
      patch = { start: shift(occurrence.start, startShift), end: shift(occurrence.end, endShift) };
    }
    if (resources) patch.resources = resources;
    const changed = await this.#requestChange(occurrence, patch);
    if (changed) {
      this.#focusAfterRender = { eventKey: occurrenceKey({ eventId: changed.eventId, recurrenceId: changed.recurrenceId }) };
      this._announcement = this.#t('calendar.moved', { title: occurrence.title || this.#t('calendar.untitled'), when: patch.start!.replace('T', ' ').slice(0, 16) });
    }
  }

  /** Makes a one-off timed event all-day on `day` (of the view's zone). */
  async #setAllDay(occurrence: Occurrence, day: number): Promise<void> {
    const patch: Partial<EventFields> = { allDay: true, start: dateOf(day), end: dateOf(day + 1), timeZone: this.#zone };
    const changed = await this.#requestChange(occurrence, patch);
    if (!changed) return;
    this.#focusAfterRender = { eventKey: occurrenceKey(changed) };
    this._announcement = this.#t('calendar.makeAllDay', { title: occurrence.title || this.#t('calendar.untitled'), date: formatLocal(day * DAY_MS, this.#locale, { weekday: 'long', day: 'numeric', month: 'long' }) });
  }

  /** Gives a one-off all-day event times on `day`, in the view's zone. */
  async #setTimed(occurrence: Occurrence, day: number, startMinute: number, endMinute: number): Promise<void> {
    const start = formatLocalDateTime(day * DAY_MS + startMinute * MINUTE_MS);
    const patch: Partial<EventFields> = { allDay: false, start, end: formatLocalDateTime(day * DAY_MS + endMinute * MINUTE_MS), timeZone: this.#zone };
    const changed = await this.#requestChange(occurrence, patch);
    if (!changed) return;
    this.#focusAfterRender = { eventKey: occurrenceKey(changed) };
    this._announcement = this.#t('calendar.makeTimed', { title: occurrence.title || this.#t('calendar.untitled'), when: start.replace('T', ' ').slice(0, 16) });
  }

  /** Asks the scope of a series change, fires the cancelable request, then writes; the occurrence's key after, or undefined. */
  async #requestChange(occurrence: Occurrence, patch: Partial<EventFields>): Promise<{ eventId: string; recurrenceId: string } | undefined> {
    const session = this.#session;
    if (!session || !this.#writable) return undefined;
    const scope = occurrence.event.recurrence ? await this.#askScope('change') : 'all';
    if (!scope) return undefined;
    const detail = { eventId: occurrence.eventId, recurrenceId: occurrence.recurrenceId, patch, scope };
    if (!emit(this, 'p2p-request-change', detail, { cancelable: true })) return undefined;
    const saved = session.events.editOccurrence(occurrence.eventId, occurrence.recurrenceId, patch, scope);
    // An occurrence edited alone keeps its recurrence id; a whole series moves its ids with it; a one-off event's
    // id is its start, and so is that of the first occurrence of a series split off for "following".
    const recurrenceId = !occurrence.event.recurrence || scope === 'following' ? saved.start : scope === 'this' ? occurrence.recurrenceId : (patch.start ?? occurrence.recurrenceId);
    return { eventId: saved.id, recurrenceId };
  }

  async #requestDelete(occurrence: Occurrence): Promise<boolean> {
    const session = this.#session;
    if (!session || !this.#writable) return false;
    const scope = occurrence.event.recurrence ? await this.#askScope('delete') : 'all';
    if (!scope) return false;
    if (!emit(this, 'p2p-request-delete', { eventId: occurrence.eventId, recurrenceId: occurrence.recurrenceId, scope }, { cancelable: true })) return false;
    session.events.removeOccurrence(occurrence.eventId, occurrence.recurrenceId, scope);
    this.#focusAfterRender = 'cell';
    return true;
  }

  #askScope(kind: ScopeQuestion['kind']): Promise<RecurrenceScope | undefined> {
    this._scope?.resolve(undefined);
    return new Promise((resolve) => (this._scope = { kind, resolve }));
  }

  #answerScope(scope: RecurrenceScope | undefined): void {
    const question = this._scope;
    if (!question) return;
    this._scope = undefined;
    question.resolve(scope);
  }

  get #editorElement(): P2PEventEditor | null {
    return this.renderRoot.querySelector('p2p-event-editor');
  }

  async #onEditorSave(event: CustomEvent<EditorSaveDetail>): Promise<void> {
    const session = this.#session;
    const editor = this.#editorElement;
    const state = this._editor;
    if (!session || !editor || !state) return;
    const { fields, confirmed } = event.detail;
    try {
      if (!confirmed && fields.resources?.length && 'conflicts' in session.events) {
        const clashes = session.events.conflicts(fields, { ignoreEventId: state.occurrence?.eventId, viewZone: this.#zone });
        if (clashes.length) {
          const first = clashes[0]!;
          editor.warning = `${this.#t('calendar.doubleBooked')}: ${first.title} (${formatLocal(instantToWallClock(first.start, this.#zone), this.#locale, { dateStyle: 'medium', timeStyle: 'short' })})`;
          return;
        }
      }
      if (state.occurrence) {
        if (!(await this.#requestChange(state.occurrence, fields))) return;
      } else {
        if (!emit(this, 'p2p-request-create', { fields }, { cancelable: true })) return;
        session.events.create(fields);
      }
      editor.close();
      this._editor = undefined;
    } catch (error) {
      editor.warning = this.#t('editor.invalid', { reason: errorText(this.#locale, error) });
    }
  }

  async #onEditorDelete(): Promise<void> {
    const occurrence = this._editor?.occurrence;
    if (!occurrence) return;
    if (await this.#requestDelete(occurrence)) {
      this.#editorElement?.close();
      this._editor = undefined;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'p2p-calendar': P2PCalendar;
  }
}
