/** Clicking an element as a person would, the same way in every browser of the lab. */
import type { Box, ElementPath } from './device.ts';
import { describePath, selectorChain, type ClickTarget } from './element-path.ts';

const CLICKABLE_TIMEOUT_MS = 30_000;

/**
 * Waits until the element at `path` can be clicked (there, still, not covered), then clicks the centre of its box
 * with `click`; fails naming the path and what stood in the way. Each try waits for a frame in the page, so the
 * loop follows the page's own pace.
 */
export async function clickWhenClickable(
  evaluateTarget: (chain: string[]) => Promise<ClickTarget>,
  click: (x: number, y: number) => Promise<void>,
  path: ElementPath,
): Promise<void> {
  const chain = selectorChain(path);
  const deadline = Date.now() + CLICKABLE_TIMEOUT_MS;
  let target: ClickTarget = await evaluateTarget(chain);
  while ('problem' in target) {
    if (Date.now() > deadline) throw new Error(`cannot click ${describePath(path)} after ${CLICKABLE_TIMEOUT_MS} ms: ${target.problem}`);
    target = await evaluateTarget(chain);
  }
  const box: Box = target.box;
  await click(box.x + box.width / 2, box.y + box.height / 2);
}
