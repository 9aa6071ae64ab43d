import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { workerManifest } from '../worker/manifest.ts';
import { ROOT, WRANGLER_CONFIG } from './local-worker.ts';
import { scratchStateDir } from './test-worker.ts';

/**
 * The Worker on workerd through Miniflare alone, without `wrangler dev`'s proxy: wrangler dev forwards every request
 * through a second workerd (its ProxyWorker), which answers any broken connection to the Worker with its own
 * `503 Your worker restarted mid-request` (docs/api.md, "POST /api/share-codes/:code/redeem"). Tests talk to the
 * Worker itself here, so that every answer they count is the Worker's. Bundled as `npm run build:worker` bundles it;
 * bindings from worker/manifest.ts, as infra/ declares them. A Worker that must be restarted or killed on its state
 * (persistence, crash tests) runs through wrangler instead (scripts/test-worker.ts).
 */
export interface MiniflareWorker {
  url: string;
  /** Stops the Worker and deletes its state. */
  dispose(): Promise<void>;
}

/** The Worker bundled once, for any number of Workers started from it. */
export interface WorkerBundle {
  dir: string;
  /** Deletes the bundle; Workers started from it keep running. */
  dispose(): void;
}

export interface MiniflareWorkerOptions {
  /** A bundle to start from (`bundleWorker`); without one the Worker bundles its own. */
  bundle?: WorkerBundle;
  /** Origins allowed by CORS besides the local defaults, e.g. a test page's. */
  allowedOrigins?: string[];
}

export async function bundleWorker(): Promise<WorkerBundle> {
  const dir = scratchStateDir('p2p-clinic-bundle-');
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'wrangler'), ['deploy', '--dry-run', '--outdir', dir, '--config', WRANGLER_CONFIG], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_UPDATE_NOTIFIER: '1' },
    });
  } catch (err) {
    dispose();
    throw err;
  }
  return { dir, dispose };
}

export async function startMiniflareWorker({ bundle, allowedOrigins = [] }: MiniflareWorkerOptions = {}): Promise<MiniflareWorker> {
  const ownBundle = bundle ? undefined : await bundleWorker();
  const modulesRoot = (bundle ?? ownBundle!).dir;
  const dir = scratchStateDir('p2p-clinic-miniflare-');
  const deleteFiles = () => {
    rmSync(dir, { recursive: true, force: true });
    ownBundle?.dispose();
  };
  const vars: Record<string, string> = Object.fromEntries(workerManifest.vars.map(({ name, localDefault }) => [name, localDefault]));
  vars.ALLOWED_ORIGINS = [vars.ALLOWED_ORIGINS, ...allowedOrigins].join(',');
  const miniflare = new Miniflare({
    name: 'p2p-clinic',
    modules: true,
    modulesRoot,
    scriptPath: join(modulesRoot, 'index.js'),
    compatibilityDate: workerManifest.compatibilityDate,
    kvNamespaces: workerManifest.kvNamespaces.map(({ binding }) => binding),
    durableObjects: Object.fromEntries(
      workerManifest.durableObjects.map(({ binding, className }) => [binding, { className, useSQLite: true }]),
    ),
    bindings: { ...vars, JWT_SECRET: randomBytes(48).toString('base64url') },
    defaultPersistRoot: join(dir, 'state'),
    host: '127.0.0.1',
    port: 0,
  });
  try {
    const url = (await miniflare.ready).origin;
    return {
      url,
      async dispose() {
        await miniflare.dispose();
        deleteFiles();
      },
    };
  } catch (err) {
    await miniflare.dispose().catch(() => undefined);
    deleteFiles();
    throw err;
  }
}
