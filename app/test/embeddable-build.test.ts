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

/** A built module's export names, from the export list it ends with: `export{a as OrgRegistry,…}`. */
function exportsOf(file: string): Set<string | undefined> {
  const module = readFileSync(file, 'utf8');
  const exportList = /export\s*\{([^}]*)\}\s*;?\s*$/.exec(module)?.[1] ?? '';
  return new Set(exportList.split(',').map((entry) => entry.trim().split(/\s+as\s+/).at(-1)));
}

describe('the app build', () => {
  it('publishes the embeddable module at the path the embed snippet names: the elements and what opens an org', async () => {
    await build({ configFile: join(ROOT, 'app', 'vite.config.ts'), logLevel: 'silent', build: { outDir } });
    const exported = exportsOf(join(outDir, COMPONENTS_MODULE_PATH));
    for (const name of ['P2PCalendar', 'P2PContacts', 'P2PApp', 'P2PReminders', 'OrgRegistry', 'openOrg', 'loadCore']) expect(exported, name).toContain(name);
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).toContain('<script type="module"');
  });

  it('loads the rest of the core (import/export, sharing, sync) on demand through loadCore', () => {
    const module = readFileSync(join(outDir, COMPONENTS_MODULE_PATH), 'utf8');
    // loadCore is `() => import('./assets/core-….js')`, the only dynamic import of the core's namespace.
    const coreChunk = /import\(\s*[`'"]\.\/(assets\/core-[^`'"]+)[`'"]\s*\)/.exec(module)?.[1];
    expect(coreChunk, 'the chunk loadCore imports').toBeDefined();
    expect(module, 'the core chunk stays out of the static imports').not.toMatch(new RegExp(`from\\s*["']\\./${coreChunk!.replace(/[.]/g, '\\.')}["']`));
    // The chunk builds the namespace as an object of getters: `{…,importIcs:()=>dn,…}`.
    const chunk = readFileSync(join(outDir, coreChunk!), 'utf8');
    for (const name of ['OrgSync', 'Invitation', 'InviteRedemption', 'importIcs', 'exportVcard', 'loadOrgKey']) expect(chunk, name).toMatch(new RegExp(`[{,]${name}:\\(\\)=>`));
  });
});
