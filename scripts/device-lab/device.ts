/**
 * What a browser test may do with a device: the small surface every browser of the lab implements, so that tests
 * and page objects never know which browser they drive. Anything a person does goes through `keyboard` and `mouse`;
 * anything a test reads goes through `evaluate`.
 */
export type BrowserName = 'chromium' | 'firefox';

export const BROWSERS: readonly BrowserName[] = ['chromium', 'firefox'];

/**
 * A chain of CSS selectors, each looked up inside the shadow root (or, for the first, the document) of the element
 * the previous one matched: `['p2p-calendar', '[part~="event"]']`. Neither browser's automation pierces shadow roots
 * the same way, so the lab resolves chains itself.
 */
export type ElementPath = string | readonly string[];

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Device {
  readonly browser: BrowserName;
  /** Navigates and waits for the page's `load` event. */
  goto(url: string): Promise<void>;
  /** Reloads and waits for the page's `load` event. */
  reload(): Promise<void>;
  /** Runs `fn` in the page with one serialisable argument and returns its (serialisable) result. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /**
   * Waits until `fn` returns a truthy value in the page; fails after `timeoutMs` (default 30 s) with an error that
   * names `what`, so that a lost condition says what it was.
   */
  waitFor<A = undefined>(what: string, fn: (arg: A) => unknown, arg?: A, timeoutMs?: number): Promise<void>;
  /** Runs `fn` in every document this device loads from now on, before the page's own scripts. */
  addInitScript(fn: () => void): Promise<void>;
  readonly keyboard: {
    /** A key by its `KeyboardEvent.key` name, with modifiers joined by `+`: `Enter`, `Shift+Tab`, `Control+a`. */
    press(key: string): Promise<void>;
    type(text: string): Promise<void>;
    down(key: string): Promise<void>;
    up(key: string): Promise<void>;
  };
  readonly mouse: {
    click(x: number, y: number): Promise<void>;
    move(x: number, y: number, options?: { steps?: number }): Promise<void>;
    down(): Promise<void>;
    up(): Promise<void>;
  };
  /** The element's box in viewport pixels; fails naming the path when nothing matches. */
  boxOf(path: ElementPath): Promise<Box>;
  /** Clicks the centre of the element at `path` with the mouse. */
  click(path: ElementPath): Promise<void>;
  /** Writes a PNG of the viewport (or the whole page). */
  screenshot(file: string, options?: { fullPage?: boolean }): Promise<void>;
  setViewport(size: { width: number; height: number }): Promise<void>;
  /** What `prefers-color-scheme` answers in this device's pages. */
  setColorScheme(scheme: 'light' | 'dark'): Promise<void>;
  /** Lays the page out for `print` (its `@media print` rules apply) or back for the `screen`, as a print preview does. */
  setMediaType(media: 'print' | 'screen'): Promise<void>;
  /** Cuts (or restores) every network request of this device, as a person going offline would. */
  setOffline(offline: boolean): Promise<void>;
  close(): Promise<void>;
}
