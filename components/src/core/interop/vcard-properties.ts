/**
 * vCard content lines → properties, for vCard 2.1, 3.0 and 4.0 (vCard 2.1 spec, RFC 2426, RFC 6350), read from
 * bytes so that each value is decoded as its own ENCODING and CHARSET say. One line that does not parse costs
 * only that property: its card still imports, and the line is reported.
 *
 * - 2.1's bare parameters (`TEL;CELL;WORK:`) become the TYPE, ENCODING or VALUE they abbreviate.
 * - QUOTED-PRINTABLE values are decoded to bytes, then to text in their CHARSET (UTF-8 by default); BASE64 and
 *   `b` values (photos) are kept as they are.
 * - Text keeps its escapes until a property's value is split (`;` between components, `,` between list items),
 *   then each piece is unescaped by its version's grammar: in 3.0 and 4.0 `\\`, `\,`, `\;`, and `\n` or `\N` for
 *   a new line, as RFC 2426 5 and RFC 6350 3.4 write them (RFC 6350 allows `\;` in any text for 3.0
 *   compatibility); in 2.1, which escapes only `\;`, a backslash is text (a Windows path), but `\n` is still a
 *   new line, as Android writes one. Other backslashes are kept.
 */
import { decodeText, unfoldContentLines } from './content-lines.ts';
import type { ImportReason } from './import-report.ts';

export type VcardVersionRead = '2.1' | '3.0' | '4.0';

export interface VcardProperty {
  /** Lower-case group (Apple's `item1`), if any. */
  group: string | undefined;
  /** Upper-case name, e.g. `TEL`. */
  name: string;
  /** Parameters by upper-case name, each with its values (a TYPE may be given several times or as a list). */
  params: Map<string, string[]>;
  /** The decoded value, escapes still in place. */
  value: string;
}

/** A line of the card that could not be read, and why. */
export interface UnreadableLine {
  /** The property name, if the line has one. */
  name: string | undefined;
  reason: ImportReason;
}

export interface VcardCard {
  properties: VcardProperty[];
  unreadable: UnreadableLine[];
  /** False when the file ended, or the next card began, before this one's END:VCARD. */
  complete: boolean;
}

/** 2.1's bare parameters other than types: the parameter each abbreviates. */
const BARE_PARAMETERS: Readonly<Record<string, string>> = {
  'QUOTED-PRINTABLE': 'ENCODING',
  BASE64: 'ENCODING',
  B: 'ENCODING',
  '8BIT': 'ENCODING',
  '7BIT': 'ENCODING',
  INLINE: 'VALUE',
  URL: 'VALUE',
  URI: 'VALUE',
  'CONTENT-ID': 'VALUE',
  CID: 'VALUE',
};

const NAME_PATTERN = /^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)$/;

/** Splits at `separator` outside double quotes. */
function splitUnquoted(text: string, separator: string): string[] {
  const pieces: string[] = [];
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '"') quoted = !quoted;
    else if (text[index] === separator && !quoted) {
      pieces.push(text.slice(start, index));
      start = index + 1;
    }
  }
  pieces.push(text.slice(start));
  return pieces;
}

const unquote = (value: string) => (value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value);

function parametersOf(texts: string[]): Map<string, string[]> {
  const params = new Map<string, string[]>();
  const add = (name: string, values: string[]) => params.set(name, [...(params.get(name) ?? []), ...values]);
  for (const text of texts) {
    const equals = text.indexOf('=');
    if (equals < 0) {
      // A bare type keeps its case: Android writes a label of its own as one (`TEL;X-Sykehus:`).
      const bare = text.trim();
      if (bare) add(BARE_PARAMETERS[bare.toUpperCase()] ?? 'TYPE', [bare]);
      continue;
    }
    const name = text.slice(0, equals).trim().toUpperCase();
    add(name, splitUnquoted(text.slice(equals + 1), ',').map((value) => unquote(value.trim())));
  }
  return params;
}

/** RFC 2045 6.7: `=XX` is a byte; an `=` followed by anything else is kept, as lenient readers do. */
function decodeQuotedPrintable(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const hex = text[index] === '=' ? /^[0-9A-Fa-f]{2}$/.exec(text.slice(index + 1, index + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      index += 2;
    } else {
      bytes.push(text.charCodeAt(index) & 0xff);
    }
  }
  return new Uint8Array(bytes);
}

/** The index of the colon that ends a line's name and parameters: the first one outside double quotes. */
function valueColon(line: Uint8Array): number {
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    if (line[index] === 0x22) quoted = !quoted;
    else if (line[index] === 0x3a && !quoted) return index;
  }
  return -1;
}

/** One logical line → a property, or why it cannot be read. */
export function parseVcardLine(line: Uint8Array): VcardProperty | UnreadableLine {
  const colon = valueColon(line);
  const head = decodeText(line.subarray(0, Math.max(colon, 0)));
  const [nameText = '', ...paramTexts] = splitUnquoted(head, ';');
  const name = NAME_PATTERN.exec(nameText.trim());
  if (colon < 0 || !name) {
    const shown = decodeText(line).slice(0, 60);
    return { name: name?.[2]?.toUpperCase(), reason: { code: 'BAD_LINE', line: shown } };
  }
  const params = parametersOf(paramTexts);
  const encoding = params.get('ENCODING')?.[0]?.toUpperCase();
  const charset = params.get('CHARSET')?.[0];
  const raw = line.subarray(colon + 1);
  let value: string;
  try {
    if (encoding === 'QUOTED-PRINTABLE') value = decodeText(decodeQuotedPrintable(decodeText(raw, 'latin1')), charset);
    else if (encoding === 'BASE64' || encoding === 'B') value = decodeText(raw, 'latin1');
    else value = decodeText(raw, charset);
  } catch {
    return { name: name[2]!.toUpperCase(), reason: { code: 'UNKNOWN_CHARSET', property: name[2]!.toUpperCase(), charset: charset ?? '' } };
  }
  return { group: name[1]?.toLowerCase(), name: name[2]!.toUpperCase(), params, value };
}

const isProperty = (line: VcardProperty | UnreadableLine): line is VcardProperty => 'value' in line;
const isMarker = (line: VcardProperty | UnreadableLine, name: 'BEGIN' | 'END') => isProperty(line) && line.name === name && line.value.trim().toUpperCase() === 'VCARD';

/** The cards of a vCard file in file order, or undefined when it holds no BEGIN:VCARD at all. */
export function readVcards(bytes: Uint8Array): VcardCard[] | undefined {
  const cards: VcardCard[] = [];
  let current: VcardCard | undefined;
  /** How deep inside a vCard 2.1 AGENT's own card the lines are (its lines are not the outer card's). */
  let agentDepth = 0;
  for (const bytesOfLine of unfoldContentLines(bytes, { vcard21: true })) {
    const line = parseVcardLine(bytesOfLine);
    const previous = current?.properties.at(-1);
    if (agentDepth > 0) {
      if (isMarker(line, 'BEGIN')) agentDepth++;
      else if (isMarker(line, 'END')) agentDepth--;
    } else if (isMarker(line, 'BEGIN') && previous?.name === 'AGENT' && previous.value.trim() === '') {
      // vCard 2.1 nests the card of an assistant under an empty AGENT; p2p-clinic keeps no agents.
      agentDepth = 1;
    } else if (isMarker(line, 'BEGIN')) {
      // A card that begins before the last one ended means the last one lost its END line.
      if (current) cards.push(current);
      current = { properties: [], unreadable: [], complete: false };
    } else if (current && isMarker(line, 'END')) {
      current.complete = true;
      cards.push(current);
      current = undefined;
    } else if (current) {
      if (isProperty(line)) current.properties.push(line);
      else current.unreadable.push(line);
    }
  }
  if (current) cards.push(current);
  return cards.length ? cards : undefined;
}

/** Splits at unescaped `separator`, leaving escapes in place. */
function splitEscaped(text: string, separator: ';' | ','): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === separator) {
      pieces.push(text.slice(start, index));
      start = index + 1;
    }
  }
  pieces.push(text.slice(start));
  return pieces;
}

const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\', ',': ',', ';': ';', n: '\n', N: '\n' };
const ESCAPE = /\\([\\,;nN])/g;
const ESCAPE_2_1 = /\\([;nN])/g;

/** A text value without its escapes; line breaks a quoted-printable value carries (`=0D=0A`) become `\n`. */
export function unescapeText(text: string, version: VcardVersionRead): string {
  return text.replace(version === '2.1' ? ESCAPE_2_1 : ESCAPE, (_, character: string) => ESCAPED[character]!).replace(/\r\n?/g, '\n');
}

/**
 * A structured value (N, ADR, ORG): its components, each a list of unescaped values. vCard 2.1 has no lists
 * inside a component (a comma there is text), and ORG's units are never lists.
 */
export function componentsOf(property: VcardProperty, version: VcardVersionRead, { lists = version !== '2.1' } = {}): string[][] {
  return splitEscaped(property.value, ';').map((component) => (lists ? splitEscaped(component, ',') : [component]).map((text) => unescapeText(text, version)));
}

/** A list value (CATEGORIES): its unescaped items. */
export function listOf(property: VcardProperty, version: VcardVersionRead): string[] {
  return splitEscaped(property.value, ',').map((text) => unescapeText(text, version));
}

/** The card's version: 2.1, 3.0 or 4.0 by its VERSION property, 3.0 when it has none. */
export function versionOf(card: VcardCard): VcardVersionRead {
  const version = card.properties.find((property) => property.name === 'VERSION')?.value.trim();
  return version === '2.1' || version === '4.0' ? version : '3.0';
}
