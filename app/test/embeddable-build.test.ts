import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { COMPONENTS_MODULE_PATH } from '../../infra/embed-snippet.ts';
import { ROOT } from '../../scripts/local-worker.ts';

const outDir = mkdtempSync(join(tmpdir(), 'p2p-clinic-app-build-'));

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('the app build', () => {
  it('publishes the embeddable module at the path the embed snippet names, with the core’s public API', async () => {
    await build({ configFile: join(ROOT, 'app', 'vite.config.ts'), logLevel: 'silent', build: { outDir } });
    const module = readFileSync(join(outDir, COMPONENTS_MODULE_PATH), 'utf8');
    // The module ends with its export list: `export{a as OrgRegistry,…}`.
    const exportList = /export\s*\{([^}]*)\}\s*;?\s*$/.exec(module)?.[1] ?? '';
    const exported = new Set(exportList.split(',').map((entry) => entry.trim().split(/\s+as\s+/).at(-1)));
    for (const name of ['OrgRegistry', 'openOrg', 'OrgSync', 'Invitation', 'InviteRedemption', 'importIcs', 'exportVcard']) {
      expect(exported, name).toContain(name);
    }
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toContain('<script type="module"');
  });
});
