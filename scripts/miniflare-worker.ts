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
 * `503 Your worker restarted mid-request` (docs/api.md, "POST /api/share-codes/:code/redeem"). Load tests that
 * count the Worker's answers talk to the Worker itself here. Bundled as `npm run build:worker` bundles it; bindings
 * from worker/manifest.ts, as infra/ declares them.
 */
export interface MiniflareWorker {
  url: string;
  dispose(): Promise<void>;
}

export async function startMiniflareWorker(): Promise<MiniflareWorker> {
  const dir = scratchStateDir('p2p-clinic-miniflare-');
  try {
    const outdir = join(dir, 'bundle');
    await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'wrangler'), ['deploy', '--dry-run', '--outdir', outdir, '--config', WRANGLER_CONFIG], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_UPDATE_NOTIFIER: '1' },
    });
    const miniflare = new Miniflare({
      name: 'p2p-clinic',
      modules: true,
      modulesRoot: outdir,
      scriptPath: join(outdir, 'index.js'),
      compatibilityDate: workerManifest.compatibilityDate,
      kvNamespaces: workerManifest.kvNamespaces.map(({ binding }) => binding),
      durableObjects: Object.fromEntries(
        workerManifest.durableObjects.map(({ binding, className }) => [binding, { className, useSQLite: true }]),
      ),
      bindings: {
        ...Object.fromEntries(workerManifest.vars.map(({ name, localDefault }) => [name, localDefault])),
        JWT_SECRET: randomBytes(48).toString('base64url'),
      },
      defaultPersistRoot: join(dir, 'state'),
      host: '127.0.0.1',
      port: 0,
    });
    const url = (await miniflare.ready).origin;
    return {
      url,
      async dispose() {
        await miniflare.dispose();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
