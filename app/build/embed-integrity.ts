/**
 * Subresource Integrity for the embed: the SHA-384 of `p2p-components.js` and of every chunk it can load, statically
 * or with import(), written beside it as `p2p-components.integrity.json`. The Pulumi program prints it into the embed
 * snippet (an `integrity` attribute and an import map's `integrity` entries), so that a page embedding the
 * components runs exactly the build it was given and a browser refuses any file that differs (docs/security.md,
 * "The code-delivery boundary").
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin, Rollup } from 'vite';

/** File names relative to the build's root (`p2p-components.js`, `assets/lit-….js`), each with its SRI hash. */
export type EmbedIntegrity = Record<string, string>;

export function integrityFileName(entryFileName: string): string {
  return entryFileName.replace(/\.js$/, '.integrity.json');
}

/** The SRI value of some bytes: SHA-384, the hash the SRI specification's examples and most tools use. */
export function subresourceIntegrity(bytes: Uint8Array): string {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

/** The entry and every chunk reachable from it through static and dynamic imports. */
function chunksLoadedBy(bundle: Rollup.OutputBundle, entryFileName: string): string[] {
  const files: string[] = [];
  const visit = (fileName: string) => {
    const chunk = bundle[fileName];
    if (files.includes(fileName) || !chunk || chunk.type !== 'chunk') return;
    files.push(fileName);
    for (const imported of [...chunk.imports, ...chunk.dynamicImports]) visit(imported);
  };
  visit(entryFileName);
  return files;
}

/** Hashes the files as written (after every plugin has had its say), so the hashes are those of the bytes served. */
export function embedIntegrity({ entryFileName }: { entryFileName: string }): Plugin {
  return {
    name: 'p2p-embed-integrity',
    apply: 'build',
    enforce: 'post',
    writeBundle(options, bundle) {
      const outDir = options.dir ?? dirname(options.file ?? '');
      const integrity: EmbedIntegrity = Object.fromEntries(
        chunksLoadedBy(bundle, entryFileName).map((fileName) => [fileName, subresourceIntegrity(readFileSync(join(outDir, fileName)))]),
      );
      writeFileSync(join(outDir, integrityFileName(entryFileName)), `${JSON.stringify(integrity)}\n`);
    },
  };
}
