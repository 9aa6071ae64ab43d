/** `<p2p-app>`: the element class; its contract is the class comment below. Registered by define/p2p-app.ts. */
import { LitElement, html, nothing } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Org } from '../../core/records/records.ts';
import { DEFAULT_ORG_NAME } from '../../core/org/org-registry.ts';
import { whenIdle } from '../../core/records/idle-work.ts';
import type { OrgSession } from '../../core/org/org-session.ts';
import type { OrgSyncStatus, SyncProblem } from '../../core/sync/org-sync.ts';
import { tokens } from '../shared/tokens.styles.ts';
import { buttonStyles } from '../shared/buttons.styles.ts';
import { fieldStyles } from '../shared/field.styles.ts';
import { StoreController } from '../shared/store-controller.ts';
import { resolveLocale } from '../shared/locale.ts';
import { errorText, syncProblemText } from '../shared/core-reasons.ts';
import { message, type MessageKey } from '../shared/messages.ts';
import '../../define/p2p-contacts.ts';
import '../../define/p2p-calendar.ts';
import '../../define/p2p-reminders.ts';
import type { ViewChangeDetail } from '../calendar/calendar.ts';
import { appStyles } from './app.styles.ts';
import { renderRelayProblems } from './relay-problems.ts';
import { AppState } from './app-state.ts';
import type { Account } from './account.ts';
import { APP_VIEWS, formatRoute, parseRoute, type AppRoute, type AppView } from './app-route.ts';
import type { OrgDialogKind } from './org-dialog.ts';
import type { OrgMembership } from '../../core/org/org-membership.ts';
import type { KitSource } from './members-dialog.ts';
import { MessagesController } from '../shared/messages-controller.ts';
import { syncLevel, type SyncLevel } from './sync-level.ts';

const ONBOARDED_KEY = 'p2p-clinic-onboarded';
const VIEW_LABELS: Record<AppView, MessageKey> = { calendar: 'app.view.calendar', contacts: 'app.view.contacts', reminders: 'app.view.reminders', settings: 'app.view.settings' };
/** The calendar and the contacts have no heading of their own to name the page, as reminders' and settings' pages do. */
const VIEWS_WITHOUT_HEADING: ReadonlySet<AppView> = new Set(['calendar', 'contacts']);
/** How far ahead the reminders view looks: a week, so that Monday shows Friday's. */
const REMINDERS_AHEAD_HOURS = 7 * 24;

/**
 * The app a clinic installs: a top bar with the org switcher (each org's colour, a status dot, switching without a
 * reload) and sync status, and the calendar (with the contacts' birthdays, which open the contact's card),
 * contacts, reminders and settings of the current org. Where it is lives in the URL (app-route.ts), so links open
 * the same screen and back/forward work. The first run asks whether to start on this device or join a team.
 * Dialogs load when first opened (org-dialog.ts).
 *
 * ```html
 * <p2p-app worker-url="https://p2p-clinic.example.workers.dev"></p2p-app>
 * ```
 *
 * @tagname p2p-app
 * @summary The whole app: top bar, org switcher, views, onboarding.
 * @csspart topbar - The top bar.
 * @csspart org-switcher - The button opening the list of orgs.
 * @csspart sync-status - The sync status button.
 * @csspart nav - The view tabs.
 * @csspart removed-notice - What a device removed from the org is told, above the view, with a way to leave.
 * @csspart view - The current view.
 */
export class P2PApp extends LitElement {
  static override styles = [tokens, buttonStyles, fieldStyles, appStyles];

  static override properties = {
    workerUrl: { attribute: 'worker-url' },
    locale: { type: String },
    _route: { state: true },
    _session: { state: true },
    _menuOpen: { state: true },
    _statusOpen: { state: true },
    _dialog: { state: true },
    _members: { state: true },
    _onboarding: { state: true },
    _failure: { state: true },
  };

  declare workerUrl: string;
  declare locale: string;
  declare _route: AppRoute;
  declare _session: OrgSession | undefined;
  declare _menuOpen: boolean;
  declare _statusOpen: boolean;
  declare _dialog: { kind: OrgDialogKind; orgId: string } | undefined;
  /** The members and devices dialog, or restoring a recovery kit (members-dialog.ts). */
  declare _members: { mode: 'members' | 'restore'; membership?: OrgMembership; kitSource?: KitSource } | undefined;
  declare _onboarding: boolean;
  /** Why the app could not open this device's data, worded when shown: the error itself. */
  declare _failure: { error: unknown } | undefined;
  /** The app's state once opened; for tests and hosts that drive it. */
  state: AppState | undefined;
  readonly #state = new StoreController<unknown>(this);
  readonly #reminders = new StoreController(this);
  #switching = 0;
  /**
   * Views on the page: those shown since the element was created, and those rendered ahead, hidden, while the
   * device was idle, so that no view is built from nothing when first opened.
   */
  readonly #renderedViews = new Set<AppView>();
  /** The session whose views are being rendered ahead, once its document has loaded. */
  #renderingAheadFor: OrgSession | undefined;
  readonly #t = (key: MessageKey, params?: Record<string, string | number>) => message(resolveLocale(this.locale), key, params);

  constructor() {
    super();
    new MessagesController(this);
    this.workerUrl = '';
    this.locale = '';
    this._route = parseRoute(globalThis.location?.search ?? '');
    this._session = undefined;
    this._menuOpen = false;
    this._statusOpen = false;
    this._dialog = undefined;
    this._onboarding = globalThis.localStorage?.getItem(ONBOARDED_KEY) === null;
    this._failure = undefined;
    this.state = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('popstate', this.#onPopState);
    addEventListener('keydown', this.#onGlobalKey);
    addEventListener('pointerdown', this.#onPointerDown);
    if (!this.state) void this.#open();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('popstate', this.#onPopState);
    removeEventListener('keydown', this.#onGlobalKey);
    removeEventListener('pointerdown', this.#onPointerDown);
  }

  async #open(): Promise<void> {
    try {
      const state = await AppState.open(this.workerUrl || 'http://127.0.0.1:8787');
      this.state = state;
      this.#state.store = { subscribe: (listener) => state.subscribe(() => listener(undefined)) };
      const wanted = this._route.org && state.registry.get(this._route.org) ? this._route.org : state.current.id;
      await this.#show(wanted, { push: false });
    } catch (error) {
      this._failure = { error };
    }
  }

  /** Shows an org: its session from the cache when it was open before, so switching back takes no reload. */
  async #show(orgId: string, { push }: { push: boolean }): Promise<void> {
    const state = this.state!;
    const ticket = ++this.#switching;
    await state.switchTo(orgId);
    const session = await state.session(orgId);
    // A later switch won the race.
    if (ticket !== this.#switching) return;
    this._session = session;
    this.#reminders.store = session.reminders;
    // A link without an org names a contact of the current one.
    const sameOrg = !this._route.org || orgId === this._route.org;
    this.#navigate({ ...this._route, org: orgId, contact: sameOrg ? this._route.contact : '' }, { push });
  }

  /** Switches the org the app shows; resolves once it is on screen. */
  async switchOrg(orgId: string): Promise<void> {
    this._menuOpen = false;
    await this.#show(orgId, { push: true });
    await this.updateComplete;
  }

  #navigate(route: AppRoute, { push }: { push: boolean }): void {
    // The menu and the sync panel belong to the screen they were opened on.
    this._menuOpen = false;
    this._statusOpen = false;
    this._route = route;
    const url = `${location.pathname}${formatRoute(route)}`;
    if (`${location.pathname}${location.search}` === url) return;
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  readonly #onPopState = () => {
    const route = parseRoute(location.search);
    this._route = route;
    if (this.state && route.org && route.org !== this._session?.orgId && this.state.registry.get(route.org)) void this.#show(route.org, { push: false });
  };

  readonly #onGlobalKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && (this._menuOpen || this._statusOpen)) {
      this._menuOpen = false;
      this._statusOpen = false;
      this.renderRoot.querySelector<HTMLElement>('.org-button')?.focus();
    }
  };

  /** A press outside the org menu or the sync panel closes it, as outside any popup. */
  readonly #onPointerDown = (event: PointerEvent) => {
    if (!this._menuOpen && !this._statusOpen) return;
    const path = event.composedPath();
    const within = (selector: string) => {
      const area = this.renderRoot.querySelector(selector);
      return area !== null && path.includes(area);
    };
    if (this._menuOpen && !within('.switcher')) this._menuOpen = false;
    if (this._statusOpen && !within('.status-area')) this._statusOpen = false;
  };

  /** Up, Down, Home and End move between the menu's items, as in any menu. */
  readonly #onMenuKey = (event: KeyboardEvent) => {
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>('#org-menu [role^="menuitem"]')];
    const current = items.indexOf(this.shadowRoot?.activeElement as HTMLElement);
    const next = { ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: items.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    items[(next + items.length) % items.length]?.focus();
  };

  async #openDialog(kind: OrgDialogKind, orgId = this._session?.orgId ?? ''): Promise<void> {
    this._menuOpen = false;
    this._statusOpen = false;
    await import('../../define/p2p-org-dialog.ts');
    this._dialog = { kind, orgId };
  }

  async #openMembers(mode: 'members' | 'restore', orgId = ''): Promise<void> {
    this._menuOpen = false;
    this._statusOpen = false;
    const state = this.state!;
    const [membership, kitSource] = mode === 'members' ? await Promise.all([state.membership(orgId), state.kitSource(orgId)]) : [null, null];
    await import('../../define/p2p-members-dialog.ts');
    this._members = { mode, ...(membership ? { membership } : {}), ...(kitSource ? { kitSource } : {}) };
  }

  /** The org's name; the device's own org, named by the core in English until renamed, in the app's language. */
  #orgName(org: Org): string {
    return org.isDefault && org.name === DEFAULT_ORG_NAME ? this.#t('app.personal') : org.name;
  }

  #finishOnboarding(join: boolean): void {
    localStorage.setItem(ONBOARDED_KEY, String(Date.now()));
    this._onboarding = false;
    if (join) void this.#openDialog('join');
  }

  protected override updated(): void {
    if (this._session) this.#renderAheadWhenIdle();
  }

  protected override render() {
    if (this._failure) return html`<p class="failure" role="alert">${this.#t('app.openFailed', { reason: errorText(resolveLocale(this.locale), this._failure.error) })}</p>`;
    const state = this.state;
    if (!state || !this._session) return html`<p class="loading" role="status">${this.#t('app.opening')}</p>`;
    const org = state.registry.get(this._session.orgId) ?? state.current;
    this.#renderedViews.add(this._route.view);
    return html`
      ${this.#renderTopBar(state, org)}
      ${state.status(org.id)?.membership === 'removed' ? this.#renderRemoved(org) : nothing}
      <main part="view" class="view" aria-label=${this.#t(VIEW_LABELS[this._route.view])}>
        ${VIEWS_WITHOUT_HEADING.has(this._route.view) ? html`<h1 class="visually-hidden">${this.#t(VIEW_LABELS[this._route.view])}</h1>` : nothing}
        ${APP_VIEWS.map((view) => (this.#renderedViews.has(view) ? this.#renderView(view, org, view !== this._route.view) : nothing))}
      </main>
      ${this._onboarding ? this.#renderOnboarding() : nothing}
      ${this._members
        ? html`<p2p-members-dialog
            mode=${this._members.mode}
            locale=${this.locale}
            .membership=${this._members.membership}
            .kitSource=${this._members.kitSource}
            .registry=${state.registry}
            @p2p-dialog-close=${() => (this._members = undefined)}
            @p2p-org-restored=${(event: CustomEvent<{ orgId: string }>) => {
              this._members = undefined;
              void this.#show(event.detail.orgId, { push: true });
            }}
          ></p2p-members-dialog>`
        : nothing}
      ${this._dialog
        ? html`<p2p-org-dialog
            .state=${state}
            locale=${this.locale}
            kind=${this._dialog.kind}
            org-id=${this._dialog.orgId}
            @p2p-dialog-close=${() => {
              this._dialog = undefined;
              if (state.current.id !== this._session?.orgId || !state.registry.get(this._session.orgId)) void this.#show(state.current.id, { push: true });
            }}
          ></p2p-org-dialog>`
        : nothing}
    `;
  }

  #renderTopBar(state: AppState, org: Org) {
    const status = state.status(org.id);
    const level = syncLevel(status, { online: state.online, shared: Boolean(org.roomId) });
    return html`
      <header class="topbar" part="topbar">
        <div class="switcher">
          <button
            class="org-button"
            part="org-switcher"
            aria-haspopup="true"
            aria-expanded=${this._menuOpen ? 'true' : 'false'}
            aria-controls="org-menu"
            @click=${() => {
              this._menuOpen = !this._menuOpen;
              this._statusOpen = false;
              // The menu takes focus on its current org, where arrow keys start.
              if (this._menuOpen) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#org-menu [aria-checked="true"]')?.focus());
            }}
          >
            <span class="dot" data-level=${level} style=${`--org-color:${org.color}`} aria-hidden="true"></span>
            <span class="org-name">${this.#orgName(org)}</span>
            <span class="visually-hidden">${this.#t('app.switchOrg', { status: this.#t(SYNC_LEVEL_TEXT[level]) })}</span>
            <span aria-hidden="true">▾</span>
          </button>
          ${this._menuOpen ? this.#renderOrgMenu(state, org) : nothing}
        </div>
        <nav part="nav" aria-label=${this.#t('app.views')}>
          ${APP_VIEWS.map(
            (view) => html`<a
              href=${formatRoute({ ...this._route, view })}
              aria-current=${this._route.view === view ? 'page' : 'false'}
              @click=${(event: MouseEvent) => {
                if (event.ctrlKey || event.metaKey || event.shiftKey) return;
                event.preventDefault();
                this.#navigate({ ...this._route, view }, { push: true });
              }}
              >${this.#t(VIEW_LABELS[view])}</a
            >`,
          )}
        </nav>
        <div class="status-area">
          <button
            class="p2p-button status-button"
            part="sync-status"
            data-level=${level}
            aria-expanded=${this._statusOpen ? 'true' : 'false'}
            @click=${() => {
              this._statusOpen = !this._statusOpen;
              this._menuOpen = false;
            }}
          >
            <span class="status-dot" data-level=${level} aria-hidden="true"></span> ${this.#t(SYNC_LEVEL_TEXT[level])}
          </button>
          ${this._statusOpen ? this.#renderSyncPanel(state, org, status) : nothing}
        </div>
      </header>
    `;
  }

  /** A device removed from the org keeps its copy, read only, until its user leaves: said above every view. */
  #renderRemoved(org: Org) {
    return html`
      <div class="removed" role="status" part="removed-notice">
        <p>${this.#t('members.removed')}</p>
        <button type="button" class="p2p-button danger" @click=${() => void this.#openDialog('leave', org.id)}>${this.#t('app.leave')}</button>
      </div>
    `;
  }

  #renderOrgMenu(state: AppState, current: Org) {
    return html`
      <div id="org-menu" class="menu" role="menu" aria-label=${this.#t('app.orgs')} @keydown=${this.#onMenuKey}>
        ${state.orgs.map(
          (org) => html`
            <button
              role="menuitemradio"
              aria-checked=${org.id === current.id ? 'true' : 'false'}
              class="menu-item"
              @click=${() => void this.switchOrg(org.id)}
            >
              <span class="swatch" style=${`background:${org.color}`} aria-hidden="true"></span>
              <span>${this.#orgName(org)}</span>
              <span class="muted">${this.#t(org.roomId ? 'app.shared' : 'app.thisDevice')}</span>
            </button>
          `,
        )}
        <hr />
        <button role="menuitem" class="menu-item" @click=${() => void this.#openDialog('create')}>${this.#t('app.newOrg')}</button>
        <button role="menuitem" class="menu-item" @click=${() => void this.#openDialog('join')}>${this.#t('app.joinTeam')}</button>
        <button role="menuitem" class="menu-item" @click=${() => void this.#openMembers('restore')}>${this.#t('app.restoreKit')}</button>
      </div>
    `;
  }

  /** The last sync problem in plain words, and behind a disclosure what the layer it happened in said. */
  #renderLastProblem(locale: string, problem: SyncProblem) {
    return html`<div class="muted last-problem">
      <p>${this.#t('app.lastProblem', { reason: syncProblemText(locale, problem) })}</p>
      ${problem.detail ? html`<details><summary>${this.#t('app.relayProblemDetails')}</summary>${problem.detail}</details>` : nothing}
    </div>`;
  }

  #renderSyncPanel(state: AppState, org: Org, status: OrgSyncStatus | undefined) {
    const locale = resolveLocale(this.locale);
    const lastSynced = status?.lastSyncedAt ? new Date(status.lastSyncedAt).toLocaleString(locale) : this.#t('app.notYet');
    return html`
      <section class="panel sync-panel" aria-label=${this.#t('app.syncStatus')}>
        ${!state.online ? html`<p class="offline" role="status">${this.#t('app.youAreOffline')}</p>` : nothing}
        ${status || org.roomId
          ? html`<dl>
              <dt>${this.#t('app.devicesOnline')}</dt>
              <dd>${status?.peers ?? UNKNOWN_YET}</dd>
              <dt>${this.#t('app.relay')}</dt>
              <dd>${this.#t(RELAY_TEXT[status?.relay ?? 'connecting'])}</dd>
              <dt>${this.#t('app.waitingToSend')}</dt>
              <dd>${status?.pending ?? UNKNOWN_YET}</dd>
              <dt>${this.#t('app.lastSynced')}</dt>
              <dd>${status ? lastSynced : UNKNOWN_YET}</dd>
            </dl>
            ${status && status.integrity.length > 0 ? renderRelayProblems(locale, status.integrity, () => void state.dismissRelayProblems(org.id)) : nothing}
            ${status?.lastError ? this.#renderLastProblem(locale, status.lastError) : nothing}`
          : html`<p>${this.#t('app.localOnly', { org: this.#orgName(org) })}</p>`}
        <div class="panel-actions">
          ${org.isDefault ? nothing : html`<button class="p2p-button primary" @click=${() => void this.#openDialog('invite', org.id)}>${this.#t(org.roomId ? 'app.invite' : 'app.share')}</button>`}
          ${org.roomId ? html`<button class="p2p-button members" @click=${() => void this.#openMembers('members', org.id)}>${this.#t('members.label')}</button>` : nothing}
          <button class="p2p-button" @click=${() => void this.#openDialog('account')}>${state.account.signedIn?.email ?? this.#t(state.account.sessionEndedFor ? 'app.signInAgain' : 'app.signInForRelay')}</button>
        </div>
      </section>
    `;
  }

  /**
   * Renders the views not yet on the page, hidden, one per idle period, the calendar first: building one is the
   * larger part of opening it, and each is a task of its own, so that none keeps the device busy for long. Not
   * before the org's document has loaded: that is what an edit waits for, and it loads in idle time too.
   */
  #renderAheadWhenIdle(): void {
    const session = this._session!;
    if (this.#renderingAheadFor === session || APP_VIEWS.every((view) => this.#renderedViews.has(view))) return;
    this.#renderingAheadFor = session;
    void session.loadedDoc().then(() =>
      whenIdle(() => {
        this.#renderingAheadFor = undefined;
        const next = APP_VIEWS.find((view) => !this.#renderedViews.has(view));
        if (!next || !this.isConnected || this._session !== session) return;
        this.#renderedViews.add(next);
        this.requestUpdate();
      }),
    );
  }

  /**
   * A view's element; kept, inert and unrendered, while another view is shown (or before it is first shown, once
   * rendered ahead), so that showing it neither builds it again nor lays out its thousands of nodes again
   * (`content-visibility: hidden` keeps that work; `display: none` threw it away).
   */
  #renderView(view: AppView, org: Org, hidden: boolean) {
    const session = this._session!;
    switch (view) {
      case 'calendar':
        return html`<p2p-calendar
          class=${classMap({ kept: hidden })} ?inert=${hidden}
          .session=${session}
          date=${ifDefined(this._route.date || undefined)}
          locale=${ifDefined(this.locale || undefined)}
          birthdays
          @p2p-contact-open=${(event: CustomEvent<{ contactId: string }>) => this.#navigate({ ...this._route, view: 'contacts', contact: event.detail.contactId }, { push: true })}
          @p2p-view-change=${(event: CustomEvent<ViewChangeDetail>) => {
            if (event.detail.date !== this._route.date) this.#navigate({ ...this._route, date: event.detail.date }, { push: this._route.date !== '' });
          }}
        ></p2p-calendar>`;
      case 'contacts':
        return html`<p2p-contacts
          class=${classMap({ kept: hidden })} ?inert=${hidden}
          .session=${session}
          contact=${this._route.contact}
          locale=${this.locale}
          @p2p-contact-open=${(event: CustomEvent<{ contactId: string }>) => this.#navigate({ ...this._route, contact: event.detail.contactId }, { push: true })}
          @p2p-request-new-appointment=${(event: CustomEvent<{ contactId: string }>) => void this.#newAppointment(event.detail.contactId)}
        ></p2p-contacts>`;
      case 'reminders':
        return html`<section class=${classMap({ page: true, kept: hidden })} ?inert=${hidden}>
          <h1>${this.#t('app.view.reminders')}</h1>
          <p2p-reminders .session=${session} hours=${REMINDERS_AHEAD_HOURS} locale=${ifDefined(this.locale || undefined)}></p2p-reminders>
        </section>`;
      case 'settings':
        return this.#renderSettings(org, hidden);
    }
  }

  /** "New appointment" on a contact's card: the calendar's create dialog with the contact as attendee. */
  async #newAppointment(contactId: string): Promise<void> {
    this.#navigate({ ...this._route, view: 'calendar' }, { push: true });
    await this.updateComplete;
    this.renderRoot.querySelector('p2p-calendar')?.openNewEvent({ attendees: [contactId] });
  }

  #renderSettings(org: Org, hidden: boolean) {
    const state = this.state!;
    return html`
      <section class=${classMap({ page: true, settings: true, kept: hidden })} ?inert=${hidden}>
        <h1>${this.#t('app.view.settings')}</h1>
        <form
          class="org-settings"
          aria-label=${this.#t('app.thisOrg')}
          @submit=${(event: SubmitEvent) => {
            event.preventDefault();
            const data = new FormData(event.target as HTMLFormElement);
            void state.rename(org.id, String(data.get('name'))).then(() => state.recolour(org.id, String(data.get('color'))));
          }}
        >
          <h2>${this.#orgName(org)}</h2>
          <label>${this.#t('app.name')} <input name="name" .value=${this.#orgName(org)} required /></label>
          <label>${this.#t('app.colour')} <input name="color" type="color" .value=${org.color} /></label>
          <div class="row">
            <button class="p2p-button primary">${this.#t('app.save')}</button>
            ${org.isDefault ? nothing : html`<button type="button" class="p2p-button" @click=${() => void this.#openDialog('invite', org.id)}>${this.#t(org.roomId ? 'app.invite' : 'app.share')}</button>`}
            ${org.isDefault ? nothing : html`<button type="button" class="p2p-button danger" @click=${() => void this.#openDialog('leave', org.id)}>${this.#t('app.leave')}</button>`}
          </div>
          ${org.isDefault ? html`<p class="muted">${this.#t('app.personalStays')}</p>` : nothing}
        </form>
        <section aria-label=${this.#t('app.account')}>
          <h2>${this.#t('app.account')}</h2>
          <p>${this.#accountStatus(state.account)}</p>
          <button class="p2p-button" @click=${() => void this.#openDialog('account')}>${this.#t(state.account.signedIn ? 'app.accountButton' : 'app.signIn')}</button>
        </section>
      </section>
    `;
  }

  /** Signed in, signed out by the person, or signed out because the session could not be renewed: then say so. */
  #accountStatus(account: Account): string {
    if (account.signedIn) return this.#t('app.signedInAs', { email: account.signedIn.email });
    if (account.sessionEndedFor) return this.#t('app.sessionEnded', { email: account.sessionEndedFor });
    return this.#t('app.notSignedIn');
  }

  #renderOnboarding() {
    return html`
      <div class="onboarding" role="dialog" aria-modal="true" aria-labelledby="welcome">
        <div class="welcome-card">
          <h1 id="welcome">${this.#t('app.welcome')}</h1>
          <p>${this.#t('app.welcomeText')}</p>
          <div class="choices">
            <button class="choice" @click=${() => this.#finishOnboarding(false)}>
              <strong>${this.#t('app.startHere')}</strong>
              <span>${this.#t('app.startHereText')}</span>
            </button>
            <button class="choice" @click=${() => this.#finishOnboarding(true)}>
              <strong>${this.#t('app.join')}</strong>
              <span>${this.#t('app.joinText')}</span>
            </button>
          </div>
        </div>
      </div>
    `;
  }
}

/** A shared org's figures before its sync has started (once its document has loaded): the rows are there, unknown. */
const UNKNOWN_YET = '…';
const SYNC_LEVEL_TEXT: Record<SyncLevel, MessageKey> = {
  local: 'app.sync.local',
  offline: 'app.sync.offline',
  connecting: 'app.sync.connecting',
  waiting: 'app.sync.waiting',
  synced: 'app.sync.synced',
  untrusted: 'app.sync.untrusted',
};
const RELAY_TEXT: Record<OrgSyncStatus['relay'], MessageKey> = {
  off: 'app.relay.off',
  connecting: 'app.relay.connecting',
  websocket: 'app.relay.websocket',
  polling: 'app.relay.polling',
  offline: 'app.relay.offline',
  stopped: 'app.relay.stopped',
};

declare global {
  interface HTMLElementTagNameMap {
    'p2p-app': P2PApp;
  }
}
