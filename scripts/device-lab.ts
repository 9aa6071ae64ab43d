/**
 * Devices for browser tests: one Chromium, a local Worker of their own, and the core page served by Vite. Each
 * device is a fresh browser context (its own IndexedDB, no BroadcastChannel shared with the others), so several
 * of them in one test behave as separate machines of one org.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { loadCorePage, startCorePageServer, type CorePageServer } from './core-page.ts';
import { startScratchWorker, type ScratchWorker } from './test-worker.ts';

export interface DeviceLab {
  /** The local Worker's base URL. */
  workerUrl: string;
  /** The core page's URL; other pages of scripts/ are beside it. */
  pageUrl: string;
  /** A device on the core page; `initScript` runs before the core loads (e.g. to instrument an API). */
  newDevice(options?: { initScript?: () => void }): Promise<Page>;
  /** A device on a blank page, for tests that load another page themselves. */
  newBlankDevice(): Promise<Page>;
  /** Closes every device opened so far. */
  closeDevices(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startDeviceLab(): Promise<DeviceLab> {
  const server: CorePageServer = await startCorePageServer();
  const scratch: ScratchWorker = await startScratchWorker({ allowedOrigins: [new URL(server.url).origin] });
  // Chromium hides local addresses behind mDNS names, which nothing resolves in a container.
  const browser: Browser = await launchChromium({ args: ['--disable-features=WebRtcHideLocalIpsWithMdns'] });
  const contexts: BrowserContext[] = [];

  const openContext = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };

  return {
    workerUrl: scratch.url,
    pageUrl: server.url,
    async newBlankDevice() {
      const page = await openContext();
      // tsx compiles with esbuild's keepNames, which wraps functions passed to page.evaluate in a `__name` helper.
      await page.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
      return page;
    },
    async newDevice({ initScript } = {}) {
      const page = await openContext();
      if (initScript) await page.addInitScript(initScript);
      await loadCorePage(page, server.url);
      return page;
    },
    async closeDevices() {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    },
    async dispose() {
      await browser.close();
      await server.close();
      await scratch.dispose();
    },
  };
}

/**
 * The lab of the calling test file: started before its first test, every device closed after each test, and
 * disposed after the last. Its members are read at test time, once the lab has started.
 */
export function useDeviceLab(): DeviceLab {
  let lab: DeviceLab | undefined;
  beforeAll(async () => {
    lab = await startDeviceLab();
  });
  afterEach(async () => {
    await lab?.closeDevices();
  });
  afterAll(async () => {
    await lab?.dispose();
  });
  const started = () => {
    if (!lab) throw new Error('the device lab is used before it started');
    return lab;
  };
  return {
    get workerUrl() {
      return started().workerUrl;
    },
    get pageUrl() {
      return started().pageUrl;
    },
    newDevice: (options) => started().newDevice(options),
    newBlankDevice: () => started().newBlankDevice(),
    closeDevices: () => started().closeDevices(),
    dispose: () => started().dispose(),
  };
}
