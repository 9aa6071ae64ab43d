/**
 * The bytes of an iCalendar or vCard file → its logical content lines. Folding (RFC 5545 3.1, RFC 6350 3.2) may
 * split a multi-byte UTF-8 character between two physical lines, so lines are unfolded as bytes and decoded
 * only then; a vCard 2.1 value may name its own CHARSET, so a vCard line is decoded by its parser, property by
 * property.
 */

/** A file as an importer takes it: text already decoded, its bytes, or a `File`/`Blob` from a file picker. */
export type ImportInput = string | Uint8Array | ArrayBuffer | Blob;
/** What an importer can read without waiting: everything but a `Blob`, whose bytes come from a promise. */
export type ImportBytes = Exclude<ImportInput, Blob>;

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const EQUALS = 0x3d;
const COLON = 0x3a;
const QUOTE = 0x22;

export const isBlob = (input: ImportInput): input is Blob => typeof Blob !== 'undefined' && input instanceof Blob;

/** The file's bytes as UTF-8, whatever form it came in; a UTF-16 file (its BOM says so) is re-encoded. */
export function bytesOf(input: ImportBytes): Uint8Array {
  if (typeof input === 'string') return new TextEncoder().encode(input);
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextEncoder().encode(new TextDecoder('utf-16le').decode(bytes));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextEncoder().encode(new TextDecoder('utf-16be').decode(bytes));
  return bytes;
}

/** The bytes of each physical line, without line breaks, after a UTF-8 BOM. */
function physicalLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let index = start; index <= bytes.length; index++) {
    const byte = bytes[index];
    if (index < bytes.length && byte !== CR && byte !== LF) continue;
    lines.push(bytes.subarray(start, index));
    if (byte === CR && bytes[index + 1] === LF) index++;
    start = index + 1;
  }
  return lines;
}

/** The line's name and parameters: the bytes before its first unquoted colon, as text. */
function headOf(line: Uint8Array): string {
  let quoted = false;
  let end = 0;
  for (; end < line.length; end++) {
    if (line[end] === QUOTE) quoted = !quoted;
    else if (line[end] === COLON && !quoted) break;
  }
  return decoderFor('latin1').decode(line.subarray(0, end));
}

const isQuotedPrintable = (line: Uint8Array) => /QUOTED-PRINTABLE/i.test(headOf(line));
const isBase64 = (line: Uint8Array) => /[;=]BASE64\b/i.test(headOf(line));

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/**
 * The logical lines of a file, as bytes: a physical line starting with a space or tab continues the previous
 * one (the space or tab removed). With `vcard21`, vCard 2.1's own continuations too: a QUOTED-PRINTABLE value
 * ending in `=` (a soft line break) continues on the next physical line, whatever it starts with, and a BASE64
 * value on lines without a colon (some phones do not indent them; base64 has no colon). Blank lines are dropped.
 */
export function unfoldContentLines(bytes: Uint8Array, { vcard21 = false } = {}): Uint8Array[] {
  const logical: Uint8Array[][] = [];
  let softBreak = false;
  for (const line of physicalLines(bytes)) {
    const current = logical.at(-1);
    if (current && (softBreak || (vcard21 && line.length > 0 && !line.includes(COLON) && isBase64(current[0]!)))) {
      current.push(line);
    } else if (current && (line[0] === SPACE || line[0] === TAB)) {
      current.push(line.subarray(1));
    } else if (line.length > 0) {
      logical.push([line]);
    } else {
      continue;
    }
    const last = logical.at(-1)!;
    softBreak = vcard21 && line.at(-1) === EQUALS && isQuotedPrintable(last[0]!);
    // The `=` of a soft line break is not part of the value.
    if (softBreak) last[last.length - 1] = last.at(-1)!.subarray(0, -1);
  }
  return logical.map(concat);
}

/** Decoders are made once: a file has a line per property, and making one costs more than decoding a line. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const decoders = new Map<string, TextDecoder>();

function decoderFor(charset: string): TextDecoder {
  const label = charset.toLowerCase();
  let decoder = decoders.get(label);
  if (!decoder) decoders.set(label, (decoder = new TextDecoder(label)));
  return decoder;
}

/**
 * Text from bytes in a named character set (a CHARSET parameter), UTF-8 when none is named. Bytes that are not
 * valid UTF-8 are read as Windows-1252, which is what older Outlook and phone exports without a CHARSET hold.
 * Throws a RangeError for a character set TextDecoder does not know.
 */
export function decodeText(bytes: Uint8Array, charset?: string): string {
  if (charset && !/^utf-?8$/i.test(charset)) return decoderFor(charset).decode(bytes);
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return decoderFor('windows-1252').decode(bytes);
  }
}

/** The file's logical lines decoded as UTF-8 text (iCalendar files have no other character set). */
export function contentLines(input: ImportBytes): string[] {
  return unfoldContentLines(bytesOf(input)).map((line) => decodeText(line));
}
