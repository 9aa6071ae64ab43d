/**
 * The pages the lab's devices load: the core page, the elements page, y-webrtc's page and the app's test page, built
 * by Vite into plain files once per test run and served as they are. Under Vite's dev server every device, a fresh
 * browser context with an empty cache, fetched the core as some 150 separate modules, and every test file's server
 * compiled them all again: about a second per device in Chromium and two to three in Firefox, the largest part of
 * most browser tests. Built, a page is a handful of files, the same bundling the app ships with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import { ROOT } from '../local-worker.ts';

/** Each page's path under the root, which is also its path on the lab's server. */
const LAB_PAGES = ['scripts/core-page.html', 'scripts/elements-page.html', 'scripts/y-webrtc-page.html', 'app/test/app-page.html'];
const CORE_PAGE = LAB_PAGES[0]!;

export interface LabPagesServer {
  /** The core page's URL; the other pages are beside it, at their paths under the root. */
  url: string;
  close(): Promise<void>;
}

/** Builds the lab's pages into `outDir` (emptied first). */
export async function buildLabPages(outDir: string): Promise<void> {
  await build({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    build: {
      outDir,
      emptyOutDir: true,
      // Unminified, so that a stack from a failing page names the functions it passed through.
      minify: false,
      rollupOptions: { input: Object.fromEntries(LAB_PAGES.map((page) => [page, join(ROOT, page)])) },
    },
  });
}

/** Serves built lab pages from `dir` on a port of the system's choosing. */
export async function serveLabPages(dir: string): Promise<LabPagesServer> {
  const server = await preview({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    build: { outDir: dir },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('the lab pages server did not report its port');
  return { url: `http://127.0.0.1:${address.port}/${CORE_PAGE}`, close: () => server.close() };
}

/** Builds the lab's pages into a directory of its own and serves them; closing removes the directory. */
export async function buildAndServeLabPages(): Promise<LabPagesServer> {
  const dir = mkdtempSync(join(tmpdir(), 'p2p-clinic-lab-pages-'));
  try {
    await buildLabPages(dir);
    const server = await serveLabPages(dir);
    return {
      url: server.url,
      async close() {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
