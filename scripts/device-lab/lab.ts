/**
 * Devices for browser tests: the browsers of the lab, a local Worker of their own, and the pages they load (built
 * once, scripts/device-lab/lab-pages.ts). Each device is a fresh browser context (its own IndexedDB, no
 * BroadcastChannel shared with the others), so several of them in one test behave as separate machines of one org.
 * Tests get `Device`s only and never know which browser they drive: the vitest project picks it through
 * DEVICE_LAB_BROWSER (see vitest.config.ts). Under vitest the run shares the costly parts among its files
 * (scripts/device-lab/global-setup.ts): the built pages, the browser and Workers started ahead; each file still gets
 * a Worker and browser contexts of its own.
 */
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { loadCorePage } from '../core-page.ts';
import { startMiniflareWorker } from '../miniflare-worker.ts';
import { takeScratchWorker } from '../scratch-worker-pool.ts';
import { BROWSERS, type BrowserName, type Device } from './device.ts';
import { connectLabBrowser, launchLabBrowser, type LabBrowser } from './browsers.ts';

export { BROWSERS };

/** The browser this test run drives; Chromium when no project chose one. */
export function labBrowser(): BrowserName {
  const name = process.env.DEVICE_LAB_BROWSER ?? 'chromium';
  if (!BROWSERS.includes(name as BrowserName)) throw new Error(`DEVICE_LAB_BROWSER is ${name}; expected one of ${BROWSERS.join(', ')}`);
  return name as BrowserName;
}

export interface DeviceOptions {
  /** Another browser than the run's, for tests that pair two browsers. */
  browser?: BrowserName;
}

export interface DeviceLab {
  /** The browser of this run: what `newDevice` gives unless told otherwise. */
  readonly browser: BrowserName;
  /** The local Worker's base URL. */
  readonly workerUrl: string;
  /** The core page's URL; other pages of scripts/ are beside it. */
  readonly pageUrl: string;
  /** A device on the core page; `initScript` runs before the core loads (e.g. to instrument an API). */
  newDevice(options?: DeviceOptions & { initScript?: () => void }): Promise<Device>;
  /** A device on a blank page, for tests that load another page themselves. */
  newBlankDevice(options?: DeviceOptions): Promise<Device>;
  /** Loads (or reloads) the core page on `device` and waits until the core is on `window.core`. */
  loadCorePage(device: Device): Promise<void>;
  /** Closes every device opened so far. */
  closeDevices(): Promise<void>;
  dispose(): Promise<void>;
}

/** What a test run shares among its files' labs: the served pages, its browser, and a pool of fresh Workers. */
export interface SharedDeviceLab {
  pageUrl: string;
  browser: BrowserName;
  browserEndpoint: string;
  workerPoolUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    deviceLab?: SharedDeviceLab;
  }
}

/** The servers one lab's devices talk to: the pages they load and the Worker they sync through. */
interface LabServers {
  pageUrl: string;
  workerUrl: string;
  close(): Promise<void>;
}

/** A Worker and pages of the lab's own, for a lab started outside a test run (as the screenshots are). */
async function startOwnServers(): Promise<LabServers> {
  // Imported here only: Vite is heavy, and files of a test run use the run's pages instead.
  const { buildAndServeLabPages } = await import('./lab-pages.ts');
  const pages = await buildAndServeLabPages();
  try {
    const scratch = await startMiniflareWorker({ allowedOrigins: [new URL(pages.url).origin] });
    return {
      pageUrl: pages.url,
      workerUrl: scratch.url,
      close: async () => void (await Promise.all([pages.close(), scratch.dispose()])),
    };
  } catch (error) {
    await pages.close();
    throw error;
  }
}

/** A fresh Worker from the run's pool, beside the run's pages. */
async function useSharedServers(shared: SharedDeviceLab): Promise<LabServers> {
  const worker = await takeScratchWorker(shared.workerPoolUrl);
  return { pageUrl: shared.pageUrl, workerUrl: worker.url, close: () => worker.dispose() };
}

export async function startDeviceLab(browser: BrowserName = labBrowser(), shared?: SharedDeviceLab): Promise<DeviceLab> {
  const servers = shared ? await useSharedServers(shared) : await startOwnServers();
  // Launched (or connected) on first use: a run of one browser never starts the other.
  const browsers = new Map<BrowserName, Promise<LabBrowser>>();
  const devices: Device[] = [];

  const newBlankDevice = async ({ browser: name = browser }: DeviceOptions = {}) => {
    let launched = browsers.get(name);
    if (!launched) {
      launched = shared?.browser === name ? connectLabBrowser(name, shared.browserEndpoint) : launchLabBrowser(name);
      browsers.set(name, launched);
    }
    const device = await (await launched).newDevice();
    devices.push(device);
    return device;
  };

  return {
    browser,
    workerUrl: servers.workerUrl,
    pageUrl: servers.pageUrl,
    newBlankDevice,
    async newDevice({ initScript, ...options } = {}) {
      const device = await newBlankDevice(options);
      if (initScript) await device.addInitScript(initScript);
      await loadCorePage(device, servers.pageUrl);
      return device;
    },
    loadCorePage: (device) => loadCorePage(device, servers.pageUrl),
    async closeDevices() {
      await Promise.all(devices.splice(0).map((device) => device.close()));
    },
    async dispose() {
      const launched = await Promise.allSettled(browsers.values());
      await Promise.all(launched.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
      await servers.close();
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
    lab = await startDeviceLab(labBrowser(), inject('deviceLab'));
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
    get browser() {
      return lab?.browser ?? labBrowser();
    },
    get workerUrl() {
      return started().workerUrl;
    },
    get pageUrl() {
      return started().pageUrl;
    },
    newDevice: (options) => started().newDevice(options),
    newBlankDevice: (options) => started().newBlankDevice(options),
    loadCorePage: (device) => started().loadCorePage(device),
    closeDevices: () => started().closeDevices(),
    dispose: () => started().dispose(),
  };
}
