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
  /**
   * Defaults to a port the system picks when wrangler binds it (port 0), so that no other process can take it between
   * a choice and its use. Given (as by a restart), it must be free: a Worker listening elsewhere is an error.
   */
  port?: number;
  /** Directory for KV and Durable Object state; kept across restarts. */
  persistTo: string;
  /** A .dev.vars-style file with JWT_SECRET. */
  envFile: string;
  /** Show wrangler's own output (for `npm start`); tests keep it quiet. */
  inheritOutput?: boolean;
  /** Another Worker's wrangler config than the app's (a benchmark's). */
  config?: string;
}

export interface LocalWorker {
  url: string;
  port: number;
  /** wrangler's process id: it leads the process group that holds workerd (benchmarks read their CPU time). */
  pid: number;
  stop(): Promise<void>;
  /** SIGKILL to wrangler and workerd at once, as a crash or a power cut would: nothing gets to flush or close. */
  kill(): Promise<void>;
}

/** wrangler's line once workerd listens: the only reliable word on which port it got. */
const READY_LINE = /Ready on http:\/\/127\.0\.0\.1:(\d+)/;
/** Enough of wrangler's output to explain a failure; request logs beyond it are dropped. */
const KEPT_OUTPUT_CHARS = 64 * 1024;

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const child = spawn(
    WRANGLER_BIN,
    [
      'dev',
      '--config', options.config ?? WRANGLER_CONFIG,
      '--port', String(options.port ?? 0),
      '--ip', '127.0.0.1',
      '--inspector-port', '0',
      '--persist-to', options.persistTo,
      '--env-file', options.envFile,
      '--show-interactive-dev-session=false',
      // Info, not error: the ready line says which port workerd listens on.
      '--log-level', 'info',
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
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  let resolveReady: (port: number) => void = () => undefined;
  const ready = new Promise<number>((resolve) => (resolveReady = resolve));
  const onOutput = (sink: NodeJS.WriteStream) => (chunk: Buffer) => {
    if (options.inheritOutput) sink.write(chunk);
    output = (output + chunk.toString()).slice(-KEPT_OUTPUT_CHARS);
    const match = READY_LINE.exec(output);
    if (match) resolveReady(Number(match[1]));
  };
  child.stdout?.on('data', onOutput(process.stdout));
  child.stderr?.on('data', onOutput(process.stderr));

  try {
    const port = await listeningPort(ready, child);
    if (options.port !== undefined && port !== options.port) {
      throw new Error(`wrangler dev listens on port ${port}, not on ${options.port} as asked: another process holds ${options.port}`);
    }
    const url = `http://127.0.0.1:${port}`;
    await waitUntilHealthy(url, child);
    return { url, port, pid: child.pid!, stop: () => stopProcess(child), kill: () => killProcess(child) };
  } catch (err) {
    await stopProcess(child);
    throw new Error(`${(err as Error).message}\n--- wrangler output ---\n${output}`);
  }
}

/** The port from wrangler's ready line; fails when wrangler exits or stays silent for READY_TIMEOUT_MS. */
async function listeningPort(ready: Promise<number>, child: ChildProcess): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failed = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`wrangler dev exited with code ${code} before it was ready`)));
    timer = setTimeout(() => reject(new Error(`wrangler dev said nothing of being ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
  });
  // Once ready, the child's eventual exit (its stop) is no failure.
  failed.catch(() => undefined);
  try {
    return await Promise.race([ready, failed]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntilHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // Listening, but not answering yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the Worker did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}

/** Stops wrangler and the workerd it started (its process group). */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
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

/** workerd runs in wrangler's process group (both are spawned detached, as its leader), so one signal reaches both. */
async function killProcess(child: ChildProcess): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * A port free at the moment of asking, for servers that cannot bind port 0 and report what they got; between the
 * answer and its use another process may take it, which is why the Worker does not use it.
 */
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
