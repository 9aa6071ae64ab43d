/**
 * The dialogs of `<p2p-app>` that only some people open, loaded the first time one is: create an org, share and
 * invite (password with a strength meter, then the share code, its countdown and the outcome), join with a code
 * and password, leave, and the account (sign up, sign in, sign out).
 *
 * @summary Org and account dialogs of the app.
 * @fires p2p-dialog-close - When the dialog closes (from `<p2p-dialog>`).
 */
import { LitElement, css, html, nothing } from 'lit';
import { MIN_PASSWORD_LENGTH } from '#protocol';
import {
  assessOrgPassword,
  INVITE_PROTOCOL_VERSION,
  InviteError,
  ORG_PASSWORD_MIN_LENGTH,
  OrgRegistryError,
  type Invitation,
  type InvitationState,
  type InviteRedemption,
} from '../../core/index.ts';
import { tokens } from '../shared/tokens.styles.ts';
import { buttonStyles } from '../shared/buttons.styles.ts';
import { fieldStyles } from '../shared/field.styles.ts';
import '../../define/p2p-dialog.ts';
import type { AppState } from './app-state.ts';
import { resolveLocale } from '../shared/locale.ts';
import { message, messageParts, plural, type MessageKey } from '../shared/messages.ts';
import { accountErrorMessage, formatWait } from './account.ts';
import { errorText } from '../shared/core-reasons.ts';
import { RECOMMENDED_PASSWORD_LENGTH, passwordStrength, type PasswordStrength } from './password-strength.ts';
import { MessagesController } from '../shared/messages-controller.ts';

export type OrgDialogKind = 'create' | 'invite' | 'join' | 'leave' | 'account';

const STRENGTH_TEXT: Record<PasswordStrength, MessageKey> = {
  'too-short': 'org.strength.too-short',
  weak: 'org.strength.weak',
  fair: 'org.strength.fair',
  strong: 'org.strength.strong',
};

const ORG_COLOURS = ['#0e7490', '#7c3aed', '#c2410c', '#15803d', '#be185d', '#1d4ed8'];

/** What the joiner (or the inviter, for a password too short) reads for each way an invite can fail. */
function inviteErrorMessage(error: unknown, locale: string): string {
  if (error instanceof OrgRegistryError && error.code === 'ORG_ID_TAKEN') return message(locale, 'org.error.ORG_ID_TAKEN');
  if (!(error instanceof InviteError)) return message(locale, 'app.somethingWrong');
  switch (error.code) {
    case 'CODE_INVALID':
    case 'NETWORK':
    case 'TOO_MANY_TRIES':
    case 'INVITER_UNREACHABLE':
      return message(locale, `org.error.${error.code}`);
    case 'WRONG_PASSWORD':
      return plural(locale, 'org.wrongPassword', error.triesLeft ?? 0);
    case 'RATE_LIMITED':
      return message(locale, 'org.error.RATE_LIMITED', { wait: formatWait(error.retryAfter ?? 60, locale) });
    case 'PASSWORD_TOO_SHORT':
      return message(locale, 'org.passwordTooShort', { count: ORG_PASSWORD_MIN_LENGTH });
    case 'INVITE_VERSION':
      return message(locale, (error.inviterVersion ?? 0) < INVITE_PROTOCOL_VERSION ? 'org.error.inviteOlder' : 'org.error.inviteNewer');
    default:
      return message(locale, 'org.error.other');
  }
}

export class P2POrgDialog extends LitElement {
  static override styles = [
    tokens,
    buttonStyles,
    fieldStyles,
    css`
      form {
        display: flex;
        flex-direction: column;
        gap: var(--_p2p-space-3);
      }
      label {
        display: flex;
        flex-direction: column;
        gap: var(--_p2p-space-1);
        font-weight: 500;
      }
      .colours {
        display: flex;
        gap: var(--_p2p-space-2);
        border: none;
        padding: 0;
        margin: 0;
      }
      .colours input {
        appearance: none;
        width: 1.75rem;
        height: 1.75rem;
        min-height: 0;
        border-radius: 50%;
        border: 2px solid transparent;
        background: var(--swatch);
        cursor: pointer;
      }
      .colours input:checked {
        border-color: var(--_p2p-color-text);
        box-shadow: inset 0 0 0 2px var(--_p2p-color-bg);
      }
      meter {
        width: 100%;
      }
      .hint,
      .muted {
        color: var(--_p2p-color-text-muted);
        font-size: var(--_p2p-font-size-small);
        font-weight: 400;
      }
      .error {
        margin: 0;
        color: var(--_p2p-color-danger);
      }
      .code {
        margin: var(--_p2p-space-2) 0;
        font: 600 2.5rem/1.1 ui-monospace, 'SFMono-Regular', Menlo, monospace;
        letter-spacing: 0.08em;
        text-align: center;
        user-select: all;
      }
      .countdown {
        text-align: center;
        font-variant-numeric: tabular-nums;
      }
      .waiting {
        display: flex;
        align-items: center;
        gap: var(--_p2p-space-2);
      }
      .spinner {
        width: 1rem;
        height: 1rem;
        border: 2px solid var(--_p2p-color-border);
        border-top-color: var(--_p2p-color-accent);
        border-radius: 50%;
        animation: spin 1s linear infinite;
      }
      @keyframes spin {
        to {
          transform: rotate(360deg);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .spinner {
          animation: none;
        }
      }
      ul {
        margin: 0;
        padding-inline-start: 1.25rem;
      }
    `,
  ];

  static override properties = {
    kind: { type: String },
    locale: { type: String },
    orgId: { attribute: 'org-id' },
    state: { attribute: false },
    _error: { state: true },
    _busy: { state: true },
    _password: { state: true },
    _invitation: { state: true },
    _now: { state: true },
    _mode: { state: true },
  };

  declare kind: OrgDialogKind;
  /** BCP 47 tag of the language spoken; empty for the browser's. */
  declare locale: string;
  declare orgId: string;
  declare state: AppState | undefined;
  declare _error: string;
  declare _busy: boolean;
  declare _password: string;
  declare _invitation: { invitation: Invitation; outcome: InvitationState; wrongTries: number } | undefined;
  declare _now: number;
  declare _mode: 'sign-in' | 'sign-up';
  #redemption: { code: string; redemption: InviteRedemption } | undefined;
  #ticker: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    new MessagesController(this);
    this.kind = 'create';
    this.locale = '';
    this.orgId = '';
    this.state = undefined;
    this._error = '';
    this._busy = false;
    this._password = '';
    this._invitation = undefined;
    this._now = Date.now();
    this._mode = 'sign-in';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#ticker);
    if (this._invitation?.outcome === 'waiting') this._invitation.invitation.cancel();
  }

  protected override render() {
    const [label, body] = this.#content();
    return html`<p2p-dialog open label=${label}>${body}</p2p-dialog>`;
  }

  get #locale(): string {
    return resolveLocale(this.locale);
  }

  #t(key: MessageKey, params?: Record<string, string | number>): string {
    return message(this.#locale, key, params);
  }

  #content(): [string, unknown] {
    switch (this.kind) {
      case 'create':
        return [this.#t('org.createTitle'), this.#renderCreate()];
      case 'invite':
        return [this.#t(this._invitation ? 'org.inviteTitle' : 'org.shareTitle'), this._invitation ? this.#renderInvitation() : this.#renderSharePassword()];
      case 'join':
        return [this.#t('org.joinTitle'), this.#renderJoin()];
      case 'leave':
        return [this.#t('org.leaveTitle'), this.#renderLeave()];
      case 'account':
        return [this.#t('org.accountTitle'), this.#renderAccount()];
    }
  }

  #close(): void {
    this.renderRoot.querySelector('p2p-dialog')?.close('done');
  }

  async #run(action: () => Promise<void>, describe: (error: unknown, locale: string) => string): Promise<void> {
    this._busy = true;
    this._error = '';
    try {
      await action();
    } catch (error) {
      this._error = describe(error, this.#locale);
    } finally {
      this._busy = false;
    }
  }

  #errorLine() {
    return this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing;
  }

  #renderCreate() {
    return html`
      <form
        id="create-form"
        @submit=${(event: SubmitEvent) => {
          event.preventDefault();
          const data = new FormData(event.target as HTMLFormElement);
          void this.#run(
            async () => {
              await this.state!.createOrg(String(data.get('name') ?? ''), String(data.get('color') ?? ORG_COLOURS[0]));
              this.#close();
            },
            (error, locale) => errorText(locale, error),
          );
        }}
      >
        <label>${this.#t('org.name')} <input name="name" required autocomplete="organization" autofocus /></label>
        ${this.#colourPicker(ORG_COLOURS[0]!)} ${this.#errorLine()}
      </form>
      <button slot="footer" type="submit" form="create-form" class="p2p-button primary" ?disabled=${this._busy}>${this.#t('org.create')}</button>
    `;
  }

  #colourPicker(current: string) {
    return html`
      <fieldset class="colours">
        <legend class="hint">${this.#t('org.colour')}</legend>
        ${ORG_COLOURS.map(
          (colour, index) =>
            html`<input
              type="radio"
              name="color"
              value=${colour}
              aria-label=${this.#t('org.colourNumber', { number: index + 1 })}
              style=${`--swatch:${colour}`}
              ?checked=${colour === current}
            />`,
        )}
      </fieldset>
    `;
  }

  #renderSharePassword() {
    const strength = passwordStrength(this._password);
    const level = { 'too-short': 0, weak: 1, fair: 2, strong: 3 }[strength];
    return html`
      <form
        id="share-form"
        @submit=${(event: SubmitEvent) => {
          event.preventDefault();
          if (assessOrgPassword(this._password).problems.includes('TOO_SHORT')) {
            this._error = this.#t('org.passwordTooShort', { count: ORG_PASSWORD_MIN_LENGTH });
            return;
          }
          void this.#run(() => this.#openInvite(), inviteErrorMessage);
        }}
      >
        <p>${this.#t('org.sharePrompt')}</p>
        <label>
          ${this.#t('org.password')}
          <input
            name="password"
            type="password"
            autocomplete="new-password"
            autofocus
            aria-describedby="strength"
            .value=${this._password}
            @input=${(event: InputEvent) => (this._password = (event.target as HTMLInputElement).value)}
          />
        </label>
        <meter min="0" max="3" low="1.5" high="2.5" optimum="3" value=${level} aria-label=${this.#t('org.strengthLabel')}></meter>
        <span id="strength" class="hint">
          ${this.#t('org.strengthHint', { strength: this.#t(STRENGTH_TEXT[strength], { count: RECOMMENDED_PASSWORD_LENGTH }), count: RECOMMENDED_PASSWORD_LENGTH })}
        </span>
        ${this.#errorLine()}
      </form>
      <button slot="footer" type="submit" form="share-form" class="p2p-button primary" ?disabled=${this._busy}>
        ${this.#t(this._busy ? 'org.preparing' : 'org.createInvite')}
      </button>
    `;
  }

  async #openInvite(): Promise<void> {
    const invitation = await this.state!.invite(this.orgId, this._password);
    this._invitation = { invitation, outcome: 'waiting', wrongTries: 0 };
    invitation.on('state', (outcome) => {
      this._invitation = { ...this._invitation!, outcome };
      clearInterval(this.#ticker);
    });
    invitation.on('wrong-password', (triesLeft) => {
      this._invitation = { ...this._invitation!, wrongTries: this._invitation!.wrongTries + 1 };
      this._error = plural(this.#locale, 'org.someoneTriedWrong', triesLeft);
    });
    this.#ticker = setInterval(() => (this._now = Date.now()), 1000);
  }

  #renderInvitation() {
    const { invitation, outcome } = this._invitation!;
    const left = Math.max(0, Math.round((invitation.expiresAt - this._now) / 1000));
    const countdown = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
    return html`
      <p>${this.#t('org.giveCode')}</p>
      <p class="code" aria-label=${this.#t('org.codeLabel', { code: invitation.code.split('').join(' ') })}>${invitation.code}</p>
      ${outcome === 'waiting'
        ? html`
            <p class="countdown" aria-live="off">
              ${left > 0 ? messageParts(this.#locale, 'org.expiresIn', { countdown: html`<span role="timer">${countdown}</span>` }) : this.#t('org.codeExpired')}
            </p>
            <p class="waiting" role="status"><span class="spinner" aria-hidden="true"></span> ${this.#t('org.waitingForThem')}</p>
          `
        : html`<p role="status">${this.#t(`org.invitation.${outcome}`)}</p>`}
      ${this.#errorLine()}
      <button
        slot="footer"
        class="p2p-button"
        @click=${() => {
          void navigator.clipboard?.writeText(invitation.code);
          this._error = '';
        }}
      >
        ${this.#t('org.copyCode')}
      </button>
      <button
        slot="footer"
        class="p2p-button ${outcome === 'waiting' ? '' : 'primary'}"
        @click=${() => {
          if (outcome === 'waiting') invitation.cancel();
          this.#close();
        }}
      >
        ${this.#t(outcome === 'waiting' ? 'org.cancelInvite' : 'org.done')}
      </button>
    `;
  }

  #renderJoin() {
    return html`
      <form
        id="join-form"
        @submit=${(event: SubmitEvent) => {
          event.preventDefault();
          const data = new FormData(event.target as HTMLFormElement);
          void this.#run(() => this.#join(String(data.get('code') ?? ''), String(data.get('password') ?? '')), inviteErrorMessage);
        }}
      >
        <p>${this.#t('org.joinPrompt')}</p>
        <label>${this.#t('org.shareCode')} <input name="code" required autocomplete="off" autocapitalize="characters" placeholder="XXXX-XXXX" autofocus /></label>
        <label>${this.#t('org.password')} <input name="password" type="password" required autocomplete="current-password" /></label>
        ${this.#errorLine()}
      </form>
      <button slot="footer" type="submit" form="join-form" class="p2p-button primary" ?disabled=${this._busy}>${this.#t(this._busy ? 'org.joining' : 'org.join')}</button>
    `;
  }

  async #join(code: string, password: string): Promise<void> {
    const normalised = code.trim().toUpperCase().replace(/[^A-Z0-9]/g, '');
    // A wrong password keeps the redemption, so the next try needs no new code; another code starts afresh.
    if (this.#redemption?.code !== normalised) this.#redemption = { code: normalised, redemption: await this.state!.redeem(code) };
    const invited = await this.#redemption.redemption.tryPassword(password);
    await this.state!.adopt(invited);
    this.#close();
  }

  #renderLeave() {
    const org = this.state?.registry.get(this.orgId);
    return html`
      <p>${messageParts(this.#locale, 'org.leaveIntro', { org: html`<strong>${org?.name}</strong>` })}</p>
      <ul>
        <li>${this.#t('org.leaveData')}</li>
        <li>${this.#t('org.leaveKey')}</li>
      </ul>
      <p>${this.#t('org.leaveOthers')}</p>
      ${this.#errorLine()}
      <button slot="footer" class="p2p-button" @click=${() => this.#close()}>${this.#t('org.cancel')}</button>
      <button
        slot="footer"
        class="p2p-button danger"
        ?disabled=${this._busy}
        @click=${() =>
          void this.#run(
            async () => {
              await this.state!.leave(this.orgId);
              this.#close();
            },
            (error, locale) => errorText(locale, error),
          )}
      >
        ${this.#t('org.leave', { org: org?.name ?? '' })}
      </button>
    `;
  }

  #renderAccount() {
    const signedIn = this.state?.account.signedIn;
    if (signedIn) {
      return html`
        <p>${messageParts(this.#locale, 'account.signedIn', { email: html`<strong>${signedIn.email}</strong>` })}</p>
        <p class="muted">${this.#t('account.signOutKeeps')}</p>
        <button slot="footer" class="p2p-button" @click=${() => void this.state!.signOut().then(() => this.#close())}>${this.#t('account.signOut')}</button>
      `;
    }
    const signUp = this._mode === 'sign-up';
    const ended = this.state?.account.sessionEndedFor;
    return html`
      <form
        id="account-form"
        @submit=${(event: SubmitEvent) => {
          event.preventDefault();
          const data = new FormData(event.target as HTMLFormElement);
          void this.#run(async () => {
            await this.state!.signIn(String(data.get('email') ?? ''), String(data.get('password') ?? ''), { create: signUp });
            this.#close();
          }, accountErrorMessage);
        }}
      >
        ${ended ? html`<p role="status">${this.#t('app.sessionEnded', { email: ended })}</p>` : html`<p class="muted">${this.#t('account.why')}</p>`}
        <label>${this.#t('account.email')} <input name="email" type="email" required autocomplete="email" autofocus .value=${ended ?? ''} /></label>
        <label>
          ${this.#t('account.password')}
          <input name="password" type="password" required minlength=${signUp ? MIN_PASSWORD_LENGTH : 1} autocomplete=${signUp ? 'new-password' : 'current-password'} />
          ${signUp ? html`<span class="hint">${this.#t('account.passwordHint', { count: MIN_PASSWORD_LENGTH })}</span>` : nothing}
        </label>
        ${this.#errorLine()}
      </form>
      <button
        slot="footer"
        type="button"
        class="p2p-button"
        @click=${() => {
          this._mode = signUp ? 'sign-in' : 'sign-up';
          this._error = '';
        }}
      >
        ${this.#t(signUp ? 'account.haveAccount' : 'account.createAnAccount')}
      </button>
      <button slot="footer" type="submit" form="account-form" class="p2p-button primary" ?disabled=${this._busy}>${this.#t(signUp ? 'account.create' : 'account.signIn')}</button>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'p2p-org-dialog': P2POrgDialog;
  }
}
