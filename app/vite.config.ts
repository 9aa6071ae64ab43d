import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { embedBudget } from './build/embed-budget.ts';
import { embedIntegrity } from './build/embed-integrity.ts';
import { SERVICE_WORKER_FILE, precacheManifest } from './build/precache.ts';

/** The embeddable module, at a fixed path so that the embed snippet (infra/embed-snippet.ts) can name it. */
const COMPONENTS_ENTRY = 'p2p-components';
const SERVICE_WORKER_ENTRY = 'service-worker';
const CORE_MODULE = /\/components\/src\/core\//;

/** Entries whose file names other code names: the embed snippet, and the page registering the service worker. */
const FIXED_NAMES: Record<string, string> = { [COMPONENTS_ENTRY]: `${COMPONENTS_ENTRY}.js`, [SERVICE_WORKER_ENTRY]: SERVICE_WORKER_FILE };

export default defineConfig({
  root: import.meta.dirname,
  // Relative, so that the shell and its service worker work under any path of the team's Pages site.
  base: './',
  server: { port: 5173, strictPort: true },
  plugins: [
    embedBudget({ entryFileName: `${COMPONENTS_ENTRY}.js` }),
    embedIntegrity({ entryFileName: `${COMPONENTS_ENTRY}.js` }),
    precacheManifest({ publicDir: fileURLToPath(new URL('public', import.meta.url)) }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: {
      input: {
        app: fileURLToPath(new URL('index.html', import.meta.url)),
        [COMPONENTS_ENTRY]: fileURLToPath(new URL('../components/src/index.ts', import.meta.url)),
        [SERVICE_WORKER_ENTRY]: fileURLToPath(new URL('src/service-worker.ts', import.meta.url)),
      },
      // An app build drops entry exports by default; the embeddable module exists for its exports.
      preserveEntrySignatures: 'exports-only',
      // The client core's modules only declare (nothing runs on import), so what the elements do not use of it stays
      // out of the embed's first load along with the libraries behind it (simple-peer, @noble/curves, ical.js's
      // interop); without this the embed's first load grows by about 70 KB gzipped.
      treeshake: { moduleSideEffects: (id: string) => !CORE_MODULE.test(id) },
      output: {
        entryFileNames: (chunk) => FIXED_NAMES[chunk.name] ?? 'assets/[name]-[hash].js',
      },
    },
  },
});
