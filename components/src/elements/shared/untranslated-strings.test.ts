/**
 * Every word the elements and the app's shell show comes from the message table (messages.ts), so that a German or
 * Arabic user never meets an English sentence. Reads their sources: the text and the user-facing attributes of every
 * `html` template, and every other string literal that reads like a sentence (a capitalised word, a space, a word).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ELEMENTS = fileURLToPath(new URL('..', import.meta.url));
const APP_SHELL = fileURLToPath(new URL('../../../../app/src', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
/** Attributes a person reads or hears. */
const USER_FACING_ATTRIBUTE = /\s(?:aria-label|aria-description|aria-roledescription|title|placeholder|alt|label)=(?:"([^"]*)"|'([^']*)')/g;
/** Where a binding's expression stood in a template's static text. */
const BINDING = '\u0000';
/** A capitalised word followed by another word: "Wrong password", "Keep the other one", "A new version". */
const SENTENCE = /(?:^|[\s(“"'])\p{Lu}\p{Ll}*[’']?\p{Ll}* \p{L}/u;

function sourcesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return /\.ts$/.test(entry.name) && !/\.(test|page|styles)\.ts$/.test(entry.name) && !/^messages(-[a-z]+)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

const staticText = (template: ts.TemplateLiteral) =>
  ts.isNoSubstitutionTemplateLiteral(template) ? template.text : [template.head.text, ...template.templateSpans.map((span) => span.literal.text)].join(BINDING);

const tagName = (node: ts.TaggedTemplateExpression) => node.tag.getText();

/** Letters in the text between a template's tags, and in its user-facing attributes given literally. */
function wordsInTemplate(markup: string): string[] {
  const found: string[] = [];
  for (const match of markup.matchAll(USER_FACING_ATTRIBUTE)) {
    const value = (match[1] ?? match[2] ?? '').replaceAll(BINDING, ' ');
    // Capitals alone are a format, not words: placeholder="XXXX-XXXX", an RRULE example.
    if (/\p{Ll}/u.test(value)) found.push(match[0].trim());
  }
  const text = markup.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<[^>]*>/g, BINDING);
  for (const piece of text.split(BINDING)) {
    const words = piece.replace(/&[a-z]+;/g, ' ').trim();
    if (/\p{L}/u.test(words)) found.push(words);
  }
  return found;
}

/** The strings of one source a person would read in English whatever their language. */
function untranslatedIn(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isTaggedTemplateExpression(node)) {
      // Styles hold no words; `html` templates hold markup, read as such.
      if (tagName(node) === 'css') return;
      if (tagName(node) === 'html' || tagName(node) === 'svg') found.push(...wordsInTemplate(staticText(node.template)));
      ts.forEachChild(node.template, visit);
      return;
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const text = ts.isStringLiteral(node) ? node.text : staticText(node);
      if (SENTENCE.test(text.replaceAll(BINDING, ' '))) found.push(text.replaceAll(BINDING, '…'));
      if (ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.map((text) => `${relative(ROOT, path)}: ${text}`);
}

describe('the elements’ strings', () => {
  it('are all in the message table', () => {
    expect([...sourcesUnder(ELEMENTS), ...sourcesUnder(APP_SHELL)].flatMap(untranslatedIn)).toEqual([]);
  });

  it('are caught here when written in a template or as a sentence', () => {
    expect(wordsInTemplate(`<p class="muted">No likely duplicates.</p><button aria-label="Back to the list">${BINDING}</button>`)).toEqual([
      'aria-label="Back to the list"',
      'No likely duplicates.',
    ]);
    expect(wordsInTemplate(`<p class="muted">${BINDING}</p><button aria-label=${BINDING}>←</button>`)).toEqual([]);
    expect(SENTENCE.test('Wrong password. Try again')).toBe(true);
    expect(SENTENCE.test('A new version is ready.')).toBe(true);
    expect(SENTENCE.test('p2p-button primary')).toBe(false);
  });
});
