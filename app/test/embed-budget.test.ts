import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { build } from 'vite';
import { ROOT } from '../../scripts/local-worker.ts';
import { EMBED_BUDGET_BYTES, embedBudget } from '../build/embed-budget.ts';

const outDirs: string[] = [];
const freshOutDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2p-clinic-embed-budget-'));
  outDirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of outDirs) rmSync(dir, { recursive: true, force: true });
});

/** The embeddable module alone, built as the app build builds it, under the given budget. */
function buildEmbed(budgetBytes: number, outDir: string) {
  return build({
    configFile: false,
    root: join(ROOT, 'app'),
    logLevel: 'silent',
    plugins: [embedBudget({ entryFileName: 'p2p-components.js', budgetBytes })],
    build: {
      outDir,
      rollupOptions: {
        input: { 'p2p-components': join(ROOT, 'components', 'src', 'index.ts') },
        preserveEntrySignatures: 'exports-only',
        output: { entryFileNames: '[name].js' },
      },
    },
  });
}

describe('the embed budget', () => {
  it('prints the gzipped initial load of the app build, within the budget', async () => {
    const log = vi.spyOn(console, 'log');
    const outDir = freshOutDir();
    await build({ configFile: join(ROOT, 'app', 'vite.config.ts'), logLevel: 'silent', build: { outDir } });
    const line = log.mock.calls.map((call) => String(call[0])).find((text) => text.startsWith('p2p-components.js initial load:'));
    log.mockRestore();
    const kilobytes = Number(/load: ([\d.]+) KB gzipped/.exec(line ?? '')?.[1]);
    expect(kilobytes).toBeGreaterThan(0);
    expect(kilobytes * 1024).toBeLessThanOrEqual(EMBED_BUDGET_BYTES);
  });

  it('fails the build when the initial load is over the budget', async () => {
    await expect(buildEmbed(10 * 1024, freshOutDir())).rejects.toThrow(/over budget/);
  });
});

describe('the service worker', () => {
  it('precaches the shell: the page, its scripts, the embeddable module, the manifest and icon', async () => {
    const outDir = freshOutDir();
    await build({ configFile: join(ROOT, 'app', 'vite.config.ts'), logLevel: 'silent', build: { outDir } });
    const worker = readFileSync(join(outDir, 'sw.js'), 'utf8');
    const manifest = JSON.parse(/(\{"version":"[0-9a-f]+","urls":\[[^\]]*\]\})/.exec(worker)?.[1] ?? 'null') as { urls: string[] } | null;
    const page = readFileSync(join(outDir, 'index.html'), 'utf8');
    const pageScript = /<script type="module"[^>]*src="\.\/([^"]+)"/.exec(page)?.[1];
    expect(pageScript).toBeDefined();
    expect(manifest?.urls).toEqual(expect.arrayContaining(['./', `./${pageScript}`, './p2p-components.js', './manifest.webmanifest', './icon.svg']));
  });
});
