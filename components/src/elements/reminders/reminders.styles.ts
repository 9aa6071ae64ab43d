import { css } from 'lit';

export const remindersStyles = css`
  :host {
    display: block;
    font-family: var(--_p2p-font-family);
    font-size: var(--_p2p-font-size);
    color: var(--_p2p-color-text);
    background: var(--_p2p-color-bg);
  }
  h2 {
    font-size: var(--_p2p-font-size-large);
    margin: 0 0 var(--_p2p-space-2);
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  [part~='item'] {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0 var(--_p2p-space-3);
    padding: var(--_p2p-space-2) 0;
    border-bottom: 1px solid var(--_p2p-color-border);
  }
  .when {
    font-variant-numeric: tabular-nums;
    color: var(--_p2p-color-text-muted);
  }
  .title {
    font-weight: 600;
  }
  .detail {
    grid-column: 2;
    color: var(--_p2p-color-text-muted);
  }
  .empty {
    color: var(--_p2p-color-text-muted);
  }
  [part~='toasts'] {
    position: fixed;
    inset-block-end: var(--_p2p-space-3);
    inset-inline-end: var(--_p2p-space-3);
    z-index: 1000;
    display: flex;
    flex-direction: column;
    gap: var(--_p2p-space-2);
    width: min(var(--p2p-reminders-toast-width, 22rem), calc(100vw - 2 * var(--_p2p-space-3)));
  }
  [part~='toast'] {
    padding: var(--_p2p-space-3);
    border: 1px solid var(--_p2p-color-border-strong);
    border-inline-start: 4px solid var(--_p2p-color-accent);
    border-radius: var(--_p2p-radius);
    background: var(--_p2p-color-surface-raised);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
  }
  [part~='toast'] h3 {
    font-size: var(--_p2p-font-size);
    margin: 0 0 var(--_p2p-space-1);
  }
  [part~='toast'] p {
    margin: 0 0 var(--_p2p-space-2);
    color: var(--_p2p-color-text-muted);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_p2p-space-1);
    align-items: center;
  }
  .snooze-label {
    margin-inline-start: var(--_p2p-space-2);
    color: var(--_p2p-color-text-muted);
  }
`;
