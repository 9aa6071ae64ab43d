/** `<p2p-contacts>`: the element class; its contract is the class comment below. Registered by define/p2p-contacts.ts. */
import { LitElement, html, nothing } from 'lit';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
import { ValidationError } from '../../core/records/validation-error.ts';
import { mergeContacts } from '../../core/contacts/contact-merge.ts';
import { removeContacts, type ContactRemoval } from '../../core/contacts/contact-removal.ts';
import type { ContactsStore } from '../../core/contacts/contacts-store.ts';
import type { DuplicatePair } from '../../core/contacts/contact-duplicates.ts';
import type { EventsStore } from '../../core/calendar/events-store.ts';
import type { CalendarEvent, Contact, ContactFields } from '../../core/records/records.ts';
import type * as Y from 'yjs';
import { tokens } from '../shared/tokens.styles.ts';
import { buttonStyles } from '../shared/buttons.styles.ts';
import { fieldStyles } from '../shared/field.styles.ts';
import { StoreController } from '../shared/store-controller.ts';
import { emit } from '../shared/p2p-event.ts';
import { resolveLocale } from '../shared/locale.ts';
import { errorText } from '../shared/core-reasons.ts';
import { message, plural, type MessageKey } from '../shared/messages.ts';
import { contactsStyles } from './contacts.styles.ts';
import { changedFields, editableFields, emptyContactFields, fieldsToSave, focusField, renderContactForm, type FieldError } from './contact-form.ts';
import { appointmentsOf, renderContactCard } from './contact-card.ts';
import type { DuplicatesHost, MergeState } from './duplicates-view.ts';
import type { ContactImportSummary } from './contact-files.ts';
import { MessagesController } from '../shared/messages-controller.ts';

/** What the element needs of an open org (an `OrgSession` has it all). */
export interface ContactsSession {
  readonly doc: Y.Doc;
  readonly contacts: ContactsStore;
  readonly events: EventsStore;
  readonly readOnly?: boolean;
}

export type ContactSort = 'name' | 'organisation' | 'recent';

declare module '../shared/p2p-event.ts' {
  interface P2PEventMap {
    'p2p-contact-open': CustomEvent<{ contactId: string }>;
    'p2p-request-new-appointment': CustomEvent<{ contactId: string }>;
    'p2p-request-open-appointment': CustomEvent<{ eventId: string }>;
  }
}
declare global {
  interface GlobalEventHandlersEventMap {
    'p2p-contact-open': CustomEvent<{ contactId: string }>;
    'p2p-request-new-appointment': CustomEvent<{ contactId: string }>;
    'p2p-request-open-appointment': CustomEvent<{ eventId: string }>;
  }
  interface HTMLElementTagNameMap {
    'p2p-contacts': P2PContacts;
  }
}

/** How long "Undo" stays offered after a delete. */
const UNDO_OFFERED_MS = 10_000;

type Panel = { kind: 'none' } | { kind: 'card' } | { kind: 'form'; isNew: boolean } | { kind: 'duplicates' } | { kind: 'import' };

const byOrganisation = (a: Contact, b: Contact) => a.organisation.localeCompare(b.organisation) || a.displayName.localeCompare(b.displayName);
const byRecent = (a: Contact, b: Contact) => b.updatedAt - a.updatedAt;

/**
 * The contacts of an org: a virtualised list that stays smooth at 10,000 contacts, search as you type over the
 * core's index, a tag filter, sorting, multi-select; create, edit and delete (with undo), a card with every field
 * and the contact's appointments, duplicates with a field-by-field merge, and vCard import (picked or dropped on
 * the list, with a summary) and export (all, the selection, one). The element renders the store and
 * sends it intents; validation, search, duplicates and merge live in the core.
 *
 * ```html
 * <p2p-contacts></p2p-contacts>
 * <script type="module">document.querySelector('p2p-contacts').session = await openOrg(orgId);</script>
 * ```
 *
 * @tagname p2p-contacts
 * @summary An org's contacts: list, search, card, edit, duplicates.
 * @fires {CustomEvent<{ contactId: string }>} p2p-contact-open - A contact's card was opened (or closed: `contactId` is `''`); `detail.contactId`.
 * @fires {CustomEvent<{ contactId: string }>} p2p-request-new-appointment - "New appointment" on a card; `detail.contactId`. The host opens its
 *   calendar's create dialog with the contact as attendee.
 * @fires {CustomEvent<{ eventId: string }>} p2p-request-open-appointment - An appointment on a card was chosen; `detail.eventId`.
 * @csspart toolbar - The search, filter and sort row.
 * @csspart list - The scrolling list.
 * @csspart row - One contact in the list; also `selected` and `current` when it is.
 * @csspart card - The open contact.
 * @csspart form - The create/edit form.
 * @csspart duplicates - The duplicates and merge panel.
 * @csspart toast - The "deleted, undo" notice after a delete.
 * @cssproperty --p2p-contacts-list-width - The list's width beside the card on wide screens (default `22rem`).
 */
export class P2PContacts extends LitElement {
  static override styles = [tokens, buttonStyles, fieldStyles, contactsStyles];

  static override properties = {
    session: { attribute: false },
    contact: { type: String, reflect: true },
    locale: { type: String },
    theme: { type: String, reflect: true },
    _query: { state: true },
    _tag: { state: true },
    _sort: { state: true },
    _panel: { state: true },
    _error: { state: true },
    _toast: { state: true },
    _dropping: { state: true },
  };

  /** The open org; property only. */
  declare session: ContactsSession | undefined;
  /** The id of the contact whose card is open, `''` for none; reflects, so hosts can deep-link to it. */
  declare contact: string;
  /** The language dates are formatted in; the browser's by default. */
  declare locale: string;
  /** `light` or `dark` to force a scheme; the page's preference otherwise. */
  declare theme: string;
  declare _query: string;
  declare _tag: string;
  declare _sort: ContactSort;
  declare _panel: Panel;
  declare _error: FieldError | undefined;
  declare _toast: { text: string; removal?: ContactRemoval } | undefined;
  declare _dropping: boolean;
  #import: { summary: ContactImportSummary; files: typeof import('./contact-files.ts') } | undefined;

  /** The contacts ticked in the list. */
  readonly selected = new Set<string>();
  #draft: ContactFields = emptyContactFields();
  /** The contact as the edit form opened on it, so that saving writes only what the form changed. */
  #draftBase: ContactFields = emptyContactFields();
  #visible: Contact[] = [];
  #visibleKey: unknown[] = [];
  #toastTimer: ReturnType<typeof setTimeout> | undefined;
  #duplicates: { pairs: DuplicatePair[]; merge: MergeState | undefined; view: typeof import('./duplicates-view.ts') } | undefined;
  /** Bumped on every store change, so that the list is recomputed. */
  #revision = 0;
  readonly #contacts = new StoreController(this, (change) => {
    this.#revision += 1;
    for (const id of change.ids) if (!this.session?.contacts.get(id)) this.selected.delete(id);
  });
  readonly #events = new StoreController(this);

  constructor() {
    super();
    new MessagesController(this);
    this.session = undefined;
    this.contact = '';
    this.locale = '';
    this.theme = '';
    this._query = '';
    this._tag = '';
    this._sort = 'name';
    this._panel = { kind: 'none' };
    this._error = undefined;
    this._toast = undefined;
    this._dropping = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#dismissToast();
  }

  readonly #t = (key: MessageKey, params?: Record<string, string | number>) => message(resolveLocale(this.locale), key, params);

  /** The contacts the list shows now, in order: what search, tag and sort leave. */
  get visibleContacts(): readonly Contact[] {
    return this.#visible;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.#contacts.store = this.session?.contacts;
    this.#events.store = this.session?.events;
    if (changed.has('session') && changed.get('session') !== undefined) {
      this.selected.clear();
      this._panel = { kind: 'none' };
      this.#duplicates = undefined;
    }
    if (changed.has('contact')) {
      const open = this.contact && this.session?.contacts.get(this.contact);
      if (open && this._panel.kind !== 'form') this._panel = { kind: 'card' };
      if (!this.contact && this._panel.kind === 'card') this._panel = { kind: 'none' };
    }
    const key = [this.session, this.#revision, this._query, this._tag, this._sort];
    if (key.some((value, index) => value !== this.#visibleKey[index])) {
      this.#visibleKey = key;
      this.#visible = this.#computeVisible();
    }
  }

  #computeVisible(): Contact[] {
    const store = this.session?.contacts;
    if (!store) return [];
    let found = this._query.trim() ? store.search(this._query) : store.list();
    if (this._tag) found = found.filter((contact) => contact.tags.includes(this._tag));
    if (this._sort === 'organisation') found = [...found].sort(byOrganisation);
    else if (this._sort === 'recent') found = [...found].sort(byRecent);
    return found;
  }

  #tags(): string[] {
    const tags = new Set<string>();
    for (const contact of this.session?.contacts.list() ?? []) for (const tag of contact.tags) tags.add(tag);
    return [...tags].sort((a, b) => a.localeCompare(b));
  }

  protected override render() {
    if (!this.session) return html`<p class="muted empty" role="status">${this.#t('contacts.opening')}</p>`;
    const readOnly = this.session.readOnly ?? false;
    const open = this.contact ? this.session.contacts.get(this.contact) : undefined;
    const panel = this._panel.kind === 'card' && !open ? { kind: 'none' as const } : this._panel;
    return html`
      <div class="layout" data-panel=${panel.kind}>
        <div
          class="master"
          ?data-dropping=${this._dropping}
          @dragover=${(event: DragEvent) => {
            if (readOnly || !event.dataTransfer?.types.includes('Files')) return;
            event.preventDefault();
            this._dropping = true;
          }}
          @dragleave=${() => (this._dropping = false)}
          @drop=${(event: DragEvent) => {
            const file = event.dataTransfer?.files[0];
            this._dropping = false;
            if (readOnly || !file) return;
            event.preventDefault();
            void this.importFile(file);
          }}
        >
          ${this.#renderToolbar(readOnly)} ${this.selected.size > 0 ? this.#renderSelectionBar(readOnly) : nothing} ${this.#renderList()}
        </div>
        <div class="detail">${this.#renderPanel(panel, open, readOnly)}</div>
      </div>
      <div class="toast-region" role="status" aria-live="polite">
        ${this._toast
          ? html`<div class="toast" part="toast">
              ${this._toast.text}
              ${this._toast.removal ? html`<button class="p2p-button" @click=${() => this.#undo()}>${this.#t('contacts.undo')}</button>` : nothing}
            </div>`
          : nothing}
      </div>
    `;
  }

  #renderToolbar(readOnly: boolean) {
    const tags = this.#tags();
    return html`
      <div class="toolbar" part="toolbar" role="search">
        <input
          type="search"
          class="search"
          aria-label=${this.#t('contacts.search')}
          placeholder=${this.#t('contacts.searchPlaceholder')}
          .value=${this._query}
          @input=${(event: InputEvent) => {
            this._query = (event.target as HTMLInputElement).value;
          }}
          @keydown=${(event: KeyboardEvent) => {
            if (event.key === 'ArrowDown') {
              event.preventDefault();
              this.renderRoot.querySelector<HTMLElement>('.row .open')?.focus();
            }
          }}
        />
        <select aria-label=${this.#t('contacts.filterByTag')} .value=${this._tag} @change=${(event: Event) => (this._tag = (event.target as HTMLSelectElement).value)}>
          <option value="">${this.#t('contacts.allTags')}</option>
          ${tags.map((tag) => html`<option value=${tag} ?selected=${tag === this._tag}>${tag}</option>`)}
        </select>
        <select aria-label=${this.#t('contacts.sortBy')} @change=${(event: Event) => (this._sort = (event.target as HTMLSelectElement).value as ContactSort)}>
          <option value="name" ?selected=${this._sort === 'name'}>${this.#t('contacts.sort.name')}</option>
          <option value="organisation" ?selected=${this._sort === 'organisation'}>${this.#t('contacts.sort.organisation')}</option>
          <option value="recent" ?selected=${this._sort === 'recent'}>${this.#t('contacts.sort.recent')}</option>
        </select>
        ${readOnly ? nothing : html`<button class="p2p-button primary" @click=${() => this.#startNew()}>${this.#t('contacts.new')}</button>`}
        <button class="p2p-button" @click=${() => void this.#openDuplicates()}>${this.#t('contacts.duplicates')}</button>
        ${readOnly
          ? nothing
          : html`<button class="p2p-button" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#import-file')?.click()}>${this.#t('contacts.import')}</button>
              <input
                id="import-file"
                type="file"
                accept=".vcf,.vcard,text/vcard,text/x-vcard"
                hidden
                @change=${(event: Event) => {
                  const input = event.target as HTMLInputElement;
                  const file = input.files?.[0];
                  input.value = '';
                  if (file) void this.importFile(file);
                }}
              />`}
        <button class="p2p-button" @click=${() => void this.#export(this.session?.contacts.list() ?? [], 'contacts.vcf')}>${this.#t('contacts.exportAll')}</button>
      </div>
      <p class="count muted" aria-live="polite">${this.#countText()}</p>
    `;
  }

  #countText(): string {
    const shown = this.#visible.length;
    const total = this.session?.contacts.list().length ?? 0;
    const noun = (count: number) => plural(resolveLocale(this.locale), 'contacts.count', count);
    return shown === total ? noun(total) : this.#t('contacts.countOf', { shown: noun(shown), total });
  }

  #renderSelectionBar(readOnly: boolean) {
    const allShown = this.#visible.length > 0 && this.#visible.every((contact) => this.selected.has(contact.id));
    return html`
      <div class="selection" aria-label=${this.#t('contacts.selection')}>
        <span>${this.#t('contacts.selected', { count: this.selected.size })}</span>
        <button class="p2p-button" @click=${() => this.#selectAll(!allShown)}>${this.#t(allShown ? 'contacts.selectNone' : 'contacts.selectAll')}</button>
        <button class="p2p-button" @click=${() => void this.#export(this.#selectedContacts(), 'selected-contacts.vcf')}>${this.#t('contacts.exportSelected')}</button>
        ${readOnly ? nothing : html`<button class="p2p-button danger" @click=${() => this.#remove([...this.selected])}>${this.#t('contacts.deleteSelected')}</button>`}
      </div>
    `;
  }

  #renderList() {
    if (this.#visible.length === 0) {
      return html`<div class="list" part="list"><p class="muted empty">${this.#t(this._query || this._tag ? 'contacts.noMatch' : 'contacts.none')}</p></div>`;
    }
    return html`
      <div class="list" part="list" role="list" aria-label=${this.#t('contacts.list')}>
        ${virtualize({
          items: this.#visible,
          keyFunction: (contact: Contact) => contact.id,
          renderItem: (contact: Contact) => this.#renderRow(contact),
          scroller: true,
        })}
      </div>
    `;
  }

  #renderRow(contact: Contact) {
    const selected = this.selected.has(contact.id);
    const current = contact.id === this.contact;
    const secondary = contact.organisation || contact.emails[0]?.value || contact.phones[0]?.value || '';
    return html`
      <div class="row" role="listitem" part=${`row${selected ? ' selected' : ''}${current ? ' current' : ''}`} data-id=${contact.id}>
        <input
          type="checkbox"
          aria-label=${this.#t('contacts.select', { name: contact.displayName || this.#t('contacts.noName') })}
          .checked=${selected}
          @change=${(event: Event) => this.#toggle(contact.id, (event.target as HTMLInputElement).checked)}
        />
        <button class="open" aria-current=${current ? 'true' : 'false'} @click=${() => this.#open(contact.id)} @keydown=${this.#onRowKey}>
          <span class="avatar" aria-hidden="true">${initials(contact)}</span>
          <span class="names">
            <span class="name">${contact.displayName || this.#t('contacts.noName')}</span>
            ${secondary ? html`<span class="secondary">${secondary}</span>` : nothing}
          </span>
          ${contact.tags.length ? html`<span class="tags">${contact.tags.slice(0, 2).map((tag) => html`<span class="tag">${tag}</span>`)}</span>` : nothing}
        </button>
      </div>
    `;
  }

  /** Up and down move between rows as in a list box; the virtualiser renders the row before focus arrives. */
  readonly #onRowKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const row = (event.currentTarget as HTMLElement).closest<HTMLElement>('.row');
    const index = this.#visible.findIndex((contact) => contact.id === row?.dataset.id);
    const next = this.#visible[index + (event.key === 'ArrowDown' ? 1 : -1)];
    if (!next) {
      if (event.key === 'ArrowUp') this.renderRoot.querySelector<HTMLElement>('.search')?.focus();
      return;
    }
    const focusNext = () => {
      const target = this.renderRoot.querySelector<HTMLElement>(`.row[data-id="${next.id}"] .open`);
      if (target) {
        target.focus();
        target.scrollIntoView({ block: 'nearest' });
        return true;
      }
      return false;
    };
    if (!focusNext()) {
      row?.nextElementSibling?.scrollIntoView({ block: 'nearest' });
      requestAnimationFrame(() => requestAnimationFrame(() => focusNext()));
    }
  };

  #renderPanel(panel: Panel, open: Contact | undefined, readOnly: boolean) {
    if (panel.kind === 'form') {
      return renderContactForm({
        locale: resolveLocale(this.locale),
        t: this.#t,
        draft: this.#draft,
        error: this._error,
        isNew: panel.isNew,
        change: () => this.requestUpdate(),
        save: () => this.#save(panel.isNew),
        cancel: () => this.#closeForm(),
      });
    }
    if (panel.kind === 'card' && open) {
      const appointments = appointmentsOf(open.id, this.session?.events.attendedBy(open.id) ?? [], Date.now());
      return renderContactCard(
        {
          locale: resolveLocale(this.locale),
          t: this.#t,
          edit: () => this.#startEdit(open),
          remove: () => this.#remove([open.id]),
          exportCard: () => void this.#export([open], `${open.displayName || 'contact'}.vcf`),
          newAppointment: () => emit(this, 'p2p-request-new-appointment', { contactId: open.id }),
          openAppointment: (event: CalendarEvent) => emit(this, 'p2p-request-open-appointment', { eventId: event.id }),
          close: () => this.#open(''),
        },
        open,
        appointments,
        readOnly,
      );
    }
    if (panel.kind === 'duplicates' && this.#duplicates) {
      const duplicates = this.#duplicates;
      const host: DuplicatesHost = {
        locale: resolveLocale(this.locale),
        pairs: duplicates.pairs,
        merge: duplicates.merge,
        startMerge: (pair) => {
          duplicates.merge = { survivor: pair.first, other: pair.second, choices: duplicates.view.defaultMergeChoices(pair.first, pair.second) };
          this.requestUpdate();
        },
        change: () => {
          duplicates.merge = host.merge;
          this.requestUpdate();
        },
        confirmMerge: () => this.#merge(),
        close: () => {
          this._panel = { kind: 'none' };
        },
      };
      return duplicates.view.renderDuplicates(host);
    }
    if (panel.kind === 'import' && this.#import) {
      return this.#import.files.renderImportSummary(this.#import.summary, resolveLocale(this.locale), {
        reviewDuplicates: () => void this.#openDuplicates(),
        close: () => {
          this._panel = { kind: 'none' };
        },
      });
    }
    return html`<p class="muted placeholder">${this.#t('contacts.placeholder')}</p>`;
  }

  /** Imports a vCard file into the org and shows what came in, what looks duplicated and what was refused. */
  async importFile(file: File): Promise<ContactImportSummary | undefined> {
    const store = this.session?.contacts;
    if (!store) return undefined;
    const files = await import('./contact-files.ts');
    const summary = await files.importContactsFile(store, file);
    this.#import = { summary, files };
    this._panel = { kind: 'import' };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#import-title')?.focus();
    return summary;
  }

  #selectedContacts(): Contact[] {
    return [...this.selected].map((id) => this.session?.contacts.get(id)).filter((contact): contact is Contact => contact !== undefined);
  }

  async #export(contacts: readonly Contact[], fileName: string): Promise<void> {
    const { downloadVcard } = await import('./contact-files.ts');
    downloadVcard(contacts, fileName);
  }

  #open(contactId: string): void {
    this.contact = contactId;
    this._panel = contactId ? { kind: 'card' } : { kind: 'none' };
    emit(this, 'p2p-contact-open', { contactId });
    if (contactId) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#card-name')?.focus());
  }

  #toggle(id: string, on: boolean): void {
    if (on) this.selected.add(id);
    else this.selected.delete(id);
    this.requestUpdate();
  }

  #selectAll(on: boolean): void {
    for (const contact of this.#visible) {
      if (on) this.selected.add(contact.id);
      else this.selected.delete(contact.id);
    }
    this.requestUpdate();
  }

  #startNew(): void {
    this.#draft = emptyContactFields();
    this._error = undefined;
    this._panel = { kind: 'form', isNew: true };
    void this.updateComplete.then(() => focusField(this.renderRoot, 'givenName'));
  }

  #startEdit(contact: Contact): void {
    this.#draft = editableFields(contact);
    this.#draftBase = fieldsToSave(editableFields(contact));
    if (this.#draft.emails.length === 0) this.#draft.emails.push({ label: 'work', value: '' });
    if (this.#draft.phones.length === 0) this.#draft.phones.push({ label: 'mobile', value: '' });
    this._error = undefined;
    this._panel = { kind: 'form', isNew: false };
    void this.updateComplete.then(() => focusField(this.renderRoot, 'givenName'));
  }

  #save(isNew: boolean): void {
    const store = this.session?.contacts;
    if (!store) return;
    try {
      const saved = isNew ? store.create(fieldsToSave(this.#draft)) : store.update(this.contact, changedFields(this.#draftBase, fieldsToSave(this.#draft)));
      this._error = undefined;
      this.#open(saved.id);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this._error = { field: error.field, reason: error.reason };
      void this.updateComplete.then(() => focusField(this.renderRoot, error.field));
    }
  }

  #closeForm(): void {
    this._error = undefined;
    this._panel = this.contact ? { kind: 'card' } : { kind: 'none' };
  }

  #remove(ids: string[]): void {
    if (!this.session || ids.length === 0) return;
    const removal = removeContacts(this.session, ids);
    for (const id of ids) this.selected.delete(id);
    if (ids.includes(this.contact)) this.#open('');
    const names = ids.length === 1 ? this.#t('contacts.deleted') : this.#t('contacts.deletedMany', { count: removal.removed });
    this.#showToast({ text: names, removal });
  }

  #undo(): void {
    this._toast?.removal?.undo();
    this.#showToast({ text: this.#t('contacts.restored') });
  }

  #showToast(toast: { text: string; removal?: ContactRemoval }): void {
    this.#dismissToast();
    this._toast = toast;
    this.#toastTimer = setTimeout(() => this.#dismissToast(), UNDO_OFFERED_MS);
  }

  #dismissToast(): void {
    clearTimeout(this.#toastTimer);
    this._toast?.removal?.dispose();
    this._toast = undefined;
  }

  async #openDuplicates(): Promise<void> {
    const view = await import('./duplicates-view.ts');
    this.#duplicates = { pairs: view.findDuplicates(this.session?.contacts.list() ?? []), merge: undefined, view };
    this._panel = { kind: 'duplicates' };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#duplicates-title')?.focus();
  }

  #merge(): void {
    const merge = this.#duplicates?.merge;
    if (!this.session || !merge || !this.#duplicates) return;
    try {
      const survivor = mergeContacts(this.session, merge.survivor.id, merge.other.id, merge.choices);
      this.#duplicates = { ...this.#duplicates, pairs: this.#duplicates.view.findDuplicates(this.session.contacts.list()), merge: undefined };
      this.#showToast({ text: this.#t('contacts.merged', { name: survivor.displayName }) });
      this.requestUpdate();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.#showToast({ text: this.#t('contacts.cannotMerge', { reason: errorText(resolveLocale(this.locale), error) }) });
    }
  }
}

function initials(contact: Contact): string {
  const words = (contact.displayName || '?').split(/\s+/).filter(Boolean);
  return (words.length > 1 ? `${words[0]![0]}${words.at(-1)![0]}` : (words[0] ?? '?').slice(0, 2)).toUpperCase();
}
