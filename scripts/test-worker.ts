import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startLocalWorker, type LocalWorker } from './local-worker.ts';

/** A throwaway local Worker for node-side tests and benchmarks: its own state directory and its own secret. */
export interface ScratchWorker {
  /** The running Worker; replaced by `restart()`. */
  worker: LocalWorker;
  url: string;
  /** Stops the Worker and starts it again on the same state. */
  restart(): Promise<void>;
  /** Stops the Worker and deletes its state. */
  dispose(): Promise<void>;
}

export interface ScratchWorkerOptions {
  /** Origins allowed by CORS besides the configured ones, e.g. a test page's (ALLOWED_ORIGINS in .dev.vars wins over vars). */
  allowedOrigins?: string[];
  /** Another Worker's wrangler config than the app's (a benchmark's). */
  config?: string;
}

/**
 * Durable Objects' storage in memory-backed files when the system has them: the local runtime commits each object's
 * SQLite writes with fsync on its one thread, so on a busy disk a burst of writes stalls every connection at once
 * (docs/api.md, share-code redeems). A killed runtime's files survive there as on a disk.
 */
const MEMORY_BACKED_DIR = '/dev/shm';

/** A new directory for a throwaway Worker's state, memory-backed where possible. */
export function scratchStateDir(prefix: string): string {
  return mkdtempSync(join(existsSync(MEMORY_BACKED_DIR) ? MEMORY_BACKED_DIR : tmpdir(), prefix));
}

export async function startScratchWorker(options: ScratchWorkerOptions = {}): Promise<ScratchWorker> {
  const dir = scratchStateDir('p2p-clinic-worker-');
  const envFile = join(dir, '.dev.vars');
  const origins = options.allowedOrigins ? `ALLOWED_ORIGINS=${options.allowedOrigins.join(',')}\n` : '';
  writeFileSync(envFile, `JWT_SECRET=${randomBytes(48).toString('base64url')}\n${origins}`);
  const persistTo = join(dir, 'state');
  const scratch: ScratchWorker = {
    worker: await startLocalWorker({ persistTo, envFile, config: options.config }),
    get url() {
      return scratch.worker.url;
    },
    async restart() {
      const port = scratch.worker.port;
      await scratch.worker.stop();
      scratch.worker = await startLocalWorker({ persistTo, envFile, port, config: options.config });
    },
    async dispose() {
      await scratch.worker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return scratch;
}
