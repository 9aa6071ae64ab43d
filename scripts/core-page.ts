/**
 * Serves scripts/core-page.html, a blank page with the client core on `window.core`, through Vite's dev server,
 * so benchmarks run the core's TypeScript as a browser loads it, with no build step. (Browser tests load the same
 * page built: scripts/device-lab/lab-pages.ts.)
 */
import { join } from 'node:path';
import type { Device } from './device-lab/device.ts';
import { ROOT } from './local-worker.ts';

export type Core = typeof import('../components/src/core/index.ts');

export interface CorePageServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The server keeps its pre-bundled dependencies in a folder of its own under node_modules/.vite: a server that finds
 * the folder stale rebuilds it, deleting the files another server's pages (the app's, in `npm start`) are loading.
 */
export async function startCorePageServer(): Promise<CorePageServer> {
  // Imported on use: the device lab loads this module for `loadCorePage` alone, in every test file's process.
  const { createServer } = await import('vite');
  const server = await createServer({
    root: ROOT,
    configFile: false,
    cacheDir: join(ROOT, 'node_modules', '.vite', 'core-page'),
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
  });
  await server.listen();
  const address = server.httpServer!.address();
  if (!address || typeof address === 'string') throw new Error('Vite did not report its port');
  return { url: `http://127.0.0.1:${address.port}/scripts/core-page.html`, close: () => server.close() };
}

/** Loads (or reloads) the page on `device` and waits until the core is on `window.core`. */
export async function loadCorePage(device: Device, url: string): Promise<void> {
  await device.goto(url);
  await device.waitFor('the core on window.core', () => document.title === 'core ready', undefined, 60_000);
}
