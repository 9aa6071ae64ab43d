/**
 * One browser of the lab, whichever it is: launched by a test file, or by its run and shared with its files. Each
 * browser's driver is imported when that browser is first used: a file of one browser's run, in a process of its
 * own, need not load the other's (playwright-core alone takes a good part of a second of CPU to import).
 */
import type { BrowserName, Device } from './device.ts';

/** A browser as a test file holds it: it hands out devices, and closing lets go of it. */
export interface LabBrowser {
  newDevice(): Promise<Device>;
  /** Closes a browser the file launched; only disconnects from a shared one, whose devices close with the file's. */
  close(): Promise<void>;
}

/** A browser that a test run launches once and its files connect to, each with its own connection and devices. */
export interface LabBrowserServer {
  endpoint: string;
  close(): Promise<void>;
}

export async function launchLabBrowser(name: BrowserName): Promise<LabBrowser> {
  if (name === 'chromium') {
    const { launchLabChromium, newChromiumDevice } = await import('./chromium.ts');
    const browser = await launchLabChromium();
    return { newDevice: () => newChromiumDevice(browser), close: () => browser.close() };
  }
  const { launchFirefox, newFirefoxDevice } = await import('./firefox.ts');
  const browser = await launchFirefox();
  return { newDevice: () => newFirefoxDevice(browser), close: () => browser.close() };
}

export async function launchLabBrowserServer(name: BrowserName): Promise<LabBrowserServer> {
  if (name === 'chromium') {
    const { launchLabChromiumServer } = await import('./chromium.ts');
    const server = await launchLabChromiumServer();
    return { endpoint: server.wsEndpoint(), close: () => server.close() };
  }
  const { launchFirefoxServer } = await import('./firefox.ts');
  return launchFirefoxServer();
}

export async function connectLabBrowser(name: BrowserName, endpoint: string): Promise<LabBrowser> {
  if (name === 'chromium') {
    const { connectLabChromium, newChromiumDevice } = await import('./chromium.ts');
    // Closing a connected Chromium closes the contexts this connection made and disconnects.
    const browser = await connectLabChromium(endpoint);
    return { newDevice: () => newChromiumDevice(browser), close: () => browser.close() };
  }
  const { connectFirefox, newFirefoxDevice } = await import('./firefox.ts');
  const browser = await connectFirefox(endpoint);
  return { newDevice: () => newFirefoxDevice(browser), close: () => browser.disconnect() };
}
