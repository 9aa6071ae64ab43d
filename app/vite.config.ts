import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The embeddable module, at a fixed path so that the embed snippet (infra/embed-snippet.ts) can name it. */
const COMPONENTS_ENTRY = 'p2p-components';

export default defineConfig({
  root: import.meta.dirname,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: {
      input: {
        app: fileURLToPath(new URL('index.html', import.meta.url)),
        [COMPONENTS_ENTRY]: fileURLToPath(new URL('../components/src/index.ts', import.meta.url)),
      },
      // An app build drops entry exports by default; the embeddable module exists for its exports.
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: (chunk) => (chunk.name === COMPONENTS_ENTRY ? `${COMPONENTS_ENTRY}.js` : 'assets/[name]-[hash].js'),
      },
    },
  },
});
