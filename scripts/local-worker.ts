import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Worker on the real runtime (wrangler dev → workerd), as `npm start`, tests and benchmarks run it. */

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WRANGLER_CONFIG = join(ROOT, 'worker', 'wrangler.jsonc');
const WRANGLER_BIN = join(ROOT, 'node_modules', '.bin', 'wrangler');
const READY_TIMEOUT_MS = 90_000;

export interface LocalWorkerOptions {
  /** Defaults to a free port. */
  port?: number;
  /** Directory for KV and Durable Object state; kept across restarts. */
  persistTo: string;
  /** A .dev.vars-style file with JWT_SECRET. */
  envFile: string;
  /** Show wrangler's own output (for `npm start`); tests keep it quiet. */
  inheritOutput?: boolean;
}

export interface LocalWorker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    WRANGLER_BIN,
    [
      'dev',
      '--config', WRANGLER_CONFIG,
      '--port', String(port),
      '--ip', '127.0.0.1',
      '--inspector-port', String(await freePort()),
      '--persist-to', options.persistTo,
      '--env-file', options.envFile,
      '--show-interactive-dev-session=false',
      '--log-level', options.inheritOutput ? 'info' : 'error',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        // No network is assumed: skip the request.cf download and telemetry.
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_SEND_METRICS: 'false',
        WRANGLER_HIDE_BANNER: 'true',
        NO_UPDATE_NOTIFIER: '1',
      },
      stdio: options.inheritOutput ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(url, child);
  } catch (err) {
    await stopProcess(child);
    throw new Error(`${(err as Error).message}\n--- wrangler output ---\n${output}`);
  }
  return { url, port, stop: () => stopProcess(child) };
}

async function waitUntilHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Worker did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}

/** Stops wrangler and the workerd it started (its process group). */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
