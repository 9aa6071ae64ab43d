/** What every device of the lab needs in its pages, whichever browser it is. */

/**
 * Every device's viewport until a test sets another: the same in both browsers (their automation libraries'
 * defaults differ, 1280×720 and 800×600), so that a layout a test meets does not depend on the browser.
 */
export const DEFAULT_VIEWPORT = { width: 1280, height: 720 };

/**
 * tsx and Vite compile with esbuild's keepNames, which wraps functions passed to `evaluate` in a `__name` helper
 * that exists only in Node; every page gets a stand-in before its own scripts.
 */
export const KEEP_NAMES_SHIM = 'globalThis.__name ??= (fn) => fn;';

/** A wait's timeout as an error naming what was awaited; any other failure (the page threw) passes unchanged. */
export function timedOut(error: unknown, what: string, timeoutMs: number, isTimeout: (error: unknown) => boolean): unknown {
  return isTimeout(error) ? new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: error }) : error;
}
