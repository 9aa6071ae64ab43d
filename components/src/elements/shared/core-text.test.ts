/**
 * The core hands the UI codes and data, which core-reasons.ts and the message table word in the person's language;
 * an error's `message`, a `reason` or a `detail` that is a string is the core's (or the runtime's) English. This
 * reads the elements' and the app shell's sources with the type checker and fails on every such string they read,
 * outside the few places that show one as the details behind a sentence in the person's language.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const ELEMENTS = fileURLToPath(new URL('..', import.meta.url));
const APP_SHELL = fileURLToPath(new URL('../../../../app/src', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
/** Properties through which the core's and the runtime's English travels. */
const ENGLISH_PROPERTIES = new Set(['message', 'reason', 'detail', 'readOnlyReason']);
/**
 * Where English is read to be shown as the details behind a sentence in the person's language: the generic wording
 * of an error without a code, the Worker's words after its code, the members dialog's other errors, and what the
 * layer a sync problem happened in said.
 */
const SHOWN_AS_DETAILS = new Set([
  'components/src/elements/shared/core-reasons.ts: error.message',
  'components/src/elements/app/account.ts: error.message',
  'components/src/elements/app/members-dialog.ts: (err as Error).message',
  'components/src/elements/app/app.ts: problem.detail',
]);

function sourcesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return /\.ts$/.test(entry.name) && !/\.(test|page|styles)\.ts$/.test(entry.name) ? [path] : [];
  });
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
}

/** Declared by the core, the Worker's protocol, or the runtime (`Error.message`), not by the elements. */
function declaredOutsideElements(declaration: ts.Declaration): boolean {
  const file = relative(ROOT, declaration.getSourceFile().fileName);
  return file.startsWith('components/src/core/') || file.startsWith('worker/src/protocol/') || declaration.getSourceFile().hasNoDefaultLib;
}

/** A string, or a union holding the type `string` itself; a union of literal codes is not English. */
function isPlainString(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some(isPlainString);
  return (type.flags & ts.TypeFlags.String) !== 0;
}

/** `path:line: expression` for every English string of the core or the runtime that a source reads. */
function englishReadIn(program: ts.Program, paths: readonly string[]): string[] {
  const checker = program.getTypeChecker();
  const found: string[] = [];
  for (const path of paths) {
    const source = program.getSourceFile(path)!;
    const name = relative(ROOT, path);
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && ENGLISH_PROPERTIES.has(node.name.text)) {
        const declarations = checker.getSymbolAtLocation(node.name)?.declarations ?? [];
        const shownAsDetails = SHOWN_AS_DETAILS.has(`${name}: ${node.getText()}`);
        if (!shownAsDetails && declarations.some(declaredOutsideElements) && isPlainString(checker.getTypeAtLocation(node))) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          found.push(`${name}:${line + 1}: ${node.getText()}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** A program over the given sources, plus files that exist only in memory (for testing the test). */
function programOf(paths: readonly string[], inMemory: Record<string, string> = {}): ts.Program {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => file in inMemory || fileExists(file);
  host.readFile = (file) => inMemory[file] ?? readFile(file);
  host.getSourceFile = (file, language, ...rest) =>
    file in inMemory ? ts.createSourceFile(file, inMemory[file]!, language, true) : getSourceFile(file, language, ...rest);
  return ts.createProgram({ rootNames: [...paths, ...Object.keys(inMemory)], options, host });
}

const OFFENDER = join(ELEMENTS, 'contacts', 'in-memory-offender.ts');
const SOURCES = [...sourcesUnder(ELEMENTS), ...sourcesUnder(APP_SHELL)];

describe('the core’s English in the elements', () => {
  // Type-checking the elements takes seconds: once, for both tests, before them.
  let found: { sources: string[]; offender: string[] };
  beforeAll(() => {
    const program = programOf(SOURCES, {
      [OFFENDER]: [
        "import { ValidationError } from '../../core/records/validation-error.ts';",
        "import type { IntegrityReport } from '../../core/sync/relay-integrity.ts';",
        'export const shown = (error: Error) => `Failed: ${error.message}`;',
        'export const field = (error: ValidationError) => error.field;',
        "export const refusal = (report: IntegrityReport) => (report.problem === 'refused-change' ? report.refusal : '');",
        'export const own = (mine: { message: string }) => mine.message;',
      ].join('\n'),
    });
    found = { sources: englishReadIn(program, SOURCES), offender: englishReadIn(program, [OFFENDER]) };
  });

  it('is never read: the elements word codes and data through core-reasons.ts', () => {
    expect(found.sources).toEqual([]);
  });

  it('is caught here when an element shows an error’s message or a string reason', () => {
    expect(found.offender).toEqual(['components/src/elements/contacts/in-memory-offender.ts:3: error.message']);
  });
});
