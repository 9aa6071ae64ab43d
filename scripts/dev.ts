import { join } from 'node:path';
import { createServer } from 'vite';
import { ensureDevVars } from './dev-vars.ts';
import { ROOT, startLocalWorker } from './local-worker.ts';

/**
 * `npm start`: the Worker on workerd (state persisted in .wrangler/state) and the app's dev server.
 * `npm run dev:worker` (--worker-only): just the Worker, on PORT (default 8787).
 */
const workerOnly = process.argv.includes('--worker-only');
const workerPort = Number(process.env.PORT ?? 8787);
const appPort = 5173;

const envFile = join(ROOT, 'worker', '.dev.vars');
if (ensureDevVars(envFile)) console.log(`Generated local secrets in ${envFile}`);

const worker = await startLocalWorker({
  port: workerPort,
  persistTo: join(ROOT, '.wrangler', 'state'),
  envFile,
  inheritOutput: true,
});

const app = workerOnly
  ? null
  : await createServer({
      configFile: join(ROOT, 'app', 'vite.config.ts'),
      server: { port: appPort, strictPort: true },
      define: { 'import.meta.env.VITE_WORKER_URL': JSON.stringify(worker.url) },
    });
await app?.listen();

console.log(`\n  Worker: ${worker.url}`);
if (app) console.log(`  App:    http://localhost:${appPort}`);
console.log('\n  Press Ctrl-C to stop.\n');

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all([worker.stop(), app?.close()]);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
