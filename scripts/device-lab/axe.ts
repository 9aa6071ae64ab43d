/**
 * axe-core in any device of the lab: its published source is injected into the page and run there, so the same
 * accessibility check runs in Chromium and in Firefox.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Device, ElementPath } from './device.ts';
import { boxInPage, describePath, selectorChain } from './element-path.ts';

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe on the element at `path` (the whole page without one) and returns its violations. */
export async function axeViolations(device: Device, path?: ElementPath): Promise<AxeViolation[]> {
  const source = await axeSource;
  const chain = path === undefined ? null : selectorChain(path);
  if (chain && !(await device.evaluate(boxInPage, chain))) throw new Error(`axe: no element at ${describePath(chain)}`);
  return device.evaluate(
    async ({ source, chain }) => {
      type Axe = typeof import('axe-core');
      const w = window as unknown as { axe?: Axe };
      // Indirect eval runs the source in the page's global scope, where it defines window.axe.
      if (!w.axe) (0, eval)(source);
      let context: Element | Document = document;
      if (chain) {
        let root: ParentNode = document;
        for (const selector of chain) {
          context = root.querySelector(selector)!;
          root = context.shadowRoot ?? context;
        }
      }
      const results = await w.axe!.run(context, { resultTypes: ['violations'] });
      return results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact ?? null,
        help: violation.help,
        targets: violation.nodes.map((node) => JSON.stringify(node.target)),
      }));
    },
    { source, chain },
  );
}

/** Fails listing every axe violation on the element at `path` (the whole page without one), with its targets. */
export async function expectNoAxeViolations(device: Device, path?: ElementPath): Promise<void> {
  const violations = await axeViolations(device, path);
  const described = violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.targets.join(', ')}`);
  expect(described, `axe in ${device.browser}${path === undefined ? '' : ` on ${describePath(path)}`}`).toEqual([]);
}
