/**
 * Serves scripts/core-page.html, a blank page with the client core on `window.core`, through Vite's dev server,
 * so browser tests and benchmarks run the core's TypeScript as a browser loads it, with no build step.
 */
import { createServer } from 'vite';
import type { Device } from './device-lab/device.ts';
import { ROOT } from './local-worker.ts';

export type Core = typeof import('../components/src/core/index.ts');

export interface CorePageServer {
  url: string;
  close(): Promise<void>;
}

export async function startCorePageServer(): Promise<CorePageServer> {
  const server = await createServer({ root: ROOT, configFile: false, logLevel: 'error', server: { host: '127.0.0.1', port: 0, hmr: false, watch: null } });
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
