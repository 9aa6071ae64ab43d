/** Resolving an `ElementPath` in the page, the same way in every browser of the lab. */
import type { Box, ElementPath } from './device.ts';

export const selectorChain = (path: ElementPath): string[] => (typeof path === 'string' ? [path] : [...path]);

export const describePath = (path: ElementPath): string => selectorChain(path).join(' >> ');

/**
 * Runs in the page: the box of the element the chain leads to, or null when a link of the chain matches nothing.
 * Self-contained, since it is serialised into the page.
 */
export function boxInPage(chain: string[]): Box | null {
  let root: ParentNode = document;
  let element: Element | null = null;
  for (const selector of chain) {
    element = root.querySelector(selector);
    if (!element) return null;
    root = element.shadowRoot ?? element;
  }
  if (!element) return null;
  const { x, y, width, height } = element.getBoundingClientRect();
  return { x, y, width, height };
}

export type ClickTarget = { box: Box } | { problem: string };

/**
 * Runs in the page: where to click the element the chain leads to, once a person could: scrolled into view, not
 * moving between two frames, and the element (or something inside it) what the centre of its box hits rather than
 * something covering it. Otherwise what stands in the way. Self-contained, since it is serialised into the page.
 */
export async function clickTargetInPage(chain: string[]): Promise<ClickTarget> {
  let root: ParentNode = document;
  let element: Element | null = null;
  for (const selector of chain) {
    element = root.querySelector(selector);
    if (!element) return { problem: 'nothing matches' };
    root = element.shadowRoot ?? element;
  }
  const target = element!;
  target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const before = target.getBoundingClientRect();
  await new Promise(requestAnimationFrame);
  const { x, y, width, height } = target.getBoundingClientRect();
  if (x !== before.x || y !== before.y || width !== before.width || height !== before.height) return { problem: 'it is moving' };
  if (width === 0 || height === 0) return { problem: 'it has no size' };
  const [cx, cy] = [x + width / 2, y + height / 2];
  let hit = document.elementFromPoint(cx, cy);
  while (hit?.shadowRoot) {
    const inner = hit.shadowRoot.elementFromPoint(cx, cy);
    if (!inner || inner === hit) break;
    hit = inner;
  }
  for (let node: Node | null = hit; node; node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null)) {
    if (node === target) return { box: { x, y, width, height } };
  }
  return { problem: `${hit ? hit.tagName.toLowerCase() : 'nothing'} covers it` };
}
