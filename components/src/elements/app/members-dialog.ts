import { LitElement, css, html, nothing } from 'lit';
import type { OrgMembership, MembershipView } from '../../core/org/org-membership.ts';
import type { DeviceInfo } from '../../core/org/membership.ts';
import type { OrgRegistry } from '../../core/org/org-registry.ts';
import type { Org } from '../../core/records/records.ts';
import { exportRecoveryKit, openRecoveryKit, restoreRecoveryKit, RECOVERY_PASSPHRASE_MIN_LENGTH } from '../../core/org/recovery-kit.ts';
import { tokens } from '../shared/tokens.styles.ts';
import { buttonStyles } from '../shared/buttons.styles.ts';
import { fieldStyles } from '../shared/field.styles.ts';
import { message, type MessageKey } from '../shared/messages.ts';
import { formatTimeAgo, formatter, resolveLocale, textDirection } from '../shared/locale.ts';
import { encodeQrCode, qrCodeImage, type QrCode } from '../shared/qr-code.ts';
import { printRecoveryKit } from './recovery-kit-print.ts';
import { emit } from '../shared/p2p-event.ts';
import '../../define/p2p-dialog.ts';
import { MessagesController } from '../shared/messages-controller.ts';

declare module '../shared/p2p-event.ts' {
  interface P2PEventMap {
    'p2p-org-restored': CustomEvent<{ orgId: string }>;
  }
}
declare global {
  interface GlobalEventHandlersEventMap {
    'p2p-org-restored': CustomEvent<{ orgId: string }>;
  }
}

/** What a recovery kit is made of besides the current epoch, which comes from the member list. */
export interface KitSource {
  org: Pick<Org, 'id' | 'name' | 'color'> & { roomId: string };
  /** The org's first key. */
  orgKey: Uint8Array;
}

interface Member {
  memberId: string;
  memberName: string;
  devices: DeviceInfo[];
}

/** A removal waiting for its confirmation. */
interface PendingRemoval {
  name: string;
  deviceIds: string[];
}

/** A kit made in this dialog, as shown until the dialog closes. */
interface MadeKit {
  text: string;
  qrCode: QrCode;
  madeAt: number;
}

/** A minute: the smallest unit "last seen" is told in. */
const LAST_SEEN_REFRESH_MS = 60_000;

const ERROR_KEYS = new Set(['PASSPHRASE_TOO_SHORT', 'MALFORMED_KIT', 'WRONG_PASSPHRASE', 'KIT_REPLACED', 'ORG_ID_TAKEN', 'NOT_A_MEMBER']);

/**
 * The org's members and their devices, in the app's org settings: each device's name (editable), who added it,
 * when it joined and when this device last saw it (connected now, or how long ago: `OrgMembership.lastSeen`); removing a device or a member after a confirmation that says what removal can and cannot do; a
 * recovery kit made under a passphrase, shown as text and a QR code, to copy or print on a sheet of its own. With `mode="restore"`, the other end of a kit: a new device restores the
 * org from one. What it shows and does is the core's member list (`OrgMembership`); it holds no state of its own
 * beyond what is being typed.
 *
 * @tagname p2p-members-dialog
 * @summary Members and devices of an org, removal and recovery kits.
 * @fires {CustomEvent<{ orgId: string }>} p2p-org-restored - When a recovery kit was restored: show the org and sync it.
 * @fires {CustomEvent<DialogCloseDetail>} p2p-dialog-close - When the dialog closes (from its `<p2p-dialog>`), with `detail.returnValue`.
 * @csspart qr-code - The recovery kit's QR code (an `<svg>`), black on white in every theme.
 */
export class P2PMembersDialog extends LitElement {
  static override styles = [
    tokens,
    buttonStyles,
    fieldStyles,
    css`
      :host {
        --p2p-dialog-width: min(36rem, 100vw - 2rem);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .members {
        display: flex;
        flex-direction: column;
        gap: var(--_p2p-space-3);
      }
      .member-head,
      .device {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: var(--_p2p-space-2);
      }
      h3 {
        margin: 0;
        font-size: var(--_p2p-font-size, 1rem);
      }
      .device {
        padding: var(--_p2p-space-2) 0;
        border-top: 1px solid var(--_p2p-color-border);
      }
      .device-name {
        font-weight: 500;
      }
      .muted,
      .hint {
        color: var(--_p2p-color-text-muted);
        font-size: var(--_p2p-font-size-small);
      }
      .actions {
        display: flex;
        gap: var(--_p2p-space-2);
      }
      form,
      section {
        display: flex;
        flex-direction: column;
        gap: var(--_p2p-space-2);
      }
      section {
        margin-top: var(--_p2p-space-4, 1.5rem);
      }
      h2 {
        margin: 0;
        font-size: 1.05rem;
      }
      label {
        display: flex;
        flex-direction: column;
        gap: var(--_p2p-space-1);
        font-weight: 500;
      }
      textarea {
        font: 0.85rem/1.3 ui-monospace, 'SFMono-Regular', Menlo, monospace;
        word-break: break-all;
        min-height: 6rem;
      }
      /* Spacing comes from the flex gaps; a paragraph's own margins would add to them. */
      p {
        margin: 0;
      }
      .notice {
        margin-bottom: var(--_p2p-space-3);
        padding: var(--_p2p-space-2) var(--_p2p-space-3);
        border: 1px solid var(--_p2p-color-warning);
        border-radius: var(--_p2p-radius-small);
      }
      .error {
        color: var(--_p2p-color-danger);
      }
      .last-seen.online {
        color: var(--_p2p-color-accent);
      }
      .made-kit {
        display: grid;
        grid-template-columns: minmax(8rem, 12rem) 1fr;
        gap: var(--_p2p-space-3);
        align-items: start;
      }
      @media (max-width: 30rem) {
        .made-kit {
          grid-template-columns: 1fr;
        }
      }
      .qr-code {
        display: block;
        width: 100%;
        max-width: 12rem;
        border-radius: var(--_p2p-radius-small);
      }
    `,
  ];

  static override properties = {
    membership: { attribute: false },
    kitSource: { attribute: false },
    registry: { attribute: false },
    mode: { type: String },
    locale: { type: String },
    _view: { state: true },
    _renaming: { state: true },
    _confirming: { state: true },
    _kit: { state: true },
    _error: { state: true },
    _busy: { state: true },
    _copied: { state: true },
  };

  /** The org's member list on this device (mode `members`). */
  declare membership: OrgMembership | undefined;
  /** The org and its first key, for recovery kits (mode `members`). */
  declare kitSource: KitSource | undefined;
  /** The device's orgs, to restore into (mode `restore`). */
  declare registry: OrgRegistry | undefined;
  declare mode: 'members' | 'restore';
  declare locale: string;
  declare _view: MembershipView | undefined;
  declare _renaming: string | undefined;
  declare _confirming: PendingRemoval | undefined;
  declare _kit: MadeKit | undefined;
  declare _error: string | undefined;
  declare _busy: boolean;
  declare _copied: boolean;
  #following: OrgMembership | undefined;
  readonly #onChange = (view: MembershipView) => {
    this._view = view;
  };
  readonly #onSeen = () => this.requestUpdate();
  /** "Last seen 5 minutes ago" grows older while the dialog is open. */
  #ageing: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    new MessagesController(this);
    this.mode = 'members';
    this.locale = '';
    this._busy = false;
    this._copied = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#follow(undefined);
    this.renderRoot.querySelector('iframe.kit-print')?.remove();
  }

  protected override willUpdate(): void {
    if (this.membership !== this.#following) this.#follow(this.membership);
  }

  #follow(membership: OrgMembership | undefined): void {
    this.#following?.off('change', this.#onChange);
    this.#following?.lastSeen.off('change', this.#onSeen);
    clearInterval(this.#ageing);
    this.#following = membership;
    membership?.on('change', this.#onChange);
    membership?.lastSeen.on('change', this.#onSeen);
    if (membership) this.#ageing = setInterval(this.#onSeen, LAST_SEEN_REFRESH_MS);
    this._view = membership?.view;
  }

  /** What was wrong no longer shows once the person changes what they typed. */
  readonly #clearError = () => {
    this._error = undefined;
  };

  #t(key: MessageKey, params: Record<string, string | number> = {}): string {
    return message(resolveLocale(this.locale), key, params);
  }

  #errorText(err: unknown): string {
    const code = (err as { code?: string }).code;
    if (code && ERROR_KEYS.has(code)) return this.#t(`members.error.${code}` as MessageKey, { count: RECOVERY_PASSPHRASE_MIN_LENGTH });
    return this.#t('members.error.other', { reason: (err as Error).message });
  }

  async #act(action: () => Promise<void>): Promise<void> {
    this._busy = true;
    this._error = undefined;
    try {
      await action();
    } catch (err) {
      this._error = this.#errorText(err);
    } finally {
      this._busy = false;
    }
  }

  override render() {
    const label = this.#t(this.mode === 'restore' ? 'members.restoreTitle' : 'members.label');
    return html`<p2p-dialog open label=${label}>
      ${this.mode === 'restore' ? this.#renderRestore() : this.#renderMembers()}
      ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
    </p2p-dialog>`;
  }

  #renderMembers() {
    const view = this._view;
    if (!view) return nothing;
    if (this._confirming) return this.#renderConfirmation(this._confirming);
    const me = view.membership.statusOf(this.#deviceId);
    return html`
      ${me === 'removed' ? html`<p class="notice" role="status">${this.#t('members.removed')}</p>` : nothing}
      ${me === 'waiting' ? html`<p class="notice" role="status">${this.#t('members.waiting')}</p>` : nothing}
      <ul class="members">
        ${this.#members(view).map((member) => this.#renderMember(member, me === 'member'))}
      </ul>
      ${me === 'member' ? this.#renderKit() : nothing}
    `;
  }

  get #deviceId(): string {
    return this.membership?.deviceId ?? '';
  }

  #members(view: MembershipView): Member[] {
    const byMember = new Map<string, Member>();
    for (const id of view.membership.current.members) {
      const device = view.membership.devices.get(id);
      if (!device) continue;
      const member = byMember.get(device.memberId) ?? { memberId: device.memberId, memberName: device.memberName, devices: [] };
      member.devices.push(device);
      byMember.set(device.memberId, member);
    }
    return [...byMember.values()].sort((a, b) => a.memberName.localeCompare(b.memberName));
  }

  #renderMember(member: Member, canAct: boolean) {
    const mine = member.devices.some((device) => device.deviceId === this.#deviceId);
    return html`<li class="member">
      <div class="member-head">
        <h3>${member.memberName}</h3>
        ${canAct && !mine
          ? html`<button
              type="button"
              class="p2p-button danger remove-member"
              aria-label=${this.#t('members.removeMemberLabel', { name: member.memberName })}
              @click=${() => (this._confirming = { name: member.memberName, deviceIds: member.devices.map((device) => device.deviceId) })}
            >
              ${this.#t('members.removeMember')}
            </button>`
          : nothing}
      </div>
      <ul>
        ${member.devices.map((device) => this.#renderDevice(device, canAct))}
      </ul>
    </li>`;
  }

  #renderDevice(device: DeviceInfo, canAct: boolean) {
    const view = this._view!;
    const isMe = device.deviceId === this.#deviceId;
    // Who added a device, not which of their devices: a person is what the reader recognises.
    const addedBy = device.addedBy ? view.membership.devices.get(device.addedBy)?.memberName : undefined;
    const joined = this.#date(device.joinedAt);
    if (this._renaming === device.deviceId) {
      return html`<li class="device" data-device=${device.deviceId}>
        <form class="rename" @submit=${(event: SubmitEvent) => this.#rename(event, device.deviceId)}>
          <label>
            ${this.#t('members.renameLabel', { name: device.name })}
            <input name="name" required maxlength="80" .value=${device.name} autofocus />
          </label>
          <div class="actions">
            <button type="submit" class="p2p-button primary">${this.#t('members.save')}</button>
            <button type="button" class="p2p-button" @click=${() => (this._renaming = undefined)}>${this.#t('members.cancel')}</button>
          </div>
        </form>
      </li>`;
    }
    return html`<li class="device" data-device=${device.deviceId}>
      <div>
        <div class="device-name">${isMe ? this.#t('members.thisDevice', { name: device.name }) : device.name}</div>
        <div class="muted">
          ${addedBy ? this.#t('members.addedBy', { name: addedBy }) : this.#t('members.founding')} ·
          ${this.#t('members.joined', { date: joined })}
        </div>
        ${isMe ? nothing : this.#renderLastSeen(device.deviceId)}
      </div>
      ${canAct
        ? html`<div class="actions">
            <button type="button" class="p2p-button rename-device" @click=${() => (this._renaming = device.deviceId)}>${this.#t('members.rename')}</button>
            ${isMe
              ? nothing
              : html`<button
                  type="button"
                  class="p2p-button danger remove-device"
                  aria-label=${this.#t('members.removeDeviceLabel', { name: device.name })}
                  @click=${() => (this._confirming = { name: device.name, deviceIds: [device.deviceId] })}
                >
                  ${this.#t('members.removeDevice')}
                </button>`}
          </div>`
        : nothing}
    </li>`;
  }

  #renderConfirmation(pending: PendingRemoval) {
    return html`<section class="confirm" aria-labelledby="confirm-title">
      <h2 id="confirm-title">${this.#t('members.confirmTitle', { name: pending.name })}</h2>
      <p>${this.#t('members.confirmCan')}</p>
      <p>${this.#t('members.confirmCannot')}</p>
      <div class="actions">
        <button type="button" class="p2p-button danger confirm-removal" ?disabled=${this._busy} @click=${() => void this.#remove(pending)}>
          ${this.#t('members.confirm')}
        </button>
        <button type="button" class="p2p-button cancel-removal" @click=${() => (this._confirming = undefined)} autofocus>${this.#t('members.cancel')}</button>
      </div>
    </section>`;
  }

  /** As this device saw it: peers it is connected to, else its last sighting (org/last-seen.ts). */
  #renderLastSeen(deviceId: string) {
    const lastSeen = this.membership!.lastSeen;
    if (lastSeen.isOnline(deviceId)) return html`<div class="last-seen online">${this.#t('members.onlineNow')}</div>`;
    const seen = lastSeen.of(deviceId);
    const text = seen
      ? this.#t('members.lastSeen', { when: formatTimeAgo(seen.at, Date.now(), resolveLocale(this.locale)) })
      : this.#t('members.notSeenYet');
    return html`<div class="last-seen muted">${text}</div>`;
  }

  #renderKit() {
    const rotatedAt = this._view?.epoch.rotation?.body.createdAt;
    return html`<section class="kit" aria-labelledby="kit-title">
      <h2 id="kit-title">${this.#t('members.kitTitle')}</h2>
      <p class="hint">${this.#t('members.kitHint')}</p>
      ${rotatedAt !== undefined && !this._kit
        ? html`<p class="notice kits-replaced">${this.#t('members.kitsReplaced', { date: this.#date(rotatedAt) })}</p>`
        : nothing}
      <form @submit=${(event: SubmitEvent) => this.#makeKit(event)} @input=${this.#clearError}>
        <label>
          ${this.#t('members.passphrase', { count: RECOVERY_PASSPHRASE_MIN_LENGTH })}
          <input name="passphrase" type="password" autocomplete="new-password" required />
        </label>
        <button type="submit" class="p2p-button make-kit" ?disabled=${this._busy}>${this.#t('members.makeKit')}</button>
      </form>
      ${this._kit ? this.#renderMadeKit(this._kit) : nothing}
    </section>`;
  }

  #renderMadeKit(kit: MadeKit) {
    return html`<div class="made-kit">
      ${qrCodeImage(kit.qrCode, this.#t('members.kitQrCode'))}
      <div class="kit-actions-and-text">
        <label>
          ${this.#t('members.kitText')}
          <textarea class="kit-text" readonly .value=${kit.text}></textarea>
        </label>
        <div class="actions">
          <button type="button" class="p2p-button primary print-kit" @click=${() => void this.#printKit(kit)}>${this.#t('members.printKit')}</button>
          <button type="button" class="p2p-button copy-kit" @click=${() => void this.#copyKit(kit)}>${this.#t('members.copyKit')}</button>
        </div>
        <p class="hint" role="status">${this._copied ? this.#t('members.kitCopied') : nothing}</p>
      </div>
    </div>`;
  }

  #date(at: number): string {
    return formatter(resolveLocale(this.locale), { dateStyle: 'medium' }).format(at);
  }

  #renderRestore() {
    return html`<form class="restore" @submit=${(event: SubmitEvent) => this.#restore(event)} @input=${this.#clearError}>
      <label>
        ${this.#t('members.kit')}
        <textarea name="kit" required autofocus></textarea>
      </label>
      <label>
        ${this.#t('members.passphrase', { count: RECOVERY_PASSPHRASE_MIN_LENGTH })}
        <input name="passphrase" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit" class="p2p-button primary" ?disabled=${this._busy}>${this.#t('members.restore')}</button>
    </form>`;
  }

  async #rename(event: SubmitEvent, deviceId: string): Promise<void> {
    event.preventDefault();
    const name = String(new FormData(event.target as HTMLFormElement).get('name') ?? '').trim();
    if (!name || !this.membership) return;
    await this.#act(async () => {
      await this.membership!.rename(deviceId, name);
      this._renaming = undefined;
    });
  }

  async #remove(pending: PendingRemoval): Promise<void> {
    await this.#act(async () => {
      await this.membership!.remove(pending.deviceIds);
      this._confirming = undefined;
    });
  }

  async #makeKit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const passphrase = String(new FormData(event.target as HTMLFormElement).get('passphrase') ?? '');
    const view = this._view;
    if (!view || !this.kitSource) return;
    await this.#act(async () => {
      this._kit = undefined;
      this._copied = false;
      this.renderRoot.querySelector('iframe.kit-print')?.remove();
      const text = await exportRecoveryKit({ ...this.kitSource!, epoch: { id: view.epoch.id, number: view.epoch.number, key: view.epochKey } }, passphrase);
      this._kit = { text, qrCode: await encodeQrCode(text), madeAt: Date.now() };
    });
  }

  async #printKit(kit: MadeKit): Promise<void> {
    const locale = resolveLocale(this.locale);
    await printRecoveryKit(this.renderRoot as ShadowRoot, {
      lang: locale,
      dir: textDirection(locale),
      title: this.#t('members.kitSheetTitle', { org: this.kitSource?.org.name ?? '' }),
      paragraphs: [
        this.#t('members.kitSheetMade', { date: this.#date(kit.madeAt) }),
        this.#t('members.kitSheetRestore'),
        this.#t('members.kitSheetApart'),
      ],
      qrCode: this.renderRoot.querySelector<SVGElement>('svg.qr-code')!,
      kit: kit.text,
    });
  }

  async #copyKit(kit: MadeKit): Promise<void> {
    await this.#act(async () => {
      await navigator.clipboard.writeText(kit.text);
      this._copied = true;
    });
  }

  async #restore(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    if (!this.registry) return;
    await this.#act(async () => {
      const contents = await openRecoveryKit(String(form.get('kit') ?? ''), String(form.get('passphrase') ?? ''));
      const org = await restoreRecoveryKit(this.registry!, contents);
      emit(this, 'p2p-org-restored', { orgId: org.id });
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'p2p-members-dialog': P2PMembersDialog;
  }
}
