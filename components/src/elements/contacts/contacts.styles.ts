import { css } from 'lit';

/** `<p2p-contacts>`: list beside card on wide screens, one or the other on a phone. */
export const contactsStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    height: 100%;
    min-height: 20rem;
    background: var(--_p2p-color-bg);
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(16rem, var(--p2p-contacts-list-width, 22rem)) 1fr;
    height: 100%;
  }
  .master {
    display: flex;
    flex-direction: column;
    min-height: 0;
    border-inline-end: 1px solid var(--_p2p-color-border);
  }
  .master[data-dropping] {
    outline: 2px dashed var(--_p2p-color-accent);
    outline-offset: -4px;
    background: var(--_p2p-color-accent-soft);
  }
  .issues {
    margin: 0;
    padding-inline-start: 1.25rem;
    color: var(--_p2p-color-text-muted);
  }
  .import-summary header {
    display: flex;
    align-items: center;
    gap: var(--_p2p-space-2);
  }
  .detail {
    overflow: auto;
    padding: var(--_p2p-space-4);
    min-width: 0;
  }
  @container (max-width: 44rem) {
    .layout {
      grid-template-columns: 1fr;
    }
    .master {
      border-inline-end: none;
    }
    .layout[data-panel='none'] .detail,
    .layout:not([data-panel='none']) .master {
      display: none;
    }
  }
  @container (min-width: 44.01rem) {
    .back {
      display: none;
    }
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_p2p-space-2);
    padding: var(--_p2p-space-3);
    padding-block-end: var(--_p2p-space-1);
  }
  .search {
    flex: 1 1 100%;
  }
  /* Two controls a row, each as wide as the other, rather than three and one left over. */
  .toolbar select,
  .toolbar > .p2p-button {
    flex: 1 1 calc(50% - var(--_p2p-space-2));
    min-width: 0;
  }
  input[type='checkbox'],
  input[type='radio'] {
    accent-color: var(--_p2p-color-accent);
  }
  button:focus-visible {
    outline: var(--_p2p-focus-ring);
    outline-offset: 1px;
  }
  [aria-invalid='true'] {
    border-color: var(--_p2p-color-danger);
    box-shadow: 0 0 0 1px var(--_p2p-color-danger);
  }
  .count {
    margin: 0;
    padding: var(--_p2p-space-1) var(--_p2p-space-3) var(--_p2p-space-2);
    font-size: var(--_p2p-font-size-small);
  }
  .selection {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: var(--_p2p-space-2);
    padding: var(--_p2p-space-2) var(--_p2p-space-3);
    background: var(--_p2p-color-accent-soft);
  }
  .list {
    flex: 1;
    min-height: 0;
    overflow: auto;
    border-top: 1px solid var(--_p2p-color-border);
  }
  .row {
    display: flex;
    align-items: center;
    gap: var(--_p2p-space-2);
    width: 100%;
    box-sizing: border-box;
    padding-inline-start: var(--_p2p-space-3);
    border-bottom: 1px solid var(--_p2p-color-border);
  }
  .row[part~='current'] {
    background: var(--_p2p-color-accent-soft);
  }
  .open {
    display: flex;
    flex: 1;
    align-items: center;
    gap: var(--_p2p-space-3);
    min-width: 0;
    min-height: 3.25rem;
    padding: var(--_p2p-space-2) var(--_p2p-space-3) var(--_p2p-space-2) 0;
    border: none;
    background: none;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .avatar {
    display: grid;
    flex: none;
    place-items: center;
    width: 2rem;
    height: 2rem;
    border-radius: 50%;
    background: var(--_p2p-color-surface);
    color: var(--_p2p-color-text-muted);
    font-size: var(--_p2p-font-size-small);
    font-weight: 600;
  }
  .names {
    display: flex;
    flex: 1;
    flex-direction: column;
    min-width: 0;
  }
  .name,
  .secondary {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .name {
    font-weight: 500;
  }
  .secondary,
  .muted {
    color: var(--_p2p-color-text-muted);
  }
  .secondary {
    font-size: var(--_p2p-font-size-small);
  }
  .tag {
    display: inline-block;
    margin-inline-end: var(--_p2p-space-1);
    padding: 0 var(--_p2p-space-2);
    border-radius: 999px;
    background: var(--_p2p-color-surface);
    border: 1px solid var(--_p2p-color-border);
    font-size: var(--_p2p-font-size-small);
  }
  .empty,
  .placeholder {
    padding: var(--_p2p-space-4);
  }
  h2 {
    margin: 0;
    font-size: var(--_p2p-font-size-large);
  }
  h2:focus {
    outline: none;
  }
  h3 {
    margin: var(--_p2p-space-4) 0 var(--_p2p-space-2);
    font-size: var(--_p2p-font-size);
  }
  .card header,
  .duplicates header {
    display: flex;
    align-items: center;
    gap: var(--_p2p-space-2);
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: var(--_p2p-space-1) var(--_p2p-space-4);
    margin: var(--_p2p-space-4) 0;
  }
  dt {
    color: var(--_p2p-color-text-muted);
  }
  dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .notes {
    white-space: pre-wrap;
  }
  a,
  .link {
    color: var(--_p2p-color-accent);
  }
  .link {
    padding: 0;
    border: none;
    background: none;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .appointments {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .appointments li {
    padding: var(--_p2p-space-1) 0;
  }
  .when {
    color: var(--_p2p-color-text-muted);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_p2p-space-2);
    margin-top: var(--_p2p-space-3);
  }
  .form {
    display: flex;
    flex-direction: column;
    gap: var(--_p2p-space-3);
    max-width: 40rem;
  }
  .form .grid {
    display: grid;
    grid-template-columns: max-content 1fr;
    align-items: center;
    gap: var(--_p2p-space-2) var(--_p2p-space-3);
  }
  @container (max-width: 30rem) {
    .form .grid {
      grid-template-columns: 1fr;
    }
  }
  fieldset {
    display: flex;
    flex-direction: column;
    gap: var(--_p2p-space-2);
    margin: 0;
    padding: var(--_p2p-space-2) var(--_p2p-space-3) var(--_p2p-space-3);
    border: 1px solid var(--_p2p-color-border);
    border-radius: var(--_p2p-radius);
  }
  fieldset > .p2p-button {
    align-self: flex-start;
  }
  .row-fields,
  fieldset .row {
    display: flex;
    gap: var(--_p2p-space-2);
    padding: 0;
    border: none;
  }
  fieldset .row input {
    flex: 1;
    min-width: 0;
  }
  .address {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: var(--_p2p-space-2);
  }
  .field-error {
    margin: 0;
    padding: var(--_p2p-space-2) var(--_p2p-space-3);
    border-radius: var(--_p2p-radius-small);
    border-inline-start: 3px solid var(--_p2p-color-danger);
    background: var(--_p2p-color-surface);
    color: var(--_p2p-color-danger);
  }
  .pairs {
    margin: var(--_p2p-space-3) 0;
    padding: 0;
    list-style: none;
  }
  .pairs li {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_p2p-space-3);
    padding: var(--_p2p-space-3) 0;
    border-bottom: 1px solid var(--_p2p-color-border);
  }
  .reasons {
    color: var(--_p2p-color-warning);
    font-size: var(--_p2p-font-size-small);
  }
  .merge {
    display: flex;
    flex-direction: column;
    gap: var(--_p2p-space-3);
    margin-top: var(--_p2p-space-3);
  }
  .merge p {
    margin: 0;
  }
  .merge .swap {
    align-self: flex-start;
  }
  .choice {
    display: flex;
    gap: var(--_p2p-space-2);
    align-items: center;
  }
  .toast-region {
    position: absolute;
    inset-inline: 0;
    bottom: var(--_p2p-space-4);
    display: flex;
    justify-content: center;
    pointer-events: none;
  }
  :host {
    position: relative;
  }
  .toast {
    display: flex;
    align-items: center;
    gap: var(--_p2p-space-3);
    padding: var(--_p2p-space-2) var(--_p2p-space-3);
    border-radius: var(--_p2p-radius);
    background: var(--_p2p-color-text);
    color: var(--_p2p-color-bg);
    box-shadow: var(--_p2p-shadow);
    pointer-events: auto;
  }
`;
