/**
 * Set up once per browser project of a test run (vitest.config.ts's `globalSetup`), in vitest's main process: the
 * lab's pages built and served, the project's browser launched, and a pool of fresh Workers started ahead. Each
 * test file's lab (lab.ts) connects to them, so that a file pays for its own devices and tests only.
 */
import type { TestProject } from 'vitest/node';
import { startScratchWorkerPool } from '../scratch-worker-pool.ts';
import { launchLabBrowserServer } from './browsers.ts';
import { BROWSERS, type BrowserName } from './device.ts';
import { buildAndServeLabPages } from './lab-pages.ts';

export default async function setupDeviceLab(project: TestProject): Promise<() => Promise<void>> {
  const browser = project.config.env.DEVICE_LAB_BROWSER as BrowserName | undefined;
  if (!browser || !BROWSERS.includes(browser)) throw new Error(`project ${project.name} sets no DEVICE_LAB_BROWSER of ${BROWSERS.join(', ')}`);
  // The browser starts while the pages build; the Workers need the pages' origin.
  const pages = buildAndServeLabPages();
  const [browserServer, served, pool] = await Promise.allSettled([
    launchLabBrowserServer(browser),
    pages,
    pages.then((server) => startScratchWorkerPool({ allowedOrigins: [new URL(server.url).origin], startAhead: true })),
  ]);
  const closeAll = async () => {
    await Promise.all([browserServer, served, pool].map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
  };
  if (browserServer.status === 'rejected' || served.status === 'rejected' || pool.status === 'rejected') {
    await closeAll();
    throw [browserServer, served, pool].find((result) => result.status === 'rejected')!.reason;
  }
  project.provide('deviceLab', { pageUrl: served.value.url, browser, browserEndpoint: browserServer.value.endpoint, workerPoolUrl: pool.value.url });
  return closeAll;
}
