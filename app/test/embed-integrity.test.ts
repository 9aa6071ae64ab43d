/** The embed's Subresource Integrity manifest, read from a real app build: every file the module can load, hashed. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { ROOT } from '../../scripts/local-worker.ts';
import { subresourceIntegrity, type EmbedIntegrity } from '../build/embed-integrity.ts';

let outDir: string;
let integrity: EmbedIntegrity;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'p2p-clinic-embed-integrity-'));
  await build({ configFile: join(ROOT, 'app', 'vite.config.ts'), logLevel: 'silent', build: { outDir } });
  integrity = JSON.parse(readFileSync(join(outDir, 'p2p-components.integrity.json'), 'utf8')) as EmbedIntegrity;
}, 120_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/**
 * The files of the build a built module names by a relative path (its static and dynamic imports, and the lists of
 * chunks Vite preloads for an import()), relative to the build's root. Strings that name no file of the build (a
 * bundled library's own paths) are not imports.
 */
function importsOf(fileName: string): string[] {
  const code = readFileSync(join(outDir, fileName), 'utf8');
  return [...code.matchAll(/["'`](\.{1,2}\/[^"'`\s]+\.js)["'`]/g)]
    .map((match) => normalize(join(dirname(fileName), match[1]!)))
    .filter((path) => existsSync(join(outDir, path)));
}

describe('the embed integrity manifest', () => {
  it('hashes the module and every file it names, as SHA-384 of the bytes written', () => {
    expect(Object.keys(integrity)[0]).toBe('p2p-components.js');
    for (const [fileName, value] of Object.entries(integrity)) {
      expect(value).toBe(subresourceIntegrity(readFileSync(join(outDir, fileName))));
    }
  });

  it('lists every chunk the module can load, on first render or later, so none loads unpinned', () => {
    const listed = new Set(Object.keys(integrity));
    for (const fileName of listed) for (const imported of importsOf(fileName)) expect(listed, `${fileName} imports ${imported}`).toContain(imported);
    expect(Object.keys(integrity).some((fileName) => /^assets\/org-sync-[\w-]+\.js$/.test(fileName))).toBe(true);
  });

  it("leaves out what only the app's own page loads", () => {
    const page = readFileSync(join(outDir, 'index.html'), 'utf8');
    const pageScript = /<script type="module"[^>]*src="\.\/([^"]+)"/.exec(page)?.[1];
    expect(pageScript).toBeDefined();
    expect(Object.keys(integrity)).not.toContain(pageScript);
  });
});
