/**
 * The embed's size budget, enforced by the build: the gzipped bytes a page downloads before the first render of
 * `p2p-components.js` (the entry and every chunk it imports statically; dynamic imports load later). The build
 * prints the figure and fails above the budget, so that what a first render does not need stays lazy.
 */
import { gzipSync } from 'node:zlib';
import type { Plugin, Rollup } from 'vite';

/**
 * 150 KB gzipped: the ceiling for the embed's initial load. FullCalendar's standard bundle is 81 KB with
 * no data layer, sync or encryption; ours carries the local-first core.
 */
export const EMBED_BUDGET_BYTES = 150 * 1024;

export interface InitialLoad {
  /** File names of the entry and its static imports, entry first. */
  files: string[];
  gzippedBytes: number;
}

/** The entry chunk and everything it imports statically, gzipped one file at a time as a server sends them. */
export function initialLoadOf(bundle: Rollup.OutputBundle, entryFileName: string): InitialLoad {
  const files: string[] = [];
  let gzippedBytes = 0;
  const visit = (fileName: string) => {
    if (files.includes(fileName)) return;
    const chunk = bundle[fileName];
    if (!chunk || chunk.type !== 'chunk') throw new Error(`the bundle has no chunk ${fileName}`);
    files.push(fileName);
    gzippedBytes += gzipSync((chunk as Rollup.OutputChunk).code, { level: 9 }).byteLength;
    for (const imported of chunk.imports) visit(imported);
  };
  visit(entryFileName);
  return { files, gzippedBytes };
}

export const formatKilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Measures the embed's initial load after the bundle is written, prints it, and fails the build above `budgetBytes`. */
export function embedBudget({ entryFileName, budgetBytes = EMBED_BUDGET_BYTES }: { entryFileName: string; budgetBytes?: number }): Plugin {
  return {
    name: 'p2p-embed-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const load = initialLoadOf(bundle, entryFileName);
      const figure = `${entryFileName} initial load: ${formatKilobytes(load.gzippedBytes)} gzipped in ${load.files.length} file${load.files.length === 1 ? '' : 's'} (budget ${formatKilobytes(budgetBytes)})`;
      if (load.gzippedBytes > budgetBytes) this.error(`${figure}: over budget. Load what a first render does not need with import().`);
      console.log(figure);
    },
  };
}
