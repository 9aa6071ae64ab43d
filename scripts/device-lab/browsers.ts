/** One launched browser of the lab, whichever it is: it hands out devices and closes. */
import type { BrowserName, Device } from './device.ts';
import { launchLabChromium, newChromiumDevice } from './chromium.ts';
import { launchFirefox, newFirefoxDevice } from './firefox.ts';

export interface LabBrowser {
  newDevice(): Promise<Device>;
  close(): Promise<void>;
}

export async function launchLabBrowser(name: BrowserName): Promise<LabBrowser> {
  if (name === 'chromium') {
    const browser = await launchLabChromium();
    return { newDevice: () => newChromiumDevice(browser), close: () => browser.close() };
  }
  const browser = await launchFirefox();
  return { newDevice: () => newFirefoxDevice(browser), close: () => browser.close() };
}
