import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { bindingNames, workerManifest } from '../../worker/manifest.ts';

const WORKER_DIR = resolve(import.meta.dirname, '../../worker');

/** The parts of worker/wrangler.jsonc that the manifest also declares. */
interface WranglerConfig {
  compatibility_date?: string;
  kv_namespaces?: { binding: string }[];
  durable_objects?: { bindings?: { name: string; class_name: string }[] };
  migrations?: { tag: string; new_sqlite_classes?: string[]; new_classes?: string[] }[];
  vars?: Record<string, string>;
}

/** wrangler.jsonc as wrangler reads it: JSON with comments and trailing commas (TypeScript's parser accepts both). */
function readWranglerConfig(): WranglerConfig {
  const path = resolve(WORKER_DIR, 'wrangler.jsonc');
  const { config, error } = ts.parseConfigFileTextToJson(path, readFileSync(path, 'utf8'));
  if (error) throw new Error(`worker/wrangler.jsonc does not parse: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  return config as WranglerConfig;
}

/** The property names of the `Env` interface in worker/src/env.ts, read from its syntax tree. */
function envInterfaceKeys(): string[] {
  const path = resolve(WORKER_DIR, 'src/env.ts');
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const env = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === 'Env',
  );
  if (env === undefined) throw new Error('worker/src/env.ts declares no Env interface');
  return env.members.map((member) => (member.name && ts.isIdentifier(member.name) ? member.name.text : member.getText(source)));
}

describe('worker/manifest.ts and worker/wrangler.jsonc', () => {
  const wrangler = readWranglerConfig();

  it('share the compatibility date', () => {
    expect(wrangler.compatibility_date).toBe(workerManifest.compatibilityDate);
  });

  it('declare the same KV namespace bindings', () => {
    expect((wrangler.kv_namespaces ?? []).map((kv) => kv.binding)).toEqual(workerManifest.kvNamespaces.map((kv) => kv.binding));
  });

  it('declare the same Durable Object bindings and classes', () => {
    expect((wrangler.durable_objects?.bindings ?? []).map((binding) => ({ binding: binding.name, className: binding.class_name }))).toEqual(
      workerManifest.durableObjects.map((durableObject) => ({ ...durableObject })),
    );
  });

  it('declare the same migrations, in the same order, all SQLite-backed', () => {
    expect(
      (wrangler.migrations ?? []).map((migration) => ({
        tag: migration.tag,
        newSqliteClasses: migration.new_sqlite_classes ?? [],
        newClasses: migration.new_classes ?? [],
      })),
    ).toEqual(workerManifest.migrations.map((migration) => ({ ...migration, newSqliteClasses: [...migration.newSqliteClasses], newClasses: [] })));
  });

  it('set every plain variable to its local default and nothing else', () => {
    expect(wrangler.vars ?? {}).toEqual(Object.fromEntries(workerManifest.vars.map((plainVar) => [plainVar.name, plainVar.localDefault])));
  });

  it('keep secrets out of the committed configuration', () => {
    const committedNames = Object.keys(wrangler.vars ?? {});
    for (const secret of workerManifest.secrets) expect(committedNames).not.toContain(secret.name);
  });
});

describe('worker/manifest.ts and the Env interface of worker/src/env.ts', () => {
  it('name exactly the same bindings', () => {
    expect(envInterfaceKeys().sort()).toEqual(bindingNames(workerManifest).sort());
  });
});

describe('the manifest', () => {
  it('binds every class that a migration creates, and creates every class it binds', () => {
    const migrated = workerManifest.migrations.flatMap((migration) => migration.newSqliteClasses).sort();
    expect(workerManifest.durableObjects.map((durableObject) => durableObject.className).sort()).toEqual(migrated);
  });

  it('uses each migration tag once', () => {
    const tags = workerManifest.migrations.map((migration) => migration.tag);
    expect(new Set(tags).size).toBe(tags.length);
  });
});
