/** `<p2p-event-editor>`, the event dialog of `<p2p-calendar>`; its contract is the class comment below. */
import { LitElement, css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { tokens } from '../shared/tokens.styles.ts';
import { buttonStyles } from '../shared/buttons.styles.ts';
import { fieldStyles } from '../shared/field.styles.ts';
import { emit } from '../shared/p2p-event.ts';
import { message, type MessageKey } from '../shared/messages.ts';
import { formatLocal } from '../shared/locale.ts';
import { DAY_MS, dateOf, dayOf } from './calendar-range.ts';
import { RECURRENCE_PRESETS, presetOfRule, ruleOfPreset, type RecurrencePreset } from './recurrence-presets.ts';
import type { Contact, EventFields, EventStatus, Resource } from '../../core/index.ts';
import { MessagesController } from '../shared/messages-controller.ts';

export interface EditorSaveDetail {
  fields: EventFields;
  confirmed: boolean;
}

declare module '../shared/p2p-event.ts' {
  interface P2PEventMap {
    'p2p-editor-save': CustomEvent<EditorSaveDetail>;
    'p2p-editor-delete': CustomEvent<Record<string, never>>;
    'p2p-editor-close': CustomEvent<Record<string, never>>;
  }
}

/** What the editor needs of the contacts store: search as you type and names of chosen attendees. */
export interface ContactLookup {
  search(query: string): Contact[];
  get(id: string): Contact | undefined;
}

const REMINDER_CHOICES = [0, 5, 10, 15, 30, 60, 120, 1440];
const STATUSES: readonly EventStatus[] = ['booked', 'arrived', 'no-show', 'cancelled'];
export const STATUS_MESSAGE: Record<EventStatus, MessageKey> = {
  booked: 'calendar.status.booked',
  arrived: 'calendar.status.arrived',
  'no-show': 'calendar.status.noShow',
  cancelled: 'calendar.status.cancelled',
};
const PRESET_MESSAGE: Record<RecurrencePreset, MessageKey> = {
  none: 'editor.repeat.none',
  daily: 'editor.repeat.daily',
  weekdays: 'editor.repeat.weekdays',
  weekly: 'editor.repeat.weekly',
  monthly: 'editor.repeat.monthly',
  yearly: 'editor.repeat.yearly',
  custom: 'editor.repeat.custom',
};
const MAX_CONTACT_RESULTS = 8;

let timeZones: string[] | undefined;
const allTimeZones = () => (timeZones ??= Intl.supportedValuesOf('timeZone'));

/** `YYYY-MM-DDTHH:mm:ss` ↔ what `<input type="datetime-local">` holds. */
const toInputTime = (value: string) => value.slice(0, 16);
const fromInputTime = (value: string) => (value.length === 16 ? `${value}:00` : value);
/** An all-day event's exclusive end ↔ the inclusive last day a person reads. */
const lastDayOf = (end: string) => dateOf((dayOf(end) ?? 0) - 1);
const endAfterLastDay = (lastDay: string) => dateOf((dayOf(lastDay) ?? 0) + 1);

/**
 * The dialog in which `<p2p-calendar>` creates and edits an event: title, start and end or all day, time zone,
 * location, notes, status, attendees from the org's contacts, resources, repeat (presets or a custom RRULE) and
 * reminders. It edits a copy and says what the person chose through events; the calendar decides what to write
 * (and asks "this / following / all" for a series). Read-only, it shows the same fields disabled.
 *
 * @tagname p2p-event-editor
 * @summary Event editor dialog used by `<p2p-calendar>`.
 * @fires {CustomEvent<EditorSaveDetail>} p2p-editor-save - Save pressed with valid times; `detail.fields` are the event's fields, `detail.confirmed` is true when a warning shown was accepted.
 * @fires {CustomEvent} p2p-editor-delete - Delete pressed.
 * @fires {CustomEvent} p2p-editor-close - The dialog closed without saving.
 * @csspart dialog - The `<p2p-dialog>`.
 * @csspart form - The form.
 * @csspart warning - A warning or error shown above the actions.
 */
export class P2PEventEditor extends LitElement {
  static override styles = [
    tokens,
    buttonStyles,
    fieldStyles,
    css`
      form {
        display: grid;
        gap: var(--_p2p-space-3);
      }
      label,
      fieldset {
        display: grid;
        gap: var(--_p2p-space-1);
        margin: 0;
        min-width: 0;
        font-weight: 500;
      }
      fieldset {
        border: 0;
        padding: 0;
      }
      legend {
        padding: 0;
        margin-bottom: var(--_p2p-space-1);
      }
      input:not([type='checkbox']),
      select,
      textarea {
        width: 100%;
      }
      .row {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
        gap: var(--_p2p-space-2);
      }
      input {
        min-inline-size: 0;
      }
      .check {
        display: flex;
        align-items: center;
        gap: var(--_p2p-space-2);
        font-weight: 400;
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_p2p-space-1);
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: var(--_p2p-space-1);
        padding: 0 0 0 var(--_p2p-space-2);
        border: 1px solid var(--_p2p-color-border);
        border-radius: 999px;
        background: var(--_p2p-color-surface);
        font-weight: 400;
      }
      .chip .p2p-button {
        min-height: 1.5rem;
        min-width: 1.5rem;
        border: 0;
        border-radius: 999px;
        background: transparent;
      }
      .results {
        display: grid;
        gap: 2px;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .results .p2p-button {
        justify-content: flex-start;
        width: 100%;
        border-color: transparent;
      }
      .swatch {
        display: inline-block;
        width: 0.75rem;
        height: 0.75rem;
        border-radius: 2px;
        background: var(--swatch);
      }
      .kind {
        color: var(--_p2p-color-text-muted);
      }
      .warning {
        margin: 0;
        padding: var(--_p2p-space-2) var(--_p2p-space-3);
        border: 1px solid var(--_p2p-color-warning);
        border-radius: var(--_p2p-radius-small);
        color: var(--_p2p-color-text);
        background: var(--_p2p-color-surface);
      }
      .spacer {
        flex: 1;
      }
      .add-row {
        display: flex;
        gap: var(--_p2p-space-2);
      }
    `,
  ];

  static override properties = {
    locale: { type: String },
    readonly: { type: Boolean },
    heading: { type: String },
    fields: { attribute: false },
    canDelete: { attribute: false },
    contacts: { attribute: false },
    resources: { attribute: false },
    warning: { attribute: false },
    _query: { state: true },
    _preset: { state: true },
  };

  declare locale: string;
  declare readonly: boolean;
  declare heading: string;
  /** The event being edited; the editor works on a copy. */
  declare fields: EventFields | undefined;
  declare canDelete: boolean;
  declare contacts: ContactLookup | undefined;
  declare resources: readonly Resource[];
  /** A double booking or an error to show; Save then confirms. */
  declare warning: string;
  declare _query: string;
  declare _preset: RecurrencePreset;

  #draft: EventFields | undefined;
  #saved = false;

  constructor() {
    super();
    new MessagesController(this);
    this.locale = 'en-US';
    this.readonly = false;
    this.heading = '';
    this.canDelete = false;
    this.resources = [];
    this.warning = '';
    this._query = '';
    this._preset = 'none';
  }

  #t(key: MessageKey, params?: Record<string, string | number>): string {
    return message(this.locale, key, params);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('fields') && this.fields) {
      this.#draft = structuredClone(this.fields);
      this.#saved = false;
      this._query = '';
      this._preset = presetOfRule(this.fields.recurrence?.rrule, this.fields.start.slice(0, 10));
    }
  }

  /** The fields as edited so far. */
  get draft(): EventFields | undefined {
    return this.#draft;
  }

  #change(patch: Partial<EventFields>): void {
    if (!this.#draft) return;
    this.#draft = { ...this.#draft, ...patch };
    this.warning = '';
    this.requestUpdate();
  }

  #setAllDay(allDay: boolean): void {
    const draft = this.#draft;
    if (!draft || draft.allDay === allDay) return;
    const startDate = draft.start.slice(0, 10);
    if (allDay) {
      const endDate = draft.end.slice(0, 10);
      this.#change({ allDay, start: startDate, end: endAfterLastDay(endDate < startDate ? startDate : endDate) });
    } else {
      this.#change({ allDay, start: `${startDate}T09:00:00`, end: `${startDate}T10:00:00` });
    }
  }

  #setStart(value: string): void {
    const draft = this.#draft;
    if (!draft || !value) return;
    const start = draft.allDay ? value : fromInputTime(value);
    // Moving the start keeps the length, as every calendar does.
    const length = this.#localMs(draft.end, draft.allDay) - this.#localMs(draft.start, draft.allDay);
    const end = this.#formatLocal(this.#localMs(start, draft.allDay) + Math.max(length, 0), draft.allDay);
    this.#change({ start, end, recurrence: this.#recurrenceFor(this._preset, start) ?? draft.recurrence });
  }

  #localMs(value: string, allDay: boolean): number {
    return allDay ? (dayOf(value) ?? 0) * DAY_MS : Date.parse(`${value}Z`);
  }

  #formatLocal(localMs: number, allDay: boolean): string {
    const iso = new Date(localMs).toISOString();
    return allDay ? iso.slice(0, 10) : iso.slice(0, 19);
  }

  #recurrenceFor(preset: RecurrencePreset, start: string): EventFields['recurrence'] | undefined {
    if (preset === 'custom') return undefined;
    const rrule = ruleOfPreset(preset, start.slice(0, 10));
    if (!rrule) return undefined;
    const current = this.#draft?.recurrence;
    return { rrule, exdates: current?.exdates ?? [], rdates: current?.rdates ?? [], overrides: current?.overrides ?? [] };
  }

  #setPreset(preset: RecurrencePreset): void {
    const draft = this.#draft;
    if (!draft) return;
    this._preset = preset;
    if (preset === 'custom') {
      this.#change({ recurrence: draft.recurrence ?? { rrule: '', exdates: [], rdates: [], overrides: [] } });
      return;
    }
    const recurrence = this.#recurrenceFor(preset, draft.start);
    const { recurrence: _dropped, ...rest } = draft;
    this.#draft = recurrence ? { ...rest, recurrence } : rest;
    this.requestUpdate();
  }

  #setCustomRule(rrule: string): void {
    const current = this.#draft?.recurrence;
    this.#change({ recurrence: { rrule: rrule.trim(), exdates: current?.exdates ?? [], rdates: current?.rdates ?? [], overrides: current?.overrides ?? [] } });
  }

  #save(event: Event): void {
    event.preventDefault();
    const draft = this.#draft;
    if (!draft || this.readonly) return;
    if (this.#localMs(draft.end, draft.allDay) <= this.#localMs(draft.start, draft.allDay) && !(draft.allDay && draft.end === draft.start)) {
      this.warning = this.#t('editor.invalid', { reason: this.#t('editor.endBeforeStart') });
      return;
    }
    const fields = draft.recurrence && !draft.recurrence.rrule ? (({ recurrence: _none, ...rest }) => rest)(draft) : draft;
    this.#saved = true;
    emit(this, 'p2p-editor-save', { fields, confirmed: this.warning !== '' });
  }

  /** Closes the dialog; the calendar calls this once it has written the event. */
  close(): void {
    this.#saved = true;
    this.renderRoot.querySelector('p2p-dialog')?.close('saved');
  }

  #onDialogClose(): void {
    if (!this.#saved) emit(this, 'p2p-editor-close', {});
    this.fields = undefined;
  }

  protected override render() {
    const draft = this.#draft;
    const open = this.fields !== undefined;
    return html`
      <p2p-dialog part="dialog" .locale=${this.locale} label=${this.heading} ?open=${open} @p2p-dialog-close=${this.#onDialogClose}>
        ${draft ? this.#renderForm(draft) : nothing}
        ${this.warning ? html`<p class="warning" part="warning" role="alert" slot="footer">${this.warning}</p><span class="spacer" slot="footer"></span>` : nothing}
        ${draft && this.canDelete && !this.readonly
          ? html`<button class="p2p-button danger" slot="footer" type="button" @click=${() => emit(this, 'p2p-editor-delete', {})}>${this.#t('editor.delete')}</button>`
          : nothing}
        <button class="p2p-button" slot="footer" type="button" @click=${() => this.renderRoot.querySelector('p2p-dialog')?.close('cancel')}>
          ${this.#t('editor.cancel')}
        </button>
        ${this.readonly ? nothing : html`<button class="p2p-button primary" slot="footer" type="submit" form="event-form">${this.#t('editor.save')}</button>`}
      </p2p-dialog>
    `;
  }

  #renderForm(draft: EventFields) {
    const disabled = this.readonly;
    const startDate = draft.start.slice(0, 10);
    const startDay = dayOf(startDate) ?? 0;
    const presetParams = {
      weekday: formatLocal(startDay * DAY_MS, this.locale, { weekday: 'long' }),
      day: Number(startDate.slice(8, 10)),
      date: formatLocal(startDay * DAY_MS, this.locale, { month: 'long', day: 'numeric' }),
    };
    const attendees = draft.attendees.map((id) => ({ id, name: this.contacts?.get(id)?.displayName || id }));
    const results = this._query && this.contacts ? this.contacts.search(this._query).filter((contact) => !draft.attendees.includes(contact.id)).slice(0, MAX_CONTACT_RESULTS) : [];
    const resources = draft.resources ?? [];
    return html`
      <form id="event-form" part="form" @submit=${this.#save}>
        <label>
          ${this.#t('editor.title')}
          <input name="title" autofocus ?disabled=${disabled} .value=${live(draft.title)} @input=${(e: InputEvent) => this.#change({ title: (e.target as HTMLInputElement).value })} />
        </label>
        <label class="check">
          <input type="checkbox" name="allDay" ?disabled=${disabled} .checked=${live(draft.allDay)} @change=${(e: Event) => this.#setAllDay((e.target as HTMLInputElement).checked)} />
          ${this.#t('editor.allDay')}
        </label>
        <div class="row">
          <label>
            ${this.#t('editor.start')}
            <input
              name="start"
              type=${draft.allDay ? 'date' : 'datetime-local'}
              ?disabled=${disabled}
              .value=${live(draft.allDay ? draft.start : toInputTime(draft.start))}
              @change=${(e: Event) => this.#setStart((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            ${this.#t('editor.end')}
            <input
              name="end"
              type=${draft.allDay ? 'date' : 'datetime-local'}
              ?disabled=${disabled}
              .value=${live(draft.allDay ? lastDayOf(draft.end) : toInputTime(draft.end))}
              @change=${(e: Event) => {
                const value = (e.target as HTMLInputElement).value;
                if (value) this.#change({ end: draft.allDay ? endAfterLastDay(value) : fromInputTime(value) });
              }}
            />
          </label>
        </div>
        ${draft.allDay
          ? nothing
          : html`<label>
              ${this.#t('editor.timeZone')}
              <input
                name="timeZone"
                list="zones"
                ?disabled=${disabled}
                .value=${live(draft.timeZone)}
                @change=${(e: Event) => this.#change({ timeZone: (e.target as HTMLInputElement).value.trim() })}
              />
              <datalist id="zones">${allTimeZones().map((zone) => html`<option value=${zone}></option>`)}</datalist>
            </label>`}
        <label>
          ${this.#t('editor.location')}
          <input name="location" ?disabled=${disabled} .value=${live(draft.location)} @input=${(e: InputEvent) => this.#change({ location: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          ${this.#t('editor.status')}
          <select name="status" ?disabled=${disabled} @change=${(e: Event) => this.#change({ status: (e.target as HTMLSelectElement).value as EventStatus })}>
            ${STATUSES.map((status) => html`<option value=${status} ?selected=${(draft.status ?? 'booked') === status}>${this.#t(STATUS_MESSAGE[status])}</option>`)}
          </select>
        </label>
        ${this.resources.length
          ? html`<fieldset>
              <legend>${this.#t('editor.resources')}</legend>
              ${this.resources.map(
                (resource) => html`<label class="check">
                  <input
                    type="checkbox"
                    name="resource"
                    value=${resource.id}
                    ?disabled=${disabled}
                    .checked=${live(resources.includes(resource.id))}
                    @change=${(e: Event) =>
                      this.#change({ resources: (e.target as HTMLInputElement).checked ? [...resources, resource.id] : resources.filter((id) => id !== resource.id) })}
                  />
                  <span class="swatch" style="--swatch:${resource.color}"></span>${resource.name}
                  <span class="kind">(${resource.kind})</span>
                </label>`,
              )}
            </fieldset>`
          : nothing}
        <fieldset>
          <legend>${this.#t('editor.attendees')}</legend>
          ${attendees.length
            ? html`<ul class="chips">
                ${attendees.map(
                  (attendee) => html`<li class="chip">
                    ${attendee.name}
                    ${disabled
                      ? nothing
                      : html`<button
                          type="button"
                          class="p2p-button icon"
                          aria-label="${this.#t('editor.remove')} ${attendee.name}"
                          @click=${() => this.#change({ attendees: draft.attendees.filter((id) => id !== attendee.id) })}
                        >
                          ✕
                        </button>`}
                  </li>`,
                )}
              </ul>`
            : nothing}
          ${disabled || !this.contacts
            ? nothing
            : html`<input
                  name="attendeeSearch"
                  type="search"
                  aria-label=${this.#t('editor.attendeesSearch')}
                  placeholder=${this.#t('editor.attendeesSearch')}
                  .value=${live(this._query)}
                  @input=${(e: InputEvent) => (this._query = (e.target as HTMLInputElement).value)}
                />
                ${results.length
                  ? html`<ul class="results">
                      ${results.map(
                        (contact) => html`<li>
                          <button
                            type="button"
                            class="p2p-button"
                            @click=${() => {
                              this._query = '';
                              this.#change({ attendees: [...draft.attendees, contact.id] });
                            }}
                          >
                            + ${contact.displayName}
                          </button>
                        </li>`,
                      )}
                    </ul>`
                  : nothing}`}
        </fieldset>
        <label>
          ${this.#t('editor.repeat')}
          <select name="repeat" ?disabled=${disabled} @change=${(e: Event) => this.#setPreset((e.target as HTMLSelectElement).value as RecurrencePreset)}>
            ${RECURRENCE_PRESETS.map((preset) => html`<option value=${preset} ?selected=${this._preset === preset}>${this.#t(PRESET_MESSAGE[preset], presetParams)}</option>`)}
          </select>
        </label>
        ${this._preset === 'custom'
          ? html`<label>
              ${this.#t('editor.rrule')}
              <input
                name="rrule"
                ?disabled=${disabled}
                placeholder="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"
                .value=${live(draft.recurrence?.rrule ?? '')}
                @change=${(e: Event) => this.#setCustomRule((e.target as HTMLInputElement).value)}
              />
            </label>`
          : nothing}
        <fieldset>
          <legend>${this.#t('editor.reminders')}</legend>
          ${draft.reminders.length
            ? html`<ul class="chips">
                ${draft.reminders.map(
                  (minutes) => html`<li class="chip">
                    ${this.#reminderLabel(minutes)}
                    ${disabled
                      ? nothing
                      : html`<button
                          type="button"
                          class="p2p-button icon"
                          aria-label="${this.#t('editor.remove')} ${this.#reminderLabel(minutes)}"
                          @click=${() => this.#change({ reminders: draft.reminders.filter((value) => value !== minutes) })}
                        >
                          ✕
                        </button>`}
                  </li>`,
                )}
              </ul>`
            : nothing}
          ${disabled
            ? nothing
            : html`<div class="add-row">
                <select name="reminderChoice" aria-label=${this.#t('editor.reminders')}>
                  ${REMINDER_CHOICES.map((minutes) => html`<option value=${minutes} ?selected=${minutes === 15}>${this.#reminderLabel(minutes)}</option>`)}
                </select>
                <!-- A separate button, not the select's change: arrow keys on a closed select fire change at every step. -->
                <button type="button" class="p2p-button" name="addReminder" @click=${this.#addReminder}>${this.#t('editor.reminderAdd')}</button>
              </div>`}
        </fieldset>
        <label>
          ${this.#t('editor.notes')}
          <textarea name="notes" rows="3" ?disabled=${disabled} .value=${live(draft.notes)} @input=${(e: InputEvent) => this.#change({ notes: (e.target as HTMLTextAreaElement).value })}></textarea>
        </label>
      </form>
    `;
  }

  #addReminder(): void {
    const draft = this.#draft;
    const select = this.renderRoot.querySelector<HTMLSelectElement>('select[name="reminderChoice"]');
    if (!draft || !select) return;
    const minutes = Number(select.value);
    if (draft.reminders.includes(minutes)) return;
    this.#change({ reminders: [...draft.reminders, minutes].sort((a, b) => a - b) });
  }

  #reminderLabel(minutes: number): string {
    return minutes === 0 ? this.#t('editor.reminder.atStart') : this.#t('editor.reminder.minutes', { count: minutes });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'p2p-event-editor': P2PEventEditor;
  }
}
