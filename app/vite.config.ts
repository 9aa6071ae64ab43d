import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  server: { port: 5173, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true },
});
