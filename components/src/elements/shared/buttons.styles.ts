/**
 * Buttons for every p2p element: native `<button>`s (focus, forms and keyboard come for free) styled by class.
 *
 * `class="p2p-button"` is a quiet bordered button; add `primary` for the main action of a dialog or toolbar,
 * `danger` for a destructive one, `icon` for a square button holding one glyph (give it an `aria-label`). Groups of
 * buttons go in a `.p2p-button-group`. Include after `tokens`: `static styles = [tokens, buttonStyles, styles]`.
 */
import { css } from 'lit';

export const buttonStyles = css`
  .p2p-button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--_p2p-space-1);
    min-height: 2rem;
    padding: 0 var(--_p2p-space-3);
    border: 1px solid var(--_p2p-color-border-strong);
    border-radius: var(--_p2p-radius);
    background: var(--_p2p-color-surface-raised);
    color: var(--_p2p-color-text);
    font: inherit;
    font-weight: 500;
    line-height: 1;
    cursor: pointer;
    white-space: nowrap;
  }
  .p2p-button:hover {
    background: var(--_p2p-color-surface);
  }
  .p2p-button:focus-visible {
    outline: var(--_p2p-focus-ring);
    outline-offset: 2px;
  }
  .p2p-button[aria-pressed='true'] {
    background: var(--_p2p-color-accent-soft);
    border-color: var(--_p2p-color-accent);
  }
  .p2p-button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  .p2p-button.primary {
    background: var(--_p2p-color-accent);
    border-color: var(--_p2p-color-accent);
    color: var(--_p2p-color-on-accent);
  }
  .p2p-button.primary:hover {
    filter: brightness(1.08);
  }
  .p2p-button.danger {
    color: var(--_p2p-color-danger);
    border-color: var(--_p2p-color-danger);
  }
  .p2p-button.icon {
    min-width: 2rem;
    padding: 0;
    font-size: 1rem;
  }
  .p2p-button-group {
    display: inline-flex;
  }
  .p2p-button-group > .p2p-button:not(:first-child) {
    margin-inline-start: -1px;
    border-start-start-radius: 0;
    border-end-start-radius: 0;
  }
  .p2p-button-group > .p2p-button:not(:last-child) {
    border-start-end-radius: 0;
    border-end-end-radius: 0;
  }
`;
