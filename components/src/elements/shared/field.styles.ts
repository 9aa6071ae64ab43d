/**
 * Form fields for every p2p element: text inputs, selects and text areas drawn alike. Include after `tokens`:
 * `static styles = [tokens, buttonStyles, fieldStyles, styles]`; an element's own styles then size fields for its
 * layout.
 */
import { css } from 'lit';

export const fieldStyles = css`
  input:not([type='checkbox'], [type='radio'], [type='color']),
  select,
  textarea {
    box-sizing: border-box;
    min-height: 2.25rem;
    padding: var(--_p2p-space-1) var(--_p2p-space-2);
    border: 1px solid var(--_p2p-color-border-strong);
    border-radius: var(--_p2p-radius-small);
    background: var(--_p2p-color-bg);
    color: var(--_p2p-color-text);
    font: inherit;
    font-weight: 400;
  }
  :is(input, select, textarea):focus-visible {
    outline: var(--_p2p-focus-ring);
    outline-offset: 1px;
  }
`;
