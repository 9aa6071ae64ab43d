import { css } from 'lit';

/** `<p2p-app>`: a top bar over the view, one column on a phone. */
export const appStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    height: 100dvh;
    background: var(--_p2p-color-bg);
  }
  .topbar {
    display: flex;
    align-items: center;
    gap: var(--_p2p-space-3);
    padding: var(--_p2p-space-2) var(--_p2p-space-3);
    border-bottom: 1px solid var(--_p2p-color-border);
    background: var(--_p2p-color-surface);
  }
  .removed {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--_p2p-space-2) var(--_p2p-space-3);
    padding: var(--_p2p-space-2) var(--_p2p-space-3);
    border-bottom: 1px solid var(--_p2p-color-warning);
    background: var(--_p2p-color-surface);
  }
  .removed p {
    flex: 1 1 24rem;
    margin: 0;
  }
  .switcher,
  .status-area {
    position: relative;
  }
  .org-button {
    display: flex;
    align-items: center;
    gap: var(--_p2p-space-2);
    max-width: 16rem;
    min-height: 2.25rem;
    padding: 0 var(--_p2p-space-2);
    border: 1px solid transparent;
    border-radius: var(--_p2p-radius);
    background: none;
    color: var(--_p2p-color-text);
    font: inherit;
    font-weight: 600;
    font-size: var(--_p2p-font-size-large);
    cursor: pointer;
  }
  .org-button:hover {
    border-color: var(--_p2p-color-border);
  }
  :is(button, a, input):focus-visible {
    outline: var(--_p2p-focus-ring);
    outline-offset: 2px;
  }
  .org-name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .dot {
    flex: none;
    width: 0.875rem;
    height: 0.875rem;
    border-radius: 50%;
    background: var(--org-color);
    box-shadow: 0 0 0 2px var(--_p2p-color-surface), 0 0 0 4px var(--ring, transparent);
  }
  .dot[data-level='synced'] {
    --ring: #16a34a;
  }
  .dot[data-level='offline'],
  .dot[data-level='untrusted'] {
    --ring: var(--_p2p-color-danger);
  }
  .dot[data-level='connecting'] {
    --ring: var(--_p2p-color-warning);
  }
  .status-dot {
    width: 0.5rem;
    height: 0.5rem;
    border-radius: 50%;
    background: var(--_p2p-color-text-muted);
  }
  .status-dot[data-level='synced'] {
    background: #16a34a;
  }
  .status-dot[data-level='offline'],
  .status-dot[data-level='untrusted'] {
    background: var(--_p2p-color-danger);
  }
  .status-dot[data-level='connecting'] {
    background: var(--_p2p-color-warning);
  }
  nav {
    display: flex;
    flex: 1;
    gap: var(--_p2p-space-1);
    overflow-x: auto;
  }
  nav a {
    padding: var(--_p2p-space-2) var(--_p2p-space-3);
    border-radius: var(--_p2p-radius);
    color: var(--_p2p-color-text-muted);
    font-weight: 500;
    text-decoration: none;
    white-space: nowrap;
  }
  nav a:hover {
    color: var(--_p2p-color-text);
  }
  nav a[aria-current='page'] {
    background: var(--_p2p-color-accent-soft);
    color: var(--_p2p-color-accent);
  }
  .menu,
  .panel {
    position: absolute;
    z-index: 10;
    top: calc(100% + var(--_p2p-space-1));
    min-width: 16rem;
    padding: var(--_p2p-space-2);
    border: 1px solid var(--_p2p-color-border);
    border-radius: var(--_p2p-radius);
    background: var(--_p2p-color-surface-raised);
    box-shadow: var(--_p2p-shadow);
  }
  .menu {
    inset-inline-start: 0;
  }
  .panel {
    inset-inline-end: 0;
    width: min(22rem, calc(100vw - 2rem));
  }
  .menu hr {
    border: none;
    border-top: 1px solid var(--_p2p-color-border);
  }
  .menu-item {
    display: flex;
    align-items: center;
    gap: var(--_p2p-space-2);
    width: 100%;
    min-height: 2.25rem;
    padding: 0 var(--_p2p-space-2);
    border: none;
    border-radius: var(--_p2p-radius-small);
    background: none;
    color: var(--_p2p-color-text);
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .menu-item:hover {
    background: var(--_p2p-color-surface);
  }
  .menu-item[aria-checked='true'] {
    font-weight: 600;
  }
  .menu-item .muted {
    margin-inline-start: auto;
    font-size: var(--_p2p-font-size-small);
  }
  .swatch {
    width: 0.75rem;
    height: 0.75rem;
    border-radius: 50%;
  }
  .muted {
    color: var(--_p2p-color-text-muted);
  }
  .sync-panel dl {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: var(--_p2p-space-1) var(--_p2p-space-3);
    margin: 0 0 var(--_p2p-space-3);
  }
  .integrity {
    margin: 0 0 var(--_p2p-space-3);
    padding: var(--_p2p-space-2);
    border-inline-start: 3px solid var(--_p2p-color-danger);
    background: var(--_p2p-color-surface);
  }
  .integrity p,
  .integrity ul {
    margin: 0;
  }
  .integrity ul {
    padding-inline-start: var(--_p2p-space-4);
  }
  .integrity .p2p-button {
    margin-block-start: var(--_p2p-space-2);
  }
  /* One sentence per kind of problem, not bullets: there is usually one. */
  .integrity > ul {
    margin-block-start: var(--_p2p-space-2);
    padding: 0;
    list-style: none;
  }
  .integrity li + li {
    margin-block-start: var(--_p2p-space-2);
  }
  .integrity details {
    color: var(--_p2p-color-text-muted);
    font-size: var(--_p2p-font-size-small);
  }
  .integrity summary {
    cursor: pointer;
    inline-size: fit-content;
  }
  .integrity .details {
    overflow-wrap: anywhere;
  }
  .sync-panel dd {
    margin: 0;
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .offline {
    padding: var(--_p2p-space-2);
    border-radius: var(--_p2p-radius-small);
    background: var(--_p2p-color-surface);
    color: var(--_p2p-color-danger);
  }
  .panel-actions,
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_p2p-space-2);
  }
  .view {
    position: relative;
    flex: 1;
    min-height: 0;
    overflow: auto;
  }
  /*
   * A view hidden (shown before, or rendered ahead): the same box as when shown, so that showing it reuses its
   * layout; its contents unrendered, and its own box, background and all, not seen over the view shown (by
   * opacity, which restyles the view's host alone when it is shown again; visibility restyled all of it).
   */
  .view > .kept {
    position: absolute;
    inset: 0;
    content-visibility: hidden;
    opacity: 0;
  }
  .view > p2p-contacts,
  .view > p2p-calendar {
    height: 100%;
    box-sizing: border-box;
  }
  .page {
    max-width: 40rem;
    padding: var(--_p2p-space-4);
  }
  h1 {
    margin: 0 0 var(--_p2p-space-3);
    font-size: 1.5rem;
  }
  h2 {
    margin: var(--_p2p-space-4) 0 var(--_p2p-space-2);
    font-size: var(--_p2p-font-size-large);
  }
  .org-settings {
    display: flex;
    flex-direction: column;
    gap: var(--_p2p-space-3);
  }
  /* The account is not the org's: a rule between them. */
  .settings > section {
    margin-block-start: var(--_p2p-space-4);
    border-block-start: 1px solid var(--_p2p-color-border);
  }
  label {
    display: flex;
    flex-direction: column;
    gap: var(--_p2p-space-1);
    font-weight: 500;
  }
  input[type='color'] {
    width: 4rem;
    padding: 2px;
  }
  .reminders {
    padding: 0;
    list-style: none;
  }
  .reminders li {
    padding: var(--_p2p-space-2) 0;
    border-bottom: 1px solid var(--_p2p-color-border);
  }
  .when {
    display: inline-block;
    min-width: 11rem;
    color: var(--_p2p-color-text-muted);
  }
  .placeholder,
  .loading,
  .failure {
    padding: var(--_p2p-space-4);
    color: var(--_p2p-color-text-muted);
  }
  .onboarding {
    position: fixed;
    inset: 0;
    z-index: 20;
    display: grid;
    place-items: center;
    padding: var(--_p2p-space-4);
    background: var(--_p2p-color-surface);
  }
  .welcome-card {
    max-width: 36rem;
  }
  .welcome-card h1 {
    font-size: 1.75rem;
  }
  .choices {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
    gap: var(--_p2p-space-3);
    margin-top: var(--_p2p-space-4);
  }
  .choice {
    display: flex;
    flex-direction: column;
    gap: var(--_p2p-space-2);
    padding: var(--_p2p-space-4);
    border: 1px solid var(--_p2p-color-border-strong);
    border-radius: var(--_p2p-radius);
    background: var(--_p2p-color-surface-raised);
    color: var(--_p2p-color-text);
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .choice:hover {
    border-color: var(--_p2p-color-accent);
  }
  .choice strong {
    font-size: var(--_p2p-font-size-large);
    color: var(--_p2p-color-accent);
  }
  .choice span {
    color: var(--_p2p-color-text-muted);
  }
  @media (max-width: 40rem) {
    .topbar {
      flex-wrap: wrap;
    }
    nav {
      order: 3;
      flex-basis: 100%;
    }
    /* The four tabs share the width, so that longer names (Einstellungen) still fit beside the others. */
    nav a {
      flex: 1 1 auto;
      padding-inline: var(--_p2p-space-1);
      font-size: var(--_p2p-font-size-small);
      text-align: center;
    }
    .status-area {
      margin-inline-start: auto;
    }
    .status-button {
      font-size: var(--_p2p-font-size-small);
    }
  }
`;
