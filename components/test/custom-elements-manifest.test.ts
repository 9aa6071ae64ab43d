/**
 * `custom-elements.json` is generated from the elements' source; these tests generate it as the build does and
 * check that it documents each element's whole public surface, read back from the source itself: every attribute
 * and property Lit declares, every event the element fires, every part its templates expose.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Declaration {
  name: string;
  tagName?: string;
  summary?: string;
  attributes?: { name: string }[];
  members?: { name: string; kind: string; privacy?: string; static?: boolean }[];
  events?: { name: string; type?: { text: string } }[];
  cssParts?: { name: string }[];
  cssProperties?: { name: string }[];
}

const ROOT = join(import.meta.dirname, '../..');
/** Each element, with the folder whose templates and events make up its surface. */
const ELEMENTS = [
  { tag: 'p2p-calendar', file: 'components/src/elements/calendar/calendar.ts', folder: 'components/src/elements/calendar', exclude: ['event-editor.ts'] },
  { tag: 'p2p-event-editor', file: 'components/src/elements/calendar/event-editor.ts', folder: 'components/src/elements/calendar', only: ['event-editor.ts'] },
  { tag: 'p2p-dialog', file: 'components/src/elements/shared/dialog.ts', folder: 'components/src/elements/shared', only: ['dialog.ts'] },
  { tag: 'p2p-contacts', file: 'components/src/elements/contacts/contacts.ts', folder: 'components/src/elements/contacts' },
  { tag: 'p2p-reminders', file: 'components/src/elements/reminders/reminders.ts', folder: 'components/src/elements/reminders' },
  { tag: 'p2p-members-dialog', file: 'components/src/elements/app/members-dialog.ts', folder: 'components/src/elements/app', only: ['members-dialog.ts'] },
  // The app fires nothing of its own: it is the host that listens.
  { tag: 'p2p-app', file: 'components/src/elements/app/app.ts', folder: 'components/src/elements/app', only: ['app.ts'], firesNothing: true },
];

let declarations: Declaration[] = [];
let outdir = '';

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'cem-'));
  // The analyzer joins --outdir to the working directory.
  await promisify(execFile)('npx', ['cem', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--outdir', relative(ROOT, outdir), '--quiet'], { cwd: ROOT });
  const manifest = JSON.parse(await readFile(join(outdir, 'custom-elements.json'), 'utf8')) as { modules: { declarations?: Declaration[] }[] };
  declarations = manifest.modules.flatMap((module) => module.declarations ?? []);
}, 120_000);

afterAll(async () => {
  await rm(outdir, { recursive: true, force: true });
});

async function sourcesOf(element: (typeof ELEMENTS)[number]): Promise<string> {
  const files = (await readdir(join(ROOT, element.folder))).filter(
    (file) => file.endsWith('.ts') && !file.includes('.test.') && !file.includes('.page.') && (!element.only || element.only.includes(file)) && !element.exclude?.includes(file),
  );
  return (await Promise.all(files.map((file) => readFile(join(ROOT, element.folder, file), 'utf8')))).join('\n');
}

/** Lit's `static properties`: public ones (not `state: true`), with their attribute names. */
function declaredProperties(source: string): { property: string; attribute: string | undefined }[] {
  const block = /static override properties = \{([\s\S]*?)\n {2}\};/.exec(source)?.[1] ?? '';
  return [...block.matchAll(/^\s+(\w+): \{([^}]*)\}/gm)]
    .filter(([, , options]) => !options!.includes('state: true'))
    .map(([, property, options]) => ({
      property: property!,
      attribute: options!.includes('attribute: false') ? undefined : (/attribute: '([^']+)'/.exec(options!)?.[1] ?? property!.toLowerCase()),
    }));
}

describe('custom-elements.json', () => {
  for (const element of ELEMENTS) {
    describe(`<${element.tag}>`, () => {
      const declaration = () => {
        const found = declarations.find((candidate) => candidate.tagName === element.tag);
        if (!found) throw new Error(`custom-elements.json has no element with tag ${element.tag}`);
        return found;
      };

      it('names the tag and sums the element up', () => {
        expect(declaration().summary).toBeTruthy();
      });

      it('lists every attribute and property Lit declares, and no internal state', async () => {
        const declared = declaredProperties(await readFile(join(ROOT, element.file), 'utf8'));
        expect(declared.length).toBeGreaterThan(0);
        const attributes = (declaration().attributes ?? []).map((attribute) => attribute.name);
        const properties = (declaration().members ?? []).filter((member) => member.kind === 'field' && !member.static).map((member) => member.name);
        for (const { property, attribute } of declared) {
          expect(properties).toContain(property);
          if (attribute) expect(attributes).toContain(attribute);
        }
        expect([...attributes, ...properties].filter((name) => name.startsWith('_'))).toEqual([]);
      });

      it('lists every event the element fires, with its type', async () => {
        const fired = new Set([...(await sourcesOf(element)).matchAll(/emit\(this, '(p2p-[\w-]+)'/g)].map((match) => match[1]!));
        const documented = declaration().events ?? [];
        if ('firesNothing' in element) {
          expect([...fired, ...documented.map((event) => event.name)]).toEqual([]);
          return;
        }
        expect(fired.size).toBeGreaterThan(0);
        for (const name of fired) expect(documented.map((event) => event.name)).toContain(name);
        for (const event of documented) expect(event.type?.text, event.name).toMatch(/CustomEvent/);
      });

      it('lists every part its templates expose', async () => {
        const parts = new Set([...(await sourcesOf(element)).matchAll(/part="([\w-]+)/g)].map((match) => match[1]!));
        const documented = (declaration().cssParts ?? []).map((part) => part.name);
        for (const part of parts) expect(documented).toContain(part);
      });
    });
  }

  it('documents the calendar’s custom properties', () => {
    const calendar = declarations.find((candidate) => candidate.tagName === 'p2p-calendar')!;
    expect((calendar.cssProperties ?? []).map((property) => property.name)).toEqual(expect.arrayContaining(['--p2p-calendar-hour-height', '--p2p-calendar-height']));
  });
});
