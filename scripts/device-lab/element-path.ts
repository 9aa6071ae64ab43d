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

/** The armed click's guard, kept on `window.__deviceLabClickGuard` (see `clickTargetInPage`). */
interface ClickGuard {
  /** Null once the target took the press; what took it instead once that press has ended with its click. */
  verdict: Promise<string | null>;
  disarm(): void;
}

/**
 * Runs in the page: where to click the element the chain leads to, once a person could: scrolled into view, not
 * moving between two frames, and the element (or something inside it) what the centre of its box hits rather than
 * something covering it. Otherwise what stands in the way. Self-contained, since it is serialised into the page.
 *
 * With a box, it arms a guard for the click about to be sent: the page can still move between this check and the
 * press (a status row arriving above a button), so the press itself is checked too, as Playwright does. A press
 * that lands elsewhere is stopped before the page sees any of it (pointer, mouse and click events alike), and
 * `clickVerdictInPage` says so, so that the lab tries again rather than clicking something no one meant to.
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
  let covered = true;
  for (let node: Node | null = hit; node && covered; node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null)) {
    covered = node !== target;
  }
  if (covered) return { problem: `${hit ? hit.tagName.toLowerCase() : 'nothing'} covers it` };

  const guards = window as unknown as Record<string, ClickGuard | undefined>;
  guards['__deviceLabClickGuard']?.disarm();
  const types = ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click'];
  let settle: (verdict: string | null) => void = () => undefined;
  let missedBy: string | undefined;
  const onEvent = (event: Event) => {
    if (missedBy === undefined) {
      const path = event.composedPath();
      if (path.includes(target)) {
        guard.disarm();
        return settle(null);
      }
      missedBy = (path[0] as Element | undefined)?.tagName?.toLowerCase() ?? 'nothing';
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (event.type === 'click') {
      guard.disarm();
      settle(`${missedBy} took it`);
    }
  };
  const guard: ClickGuard = {
    verdict: new Promise((resolve) => (settle = resolve)),
    disarm: () => types.forEach((type) => window.removeEventListener(type, onEvent, true)),
  };
  types.forEach((type) => window.addEventListener(type, onEvent, true));
  guards['__deviceLabClickGuard'] = guard;
  return { box: { x, y, width, height } };
}

/**
 * Runs in the page after the click `clickTargetInPage` armed its guard for: null when the target took the press,
 * else what did. A page with no guard was replaced since: the click led away from it, so it was taken.
 */
export async function clickVerdictInPage(timeoutMs: number): Promise<string | null> {
  const guards = window as unknown as Record<string, ClickGuard | undefined>;
  const guard = guards['__deviceLabClickGuard'];
  if (!guard) return null;
  delete guards['__deviceLabClickGuard'];
  const verdict = await Promise.race([guard.verdict, new Promise<string>((resolve) => setTimeout(() => resolve(`no whole press arrived in ${timeoutMs} ms`), timeoutMs))]);
  guard.disarm();
  return verdict;
}
