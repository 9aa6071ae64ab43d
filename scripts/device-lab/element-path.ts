/** Resolving an `ElementPath` in the page, the same way in every browser of the lab. */
import type { Box, ElementPath } from './device.ts';

export const selectorChain = (path: ElementPath): string[] => (typeof path === 'string' ? [path] : [...path]);

export const describePath = (path: ElementPath): string => selectorChain(path).join(' >> ');

/**
 * Runs in the page: the box of the element the chain leads to, or null when a link of the chain matches nothing.
 * With `scroll`, the element is first scrolled into view, as a person would before clicking it. Self-contained,
 * since it is serialised into the page.
 */
export function boxInPage({ chain, scroll }: { chain: string[]; scroll: boolean }): Box | null {
  let root: ParentNode = document;
  let element: Element | null = null;
  for (const selector of chain) {
    element = root.querySelector(selector);
    if (!element) return null;
    root = element.shadowRoot ?? element;
  }
  if (!element) return null;
  if (scroll) element.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const { x, y, width, height } = element.getBoundingClientRect();
  return { x, y, width, height };
}
