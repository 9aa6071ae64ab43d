/**
 * `npm run screenshots`: every scene of scripts/screenshots/*.scene.ts at phone and desktop width, light and dark,
 * into docs/screenshots/. `npm run screenshots -- contacts invite` runs the scenes whose name contains "contacts" or
 * "invite"; `--browser firefox` takes them in Firefox ESR instead, into docs/screenshots/firefox/.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BROWSERS, startDeviceLab } from '../device-lab/lab.ts';
import type { BrowserName } from '../device-lab/device.ts';
import { ROOT } from '../local-worker.ts';
import { startScratchWorkerPool, takeScratchWorker } from '../scratch-worker-pool.ts';
import { VIEWPORTS, type Scene } from './scene.ts';

const args = process.argv.slice(2);
const browserFlag = args.indexOf('--browser');
const browser = (browserFlag === -1 ? 'chromium' : args.splice(browserFlag, 2)[1]) as BrowserName;
if (!BROWSERS.includes(browser)) throw new Error(`--browser takes one of ${BROWSERS.join(', ')}`);
// Chromium's are the ones the README shows; another browser's go beside them for comparison.
const OUT_DIR = browser === 'chromium' ? join(ROOT, 'docs', 'screenshots') : join(ROOT, 'docs', 'screenshots', browser);
const filters = args;

const sceneFiles = (await readdir(import.meta.dirname)).filter((file) => file.endsWith('.scene.ts')).sort();
const scenes: Scene[] = [];
for (const file of sceneFiles) {
  const module = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as { scenes: Scene[] };
  scenes.push(...module.scenes.filter((scene) => filters.length === 0 || filters.some((filter) => scene.name.includes(filter))));
}

await mkdir(OUT_DIR, { recursive: true });
const lab = await startDeviceLab(browser);
// Each picture gets a fresh Worker, as each test file does: accounts, invites and the rate limits of one
// (the local Worker sees no client address, so every request shares one bucket) must not spill into the next.
const workers = await startScratchWorkerPool({ startAhead: true, allowedOrigins: [new URL(lab.pageUrl).origin] });
let failed = 0;
try {
  for (const scene of scenes) {
    for (const [width, viewport] of Object.entries(VIEWPORTS)) {
      for (const scheme of ['light', 'dark'] as const) {
        const file = join(OUT_DIR, `${scene.name}-${width}-${scheme}.png`);
        const device = await lab.newBlankDevice();
        const worker = await takeScratchWorker(workers.url);
        try {
          await device.setViewport(viewport);
          await device.setColorScheme(scheme);
          await scene.setup({
            device,
            pageUrl: lab.pageUrl,
            workerUrl: worker.url,
            newDevice: async () => {
              const other = await lab.newBlankDevice();
              await other.setViewport(viewport);
              return other;
            },
          });
          await device.screenshot(file);
          console.log(`✓ ${file}`);
        } catch (error) {
          failed += 1;
          console.error(`✗ ${scene.name} ${width} ${scheme}: ${(error as Error).message}`);
        } finally {
          await lab.closeDevices();
          await worker.dispose();
        }
      }
    }
  }
} finally {
  await workers.close();
  await lab.dispose();
}
if (failed > 0) process.exit(1);
