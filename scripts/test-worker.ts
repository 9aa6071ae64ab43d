import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

export async function startScratchWorker(): Promise<ScratchWorker> {
  const dir = mkdtempSync(join(tmpdir(), 'p2p-clinic-worker-'));
  const envFile = join(dir, '.dev.vars');
  writeFileSync(envFile, `JWT_SECRET=${randomBytes(48).toString('base64url')}\n`);
  const persistTo = join(dir, 'state');
  const scratch: ScratchWorker = {
    worker: await startLocalWorker({ persistTo, envFile }),
    get url() {
      return scratch.worker.url;
    },
    async restart() {
      const port = scratch.worker.port;
      await scratch.worker.stop();
      scratch.worker = await startLocalWorker({ persistTo, envFile, port });
    },
    async dispose() {
      await scratch.worker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return scratch;
}
