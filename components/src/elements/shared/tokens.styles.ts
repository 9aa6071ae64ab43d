/**
 * The design tokens every p2p element shares: colours, type, spacing, radii, as CSS custom properties.
 *
 * A host page themes the elements by setting the public `--p2p-*` properties anywhere above them (`:root`, a
 * wrapper, or the element itself); an element never sets them, so whatever the page sets wins. Each element reads
 * the resolved `--_p2p-*` copies declared here, whose defaults follow the page's `prefers-color-scheme` through
 * `light-dark()`; `theme="light"` or `theme="dark"` on an element forces one. `color-scheme` is set so that native
 * controls (date inputs, scrollbars, dialogs) follow too, and nested elements inherit it.
 *
 * A page that wants its own colours per scheme sets them with `light-dark()` as well:
 * `p2p-calendar { --p2p-color-accent: light-dark(#8a2be2, #c9a0ff); }`.
 *
 * Also `.visually-hidden`, for text that only screen readers announce (live regions, labels).
 */
import { css } from 'lit';

export const tokens = css`
  :host {
    color-scheme: light dark;
    --_p2p-font-family: var(--p2p-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic', sans-serif);
    --_p2p-font-size: var(--p2p-font-size, 0.875rem);
    --_p2p-font-size-small: var(--p2p-font-size-small, 0.75rem);
    --_p2p-font-size-large: var(--p2p-font-size-large, 1.125rem);
    --_p2p-color-bg: var(--p2p-color-bg, light-dark(#ffffff, #15171c));
    --_p2p-color-surface: var(--p2p-color-surface, light-dark(#f6f7f9, #1d2027));
    --_p2p-color-surface-raised: var(--p2p-color-surface-raised, light-dark(#ffffff, #252932));
    --_p2p-color-text: var(--p2p-color-text, light-dark(#1b1f24, #e7e9ee));
    --_p2p-color-text-muted: var(--p2p-color-text-muted, light-dark(#565e69, #a6adb9));
    --_p2p-color-border: var(--p2p-color-border, light-dark(#d5d9df, #363b45));
    --_p2p-color-border-strong: var(--p2p-color-border-strong, light-dark(#9aa2ad, #5b6271));
    --_p2p-color-accent: var(--p2p-color-accent, light-dark(#0b5cad, #7db6ff));
    --_p2p-color-on-accent: var(--p2p-color-on-accent, light-dark(#ffffff, #0b1422));
    --_p2p-color-accent-soft: var(--p2p-color-accent-soft, light-dark(#e4effb, #1c2f48));
    --_p2p-color-focus: var(--p2p-color-focus, light-dark(#0b5cad, #9cc8ff));
    --_p2p-color-danger: var(--p2p-color-danger, light-dark(#b42318, #ff9b90));
    --_p2p-color-warning: var(--p2p-color-warning, light-dark(#8a5a00, #f5c26b));
    --_p2p-color-now: var(--p2p-color-now, light-dark(#d92d20, #ff7a6e));
    --_p2p-radius: var(--p2p-radius, 6px);
    --_p2p-radius-small: var(--p2p-radius-small, 4px);
    --_p2p-space-1: var(--p2p-space-1, 0.25rem);
    --_p2p-space-2: var(--p2p-space-2, 0.5rem);
    --_p2p-space-3: var(--p2p-space-3, 0.75rem);
    --_p2p-space-4: var(--p2p-space-4, 1rem);
    --_p2p-shadow: var(--p2p-shadow, light-dark(0 8px 28px rgb(16 24 40 / 0.18), 0 8px 28px rgb(0 0 0 / 0.55)));
    --_p2p-focus-ring: 2px solid var(--_p2p-color-focus);
    font-family: var(--_p2p-font-family);
    font-size: var(--_p2p-font-size);
    color: var(--_p2p-color-text);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([hidden]) {
    display: none !important;
  }
  @media (prefers-reduced-motion: reduce) {
    :host {
      --_p2p-transition: none;
    }
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
