/** Clicking an element as a person would, the same way in every browser of the lab. */
import type { ElementPath } from './device.ts';
import { describePath, selectorChain, type ClickTarget } from './element-path.ts';

const CLICKABLE_TIMEOUT_MS = 30_000;
/** How long a press sent may take to reach the page; only a press lost on the way waits this long. */
const PRESS_ARRIVAL_TIMEOUT_MS = 10_000;

/** The page's side of a click: `clickTargetInPage` and `clickVerdictInPage` (element-path.ts), run in the page. */
export interface ClickInPage {
  target(chain: string[]): Promise<ClickTarget>;
  verdict(timeoutMs: number): Promise<string | null>;
}

/**
 * Waits until the element at `path` can be clicked (there, still, not covered), then clicks the centre of its box
 * with `click`; when the press landed on something else after all (the page moved in between), it was kept from
 * the page, and the lab tries again. Fails naming the path and what stood in the way. Each try waits for a frame in
 * the page, so the loop follows the page's own pace.
 */
export async function clickWhenClickable(inPage: ClickInPage, click: (x: number, y: number) => Promise<void>, path: ElementPath): Promise<void> {
  const chain = selectorChain(path);
  const deadline = Date.now() + CLICKABLE_TIMEOUT_MS;
  for (;;) {
    const target = await inPage.target(chain);
    let problem: string | null;
    if ('problem' in target) problem = target.problem;
    else {
      await click(target.box.x + target.box.width / 2, target.box.y + target.box.height / 2);
      // A click that led to another page leaves no page to ask: it was taken.
      problem = await inPage.verdict(PRESS_ARRIVAL_TIMEOUT_MS).catch(() => null);
      if (problem === null) return;
      problem = `the press landed elsewhere: ${problem}`;
    }
    if (Date.now() > deadline) throw new Error(`cannot click ${describePath(path)} after ${CLICKABLE_TIMEOUT_MS} ms: ${problem}`);
  }
}
