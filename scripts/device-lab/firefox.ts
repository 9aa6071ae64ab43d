/**
 * The lab's Firefox devices: Debian's firefox-esr driven by puppeteer-core over WebDriver BiDi (Playwright's Firefox
 * needs its own patched build), one user context per device, so each has its own storage like a separate machine.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import puppeteer, { type Browser, type KeyInput, type Page } from 'puppeteer-core';
import type { Box, Device, ElementPath } from './device.ts';
import { clickWhenClickable } from './clicking.ts';
import { boxInPage, clickTargetInPage, clickVerdictInPage, describePath, selectorChain } from './element-path.ts';
import { DEFAULT_VIEWPORT, KEEP_NAMES_SHIM, timedOut } from './page-scripts.ts';

/** The Debian package's binary; never a downloaded browser. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Headless in a container, and nothing that phones home or updates itself mid-run. */
const FIREFOX_PREFS: Record<string, unknown> = {
  // ICE offers the machine's own address as it is: an mDNS name in its place resolves nowhere in a container.
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
};

/**
 * The lab's printer: `print()` writes a PDF into `folder` without a dialog. Headless Firefox would otherwise open its
 * print preview, which stops every WebDriver BiDi wait in that tab for good; Chromium's headless pages ignore print().
 */
const printToFile = (folder: string): Record<string, unknown> => ({
  'print.always_print_silent': true,
  'print.show_print_progress': false,
  print_printer: 'Mozilla Save to PDF',
  'print.printer_Mozilla_Save_to_PDF.print_to_file': true,
  'print.printer_Mozilla_Save_to_PDF.print_to_filename': join(folder, 'printed.pdf'),
});

export function launchFirefox(userDataDir?: string): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    defaultViewport: DEFAULT_VIEWPORT,
    extraPrefsFirefox: { ...FIREFOX_PREFS, ...printToFile(userDataDir ?? tmpdir()) },
    // For the colour scheme and `<select>` drop-downs, which only Firefox's own (chrome) code reaches: `evaluateInChrome`.
    args: ['--remote-allow-system-access'],
    userDataDir,
  });
}

export function connectFirefox(endpoint: string): Promise<Browser> {
  return puppeteer.connect({ browserWSEndpoint: endpoint, protocol: 'webDriverBiDi', defaultViewport: DEFAULT_VIEWPORT });
}

/** A running Firefox that test files connect to (`connectFirefox(endpoint)`) rather than launch. */
export interface FirefoxServer {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Launches Firefox and lets go of it: Firefox holds one WebDriver BiDi session at a time, so the launcher ends its
 * own and each test file's connection opens the next. The profile is the server's own, removed when it closes.
 */
export async function launchFirefoxServer(): Promise<FirefoxServer> {
  const profile = await mkdtemp(join(tmpdir(), 'p2p-clinic-firefox-'));
  const launched = await launchFirefox(profile);
  const endpoint = launched.wsEndpoint();
  const firefox = launched.process()!;
  await launched.disconnect();
  return {
    endpoint,
    async close() {
      const exited = new Promise<void>((resolve) => (firefox.exitCode !== null || firefox.signalCode !== null ? resolve() : firefox.once('exit', () => resolve())));
      try {
        await (await connectFirefox(endpoint)).close();
      } catch {
        // Gone already, or a file's session still holds it: the signal below ends it either way.
        firefox.kill('SIGKILL');
      }
      await exited;
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** What puppeteer keeps internal but the lab needs: the raw BiDi connection and a tab's context id. */
interface BidiInternals {
  connection: { send(method: string, params: object): Promise<{ result: unknown }> };
}

const contextIdOf = (page: Page): string => (page.mainFrame() as unknown as { _id: string })._id;

/**
 * Runs `expression` in the browser window's privileged (chrome) scope, for what neither WebDriver BiDi nor page
 * script can reach; allowed by `--remote-allow-system-access`. Resolves with its (JSON-serialisable) value.
 */
async function evaluateInChrome(browser: Browser, expression: string): Promise<unknown> {
  const { connection } = browser as unknown as BidiInternals;
  const tree = (await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as { contexts: { context: string }[] };
  const chromeWindow = tree.contexts[0];
  if (!chromeWindow) throw new Error('Firefox has no browser window to reach');
  const { result } = (await connection.send('script.evaluate', {
    expression: `(async () => JSON.stringify(await (${expression})))()`,
    target: { context: chromeWindow.context },
    awaitPromise: true,
  })) as { result: { type: string; result?: { value?: string }; exceptionDetails?: { text: string } } };
  if (result.type === 'exception') throw new Error(`Firefox's chrome scope threw: ${result.exceptionDetails?.text}`);
  const json = result.result?.value;
  return json === undefined ? undefined : JSON.parse(json);
}

/**
 * Sets `prefers-color-scheme` for one tab, as Firefox's devtools do: through the `prefersColorSchemeOverride` of the
 * tab's top browsing context, since neither WebDriver BiDi nor a preference (which would cover every tab) can.
 */
async function overrideColorScheme(browser: Browser, page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await evaluateInChrome(
    browser,
    `(() => {
      const { NavigableManager } = ChromeUtils.importESModule('chrome://remote/content/shared/NavigableManager.sys.mjs');
      NavigableManager.getBrowsingContextById(${JSON.stringify(contextIdOf(page))}).prefersColorSchemeOverride = ${JSON.stringify(scheme)};
    })()`,
  );
}

/** Sets the CSS media type of one tab, as Firefox's devtools simulate print media: the tab's `mediumOverride`. */
async function overrideMediaType(browser: Browser, page: Page, media: 'print' | 'screen'): Promise<void> {
  await evaluateInChrome(
    browser,
    `(() => {
      const { NavigableManager } = ChromeUtils.importESModule('chrome://remote/content/shared/NavigableManager.sys.mjs');
      NavigableManager.getBrowsingContextById(${JSON.stringify(contextIdOf(page))}).mediumOverride = ${JSON.stringify(media === 'print' ? 'print' : '')};
    })()`,
  );
}

/** Runs in the page: whether the focused element, looked for through shadow roots, is a drop-down `<select>`. */
function focusIsDropDown(): boolean {
  let focused = document.activeElement;
  while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
  return focused instanceof HTMLSelectElement && !focused.multiple && focused.size <= 1;
}

/**
 * Firefox draws a `<select>`'s drop-down in the browser window, outside the page, where keys sent through WebDriver
 * BiDi never arrive: a click that opened one would leave the keyboard dead. The lab waits for that drop-down and
 * closes it, leaving the `<select>` focused, so the keys that follow (ArrowDown, Enter) choose options as in Chromium.
 */
async function closeSelectDropDown(browser: Browser): Promise<void> {
  await evaluateInChrome(
    browser,
    `new Promise((resolve, reject) => {
      const { SelectParentHelper } = ChromeUtils.importESModule('resource://gre/actors/SelectParent.sys.mjs');
      const started = Date.now();
      const close = () => {
        const popup = SelectParentHelper._currentMenulist?.menupopup;
        if (popup?.state === 'open') {
          popup.addEventListener('popuphidden', () => resolve(true), { once: true });
          popup.hidePopup();
        } else if (Date.now() - started > 10000) reject(new Error('the <select> drop-down did not open'));
        else setTimeout(close, 10);
      };
      close();
    })`,
  );
}

/** `Shift+Tab` as the modifiers held and the key pressed; a lone `+` is a key, not a separator. */
function chord(key: string): { modifiers: KeyInput[]; key: KeyInput } {
  const match = /^((?:(?:Shift|Control|Alt|Meta)\+)*)(.+)$/.exec(key)!;
  const modifiers = match[1]!.split('+').filter(Boolean) as KeyInput[];
  return { modifiers, key: match[2] as KeyInput };
}

async function press(page: Page, key: string): Promise<void> {
  const { modifiers, key: pressed } = chord(key);
  for (const modifier of modifiers) await page.keyboard.down(modifier);
  await page.keyboard.press(pressed);
  for (const modifier of modifiers.reverse()) await page.keyboard.up(modifier);
}

export async function newFirefoxDevice(browser: Browser): Promise<Device> {
  const context = await browser.createBrowserContext();
  // A window of its own, as each device is a machine of its own: tabs of one window would leave all but the last
  // hidden, and Firefox throttles a hidden page's timers and frames (Chromium's headless pages are each visible).
  const page = await context.newPage({ type: 'window' });
  await page.evaluateOnNewDocument(KEEP_NAMES_SHIM);

  // Firefox may replace the tab's browsing context on navigation, and the overrides with it: set again after each.
  let scheme: 'light' | 'dark' | null = null;
  let media: 'print' | null = null;
  const keepOverrides = async () => {
    if (scheme) await overrideColorScheme(browser, page, scheme);
    if (media) await overrideMediaType(browser, page, media);
  };

  const clickAt = async (x: number, y: number) => {
    await page.mouse.click(x, y);
    if (await page.evaluate(focusIsDropDown)) await closeSelectDropDown(browser);
  };

  const boxOf = async (path: ElementPath): Promise<Box> => {
    const box = await page.evaluate(boxInPage, selectorChain(path));
    if (!box) throw new Error(`no element at ${describePath(path)}`);
    return box;
  };

  return {
    browser: 'firefox',
    async goto(url) {
      await page.goto(url, { waitUntil: 'load' });
      await keepOverrides();
    },
    async reload() {
      await page.reload({ waitUntil: 'load' });
      await keepOverrides();
    },
    evaluate: (fn, arg) => page.evaluate(fn as (arg: unknown) => never, arg),
    async waitFor(what, fn, arg, timeoutMs = 30_000) {
      try {
        await page.waitForFunction(fn as (arg: unknown) => unknown, { timeout: timeoutMs }, arg);
      } catch (error) {
        throw timedOut(error, what, timeoutMs, (e) => e instanceof Error && e.name === 'TimeoutError');
      }
    },
    async addInitScript(fn) {
      await page.evaluateOnNewDocument(fn);
    },
    keyboard: {
      press: (key) => press(page, key),
      type: (text) => page.keyboard.type(text),
      down: (key) => page.keyboard.down(key as KeyInput),
      up: (key) => page.keyboard.up(key as KeyInput),
    },
    mouse: {
      click: clickAt,
      move: (x, y, options) => page.mouse.move(x, y, options),
      down: () => page.mouse.down(),
      up: () => page.mouse.up(),
    },
    boxOf,
    click: (path) => clickWhenClickable({ target: (chain) => page.evaluate(clickTargetInPage, chain), verdict: (timeoutMs) => page.evaluate(clickVerdictInPage, timeoutMs) }, clickAt, path),
    async screenshot(file, options = {}) {
      await mkdir(dirname(file), { recursive: true });
      await page.screenshot({ path: file as `${string}.png`, fullPage: options.fullPage ?? false });
    },
    setViewport: (size) => page.setViewport(size),
    async setColorScheme(chosen) {
      scheme = chosen;
      await keepOverrides();
    },
    async setMediaType(chosen) {
      media = chosen === 'print' ? 'print' : null;
      await overrideMediaType(browser, page, chosen);
    },
    setOffline: (offline) => page.setOfflineMode(offline),
    close: () => context.close(),
  };
}
