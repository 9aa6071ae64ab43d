/**
 * `globalSetup` of the node test project (vitest.config.ts): a pool of fresh Workers for its files that talk to a
 * real one (`scratchWorkerForTestFile`, scripts/scratch-worker-pool.ts). The first is started on the first request,
 * so a run of files that need none starts none.
 */
import type { TestProject } from 'vitest/node';
import { startScratchWorkerPool } from './scratch-worker-pool.ts';

export default async function setupScratchWorkerPool(project: TestProject): Promise<() => Promise<void>> {
  const pool = await startScratchWorkerPool();
  project.provide('scratchWorkerPool', pool.url);
  return () => pool.close();
}
