/** `<p2p-dialog>`, the modal dialog every p2p element reuses; its contract is the class comment below. */
import { LitElement, css, html } from 'lit';
import { tokens } from './tokens.styles.ts';
import { buttonStyles } from './buttons.styles.ts';
import { emit } from './p2p-event.ts';
import { message, en } from './messages.ts';
import { MessagesController } from './messages-controller.ts';

export interface DialogCloseDetail {
  returnValue: string;
}

declare module './p2p-event.ts' {
  interface P2PEventMap {
    'p2p-dialog-close': CustomEvent<DialogCloseDetail>;
  }
}
declare global {
  interface GlobalEventHandlersEventMap {
    'p2p-dialog-close': CustomEvent<DialogCloseDetail>;
  }
}

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

/** The element that has focus, looking through shadow roots. */
export function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement ? active : null;
}

/**
 * A modal dialog for every p2p element, over the native `<dialog>`: the browser keeps it in the top layer, makes
 * the page behind it inert and closes it on Escape. On opening, focus goes to the first slotted control marked
 * `autofocus`, else the first focusable one; on closing, it returns to whatever had it before, even inside another
 * element's shadow root.
 *
 * ```html
 * <p2p-dialog label="Edit event" @p2p-dialog-close=${…}>
 *   <form>…</form>
 *   <button slot="footer" class="p2p-button">Cancel</button>
 * </p2p-dialog>
 * ```
 *
 * @tagname p2p-dialog
 * @summary A modal dialog with managed focus.
 * @slot - The dialog's content.
 * @slot footer - Actions, end-aligned.
 * @fires {CustomEvent<DialogCloseDetail>} p2p-dialog-close - When the dialog closes, with `detail.returnValue` (`'cancel'` for Escape or the close button).
 * @csspart dialog - The native `<dialog>`.
 * @csspart header - The heading row.
 * @csspart title - The heading.
 * @csspart close - The close button.
 * @csspart body - The content area.
 * @csspart footer - The actions row.
 * @cssproperty --p2p-dialog-width - The dialog's width (default `min(32rem, 100vw - 2rem)`).
 */
export class P2PDialog extends LitElement {
  static override styles = [
    tokens,
    buttonStyles,
    css`
      dialog {
        box-sizing: border-box;
        width: var(--p2p-dialog-width, min(32rem, 100vw - 2rem));
        max-height: calc(100dvh - 2rem);
        padding: 0;
        border: 1px solid var(--_p2p-color-border);
        border-radius: var(--_p2p-radius);
        background: var(--_p2p-color-surface-raised);
        color: var(--_p2p-color-text);
        box-shadow: var(--_p2p-shadow);
      }
      dialog[open] {
        display: flex;
        flex-direction: column;
      }
      dialog::backdrop {
        background: rgb(10 14 20 / 0.45);
      }
      .header {
        display: flex;
        align-items: center;
        gap: var(--_p2p-space-2);
        padding: var(--_p2p-space-3) var(--_p2p-space-4);
        border-bottom: 1px solid var(--_p2p-color-border);
      }
      h2 {
        flex: 1;
        margin: 0;
        font-size: var(--_p2p-font-size-large);
        font-weight: 600;
      }
      .body {
        overflow: auto;
        padding: var(--_p2p-space-4);
      }
      footer {
        display: flex;
        flex-wrap: wrap;
        justify-content: flex-end;
        gap: var(--_p2p-space-2);
        padding: var(--_p2p-space-3) var(--_p2p-space-4);
        border-top: 1px solid var(--_p2p-color-border);
      }
      footer[hidden] {
        display: none;
      }
    `,
  ];

  static override properties = {
    open: { type: Boolean, reflect: true },
    label: { type: String },
    locale: { type: String },
  };

  /** Whether the dialog is showing; set it, or call `show()` and `close()`. */
  declare open: boolean;
  /** The heading, also the dialog's accessible name. */
  declare label: string;
  /** The language of the close button's label. */
  declare locale: string;

  #returnFocusTo: HTMLElement | null = null;

  constructor() {
    super();
    new MessagesController(this);
    this.open = false;
    this.label = '';
    this.locale = '';
  }

  show(): void {
    this.open = true;
  }

  close(returnValue = ''): void {
    this.#dialog?.close(returnValue);
  }

  get #dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  protected override render() {
    return html`
      <dialog part="dialog" aria-labelledby="title" @close=${this.#onClose} @cancel=${this.#onCancel}>
        <div class="header" part="header">
          <h2 id="title" part="title">${this.label}</h2>
          <button
            class="p2p-button icon"
            part="close"
            aria-label=${this.locale ? message(this.locale, 'dialog.close') : en['dialog.close']}
            @click=${() => this.close('cancel')}
          >
            ✕
          </button>
        </div>
        <div class="body" part="body"><slot></slot></div>
        <footer part="footer" hidden><slot name="footer" @slotchange=${this.#onFooterChange}></slot></footer>
      </dialog>
    `;
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    const dialog = this.#dialog;
    if (!changed.has('open') || !dialog) return;
    if (this.open && !dialog.open) {
      this.#returnFocusTo = deepActiveElement();
      dialog.showModal();
      this.#focusFirst();
    } else if (!this.open && dialog.open) {
      dialog.close();
    }
  }

  /** A dialog without actions shows no empty, bordered row under its content. */
  readonly #onFooterChange = (event: Event) => {
    const slot = event.target as HTMLSlotElement;
    slot.parentElement!.hidden = slot.assignedElements().length === 0;
  };

  #focusFirst(): void {
    const slotted = this.renderRoot.querySelector<HTMLSlotElement>('slot:not([name])')?.assignedElements({ flatten: true }) ?? [];
    const candidates = slotted.flatMap((element) => [element, ...element.querySelectorAll(FOCUSABLE)]);
    const focusable = candidates.filter(
      (element): element is HTMLElement => element instanceof HTMLElement && element.matches(FOCUSABLE) && !element.hasAttribute('disabled'),
    );
    (focusable.find((element) => element.hasAttribute('autofocus')) ?? focusable[0])?.focus();
  }

  #onCancel(event: Event): void {
    // Escape: close with a known value instead of the browser's empty one.
    event.preventDefault();
    this.close('cancel');
  }

  #onClose(): void {
    const returnValue = this.#dialog?.returnValue ?? '';
    this.open = false;
    const returnTo = this.#returnFocusTo;
    this.#returnFocusTo = null;
    if (returnTo?.isConnected) returnTo.focus();
    emit(this, 'p2p-dialog-close', { returnValue });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'p2p-dialog': P2PDialog;
  }
}
