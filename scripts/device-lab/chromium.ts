/** The lab's Chromium devices: Debian's chromium driven by playwright-core, one browser context per device. */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from '../chromium.ts';
import type { Box, Device, ElementPath } from './device.ts';
import { clickWhenClickable } from './clicking.ts';
import { boxInPage, clickTargetInPage, clickVerdictInPage, describePath, selectorChain } from './element-path.ts';
import { DEFAULT_VIEWPORT, KEEP_NAMES_SHIM, timedOut } from './page-scripts.ts';

/** Chromium hides local addresses behind mDNS names, which nothing resolves in a container. */
const LAB_CHROMIUM_ARGS = ['--disable-features=WebRtcHideLocalIpsWithMdns'];

export function launchLabChromium(): Promise<Browser> {
  return launchChromium({ args: LAB_CHROMIUM_ARGS });
}

/** The lab's Chromium, for test files to connect to (`chromium.connect(server.wsEndpoint())`) rather than launch. */
export function launchLabChromiumServer(): Promise<BrowserServer> {
  return chromium.launchServer({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...LAB_CHROMIUM_ARGS] });
}

export function connectLabChromium(endpoint: string): Promise<Browser> {
  return chromium.connect(endpoint);
}

export async function newChromiumDevice(browser: Browser): Promise<Device> {
  const context = await browser.newContext({ viewport: DEFAULT_VIEWPORT });
  const page: Page = await context.newPage();
  await page.addInitScript({ content: KEEP_NAMES_SHIM });

  const boxOf = async (path: ElementPath): Promise<Box> => {
    const box = await page.evaluate(boxInPage, selectorChain(path));
    if (!box) throw new Error(`no element at ${describePath(path)}`);
    return box;
  };

  return {
    browser: 'chromium',
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    async reload() {
      await page.reload({ waitUntil: 'load' });
    },
    evaluate: (fn, arg) => page.evaluate(fn as (arg: unknown) => never, arg),
    async waitFor(what, fn, arg, timeoutMs = 30_000) {
      try {
        await page.waitForFunction(fn as (arg: unknown) => unknown, arg, { timeout: timeoutMs });
      } catch (error) {
        throw timedOut(error, what, timeoutMs, (e) => e instanceof Error && e.name === 'TimeoutError');
      }
    },
    async addInitScript(fn) {
      await page.addInitScript(fn);
    },
    keyboard: {
      press: (key) => page.keyboard.press(key),
      type: (text) => page.keyboard.type(text),
      down: (key) => page.keyboard.down(key),
      up: (key) => page.keyboard.up(key),
    },
    mouse: {
      click: (x, y) => page.mouse.click(x, y),
      move: (x, y, options) => page.mouse.move(x, y, options),
      down: () => page.mouse.down(),
      up: () => page.mouse.up(),
    },
    boxOf,
    click: (path) => clickWhenClickable({ target: (chain) => page.evaluate(clickTargetInPage, chain), verdict: (timeoutMs) => page.evaluate(clickVerdictInPage, timeoutMs) }, (x, y) => page.mouse.click(x, y), path),
    async screenshot(file, options = {}) {
      await mkdir(dirname(file), { recursive: true });
      await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
    },
    setViewport: (size) => page.setViewportSize(size),
    setColorScheme: (scheme) => page.emulateMedia({ colorScheme: scheme }),
    setMediaType: (media) => page.emulateMedia({ media }),
    setOffline: (offline) => context.setOffline(offline),
    close: () => context.close(),
  };
}
