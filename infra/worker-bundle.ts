import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What `npm run build:worker` (wrangler's dry-run bundle, the same code `npm start` runs) leaves in worker/dist. */
export interface WorkerBundle {
  readonly mainModule: string;
  readonly content: string;
}

export const WORKER_MAIN_MODULE = 'index.js';

export class WorkerBundleMissingError extends Error {
  readonly code = 'WORKER_BUNDLE_MISSING';

  constructor(path: string) {
    super(`The Worker bundle ${path} is missing: run \`npm run build\` (or \`npm run build:worker\`) first.`);
    this.name = 'WorkerBundleMissingError';
  }
}

export function readWorkerBundle(repositoryRoot: string, distDir: string): WorkerBundle {
  const path = join(distDir, WORKER_MAIN_MODULE);
  if (!existsSync(path)) throw new WorkerBundleMissingError(relative(repositoryRoot, path));
  return { mainModule: WORKER_MAIN_MODULE, content: readFileSync(path, 'utf8') };
}
