/**
 * The service worker's precache list, written into the worker by the build: every file of the app shell with a
 * version derived from their contents, so that a new build installs as a new version (and is offered, not forced;
 * see app/src/service-worker.ts and app/src/update-offer.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin, Rollup } from 'vite';

/** The placeholder in the worker's source that the build replaces with `{ version, urls }`. */
export const PRECACHE_PLACEHOLDER = 'self.__P2P_PRECACHE__';
export const SERVICE_WORKER_FILE = 'sw.js';

/** Files not worth caching for the shell: source maps, and the worker itself. */
const skipped = (fileName: string) => fileName.endsWith('.map') || fileName === SERVICE_WORKER_FILE;

/** `publicDir`: the files Vite copies as they are (manifest, icons), cached with the bundle. */
export function precacheManifest({ publicDir }: { publicDir: string }): Plugin {
  return {
    name: 'p2p-precache-manifest',
    apply: 'build',
    // After index.html and every asset are in the bundle.
    enforce: 'post',
    generateBundle(_options, bundle) {
      const worker = Object.values(bundle).find((file): file is Rollup.OutputChunk => file.type === 'chunk' && file.fileName === SERVICE_WORKER_FILE);
      if (!worker) this.error(`the bundle has no ${SERVICE_WORKER_FILE}`);
      const files = Object.values(bundle).filter((file) => !skipped(file.fileName));
      const hash = createHash('sha256');
      for (const file of files.sort((a, b) => a.fileName.localeCompare(b.fileName))) {
        hash.update(file.fileName);
        hash.update(file.type === 'chunk' ? file.code : file.source);
      }
      const publicFiles = readdirSync(publicDir).sort();
      for (const fileName of publicFiles) {
        hash.update(fileName);
        hash.update(readFileSync(join(publicDir, fileName)));
      }
      const manifest = {
        version: hash.digest('hex').slice(0, 16),
        // The shell is served at '/', which is index.html.
        urls: ['./', ...[...files.map((file) => file.fileName), ...publicFiles].filter((name) => name !== 'index.html').map((name) => `./${name}`)],
      };
      if (!worker.code.includes(PRECACHE_PLACEHOLDER)) this.error(`${SERVICE_WORKER_FILE} does not read ${PRECACHE_PLACEHOLDER}`);
      worker.code = worker.code.replace(PRECACHE_PLACEHOLDER, JSON.stringify(manifest));
    },
  };
}
