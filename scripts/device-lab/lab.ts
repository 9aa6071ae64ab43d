/**
 * Devices for browser tests: the browsers of the lab, a local Worker of their own, and the core page served by
 * Vite. Each device is a fresh browser context (its own IndexedDB, no BroadcastChannel shared with the others), so
 * several of them in one test behave as separate machines of one org. Tests get `Device`s only and never know
 * which browser they drive: the vitest project picks it through DEVICE_LAB_BROWSER (see vitest.config.ts).
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { loadCorePage, startCorePageServer, type CorePageServer } from '../core-page.ts';
import { startScratchWorker, type ScratchWorker } from '../test-worker.ts';
import type { BrowserName, Device } from './device.ts';
import { launchLabBrowser, type LabBrowser } from './browsers.ts';

export const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];

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

export async function startDeviceLab(browser: BrowserName = labBrowser()): Promise<DeviceLab> {
  const server: CorePageServer = await startCorePageServer({ cacheName: `device-lab-${browser}` });
  const scratch: ScratchWorker = await startScratchWorker({ allowedOrigins: [new URL(server.url).origin] });
  // Launched on first use: a run of one browser never starts the other.
  const browsers = new Map<BrowserName, Promise<LabBrowser>>();
  const devices: Device[] = [];

  const newBlankDevice = async ({ browser: name = browser }: DeviceOptions = {}) => {
    let launched = browsers.get(name);
    if (!launched) browsers.set(name, (launched = launchLabBrowser(name)));
    const device = await (await launched).newDevice();
    devices.push(device);
    return device;
  };

  return {
    browser,
    workerUrl: scratch.url,
    pageUrl: server.url,
    newBlankDevice,
    async newDevice({ initScript, ...options } = {}) {
      const device = await newBlankDevice(options);
      if (initScript) await device.addInitScript(initScript);
      await loadCorePage(device, server.url);
      return device;
    },
    loadCorePage: (device) => loadCorePage(device, server.url),
    async closeDevices() {
      await Promise.all(devices.splice(0).map((device) => device.close()));
    },
    async dispose() {
      const launched = await Promise.allSettled(browsers.values());
      await Promise.all(launched.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
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
