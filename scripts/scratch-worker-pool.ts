/**
 * Scratch Workers handed out one per test file, each fresh, with the next one already starting. Every browser test
 * file and relay test file needs one of its own (rate limits and accounts must not leak between files), and a Worker
 * takes seconds to answer, mostly waiting on its own start rather than computing: started ahead, that wait passes
 * while the file before runs. They run on workerd through Miniflare (scripts/miniflare-worker.ts), not wrangler dev,
 * whose proxy answers a connection dropped under load with a 503 of its own that no client of the real service ever
 * sees; the Worker is bundled once per pool. The pool lives in the test run's main process (a project's
 * `globalSetup`) and the files, each in a process of its own, ask it over HTTP on the loopback.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, inject } from 'vitest';
import { bundleWorker, startMiniflareWorker, type MiniflareWorker, type MiniflareWorkerOptions, type WorkerBundle } from './miniflare-worker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The project's pool of Workers (`scratchWorkerForTestFile`), when its `globalSetup` started one. */
    scratchWorkerPool?: string;
  }
}

export interface ScratchWorkerPoolOptions extends Pick<MiniflareWorkerOptions, 'allowedOrigins'> {
  /**
   * Start the first Worker with the pool rather than on the first request: right for a project whose every file
   * needs one, wasted on one whose files mostly do not.
   */
  startAhead?: boolean;
}

export interface ScratchWorkerPool {
  /** Where files ask for a Worker: `takeScratchWorker(url)`. */
  url: string;
  /** Stops every Worker the pool started, handed out or not. */
  close(): Promise<void>;
}

/** A Worker of the pool as a file holds it. */
export interface PooledWorker {
  url: string;
  /** Gives the Worker back to be stopped and its state deleted; it is never handed out again. */
  dispose(): Promise<void>;
}

export async function startScratchWorkerPool({ startAhead = false, allowedOrigins }: ScratchWorkerPoolOptions = {}): Promise<ScratchWorkerPool> {
  const running = new Map<string, MiniflareWorker>();
  const stopping = new Set<Promise<void>>();
  let bundled: Promise<WorkerBundle> | undefined;
  const start = () => {
    bundled ??= bundleWorker();
    const started = bundled.then((bundle) => startMiniflareWorker({ bundle, allowedOrigins }));
    // A spare that failed to start is reported to the file that asks for it, not as an unhandled rejection.
    started.catch(() => undefined);
    return started;
  };
  let spare = startAhead ? start() : undefined;

  const take = async (): Promise<MiniflareWorker> => {
    const taken = spare ?? start();
    spare = start();
    const worker = await taken;
    running.set(worker.url, worker);
    return worker;
  };

  const stop = (worker: MiniflareWorker) => {
    running.delete(worker.url);
    const stopped = worker.dispose().finally(() => stopping.delete(stopped));
    stopping.add(stopped);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://pool');
    if (request.method === 'POST' && url.pathname === '/workers') {
      const worker = await take();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: worker.url }));
    } else if (request.method === 'DELETE' && url.pathname === '/workers') {
      const worker = running.get(url.searchParams.get('url') ?? '');
      if (!worker) return void response.writeHead(404).end('no such Worker of the pool');
      // Answered at once: the file need not wait for its Worker to stop.
      stop(worker);
      response.writeHead(204).end();
    } else {
      response.writeHead(404).end();
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/workers`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const last = await spare?.catch(() => undefined);
      if (last) running.set(last.url, last);
      for (const worker of [...running.values()]) stop(worker);
      await Promise.all(stopping);
      (await bundled?.catch(() => undefined))?.dispose();
    },
  };
}

/** A fresh Worker from the pool at `poolUrl`; fails with the pool's reason when it could not start one. */
export async function takeScratchWorker(poolUrl: string): Promise<PooledWorker> {
  const response = await fetch(poolUrl, { method: 'POST' });
  if (!response.ok) throw new Error(`the scratch Worker pool gave no Worker: ${await response.text()}`);
  const { url } = (await response.json()) as { url: string };
  return {
    url,
    async dispose() {
      const answer = await fetch(`${poolUrl}?url=${encodeURIComponent(url)}`, { method: 'DELETE' });
      if (!answer.ok) throw new Error(`the scratch Worker pool did not take back ${url}: ${answer.status}`);
    },
  };
}

/**
 * The calling test file's own fresh Worker: from its project's pool when there is one (vitest.config.ts), else
 * started for it alone, as when a file runs outside such a project.
 */
export async function scratchWorkerForTestFile(): Promise<PooledWorker> {
  const poolUrl = inject('scratchWorkerPool');
  if (poolUrl) return takeScratchWorker(poolUrl);
  return startMiniflareWorker();
}

/** The calling test file's fresh Worker (`scratchWorkerForTestFile`), from before its first test to after its last. */
export function useScratchWorker(): { readonly url: string } {
  let worker: PooledWorker | undefined;
  beforeAll(async () => {
    worker = await scratchWorkerForTestFile();
  });
  afterAll(async () => {
    await worker?.dispose();
  });
  return {
    get url() {
      if (!worker) throw new Error('the scratch Worker is used before it started');
      return worker.url;
    },
  };
}
