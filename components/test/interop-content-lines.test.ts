import { describe, expect, it } from 'vitest';
import { bytesOf, contentLines, decodeText, unfoldContentLines } from '../src/core/interop/content-lines.ts';
import { parseVcard } from '../src/core/interop/index.ts';

const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...new TextEncoder().encode(part)] : part)));
const texts = (lines: Uint8Array[]) => lines.map((line) => decodeText(line));

describe('content lines from bytes', () => {
  it('joins a fold that splits a UTF-8 character and decodes the character whole', () => {
    // "ü" is C3 BC; the fold falls between its two bytes.
    expect(contentLines(bytes('SUMMARY:R', [0xc3], '\r\n ', [0xbc], 'ckenschule\r\n'))).toEqual(['SUMMARY:Rückenschule']);
  });

  it('accepts CRLF, LF and CR line ends and a tab as the fold', () => {
    expect(contentLines('A:1\r\nB:2\nC:3\rD:4\r\n\t5')).toEqual(['A:1', 'B:2', 'C:3', 'D:45']);
  });

  it('skips a UTF-8 BOM and re-encodes UTF-16 text by its BOM', () => {
    expect(contentLines(bytes([0xef, 0xbb, 0xbf], 'A:ü\r\n'))).toEqual(['A:ü']);
    const utf16be = new Uint8Array([0xfe, 0xff, 0x00, 0x41, 0x00, 0x3a, 0x00, 0xfc]);
    expect(new TextDecoder().decode(bytesOf(utf16be))).toBe('A:ü');
  });

  it('continues a quoted-printable value after a soft line break only when asked, and only for such a value', () => {
    const file = bytes('NOTE;ENCODING=QUOTED-PRINTABLE:a=\r\nb\r\nX-OTHER:c=\r\nD:d\r\n');
    expect(texts(unfoldContentLines(file, { vcard21: true }))).toEqual(['NOTE;ENCODING=QUOTED-PRINTABLE:ab', 'X-OTHER:c=', 'D:d']);
    expect(texts(unfoldContentLines(file))).toEqual(['NOTE;ENCODING=QUOTED-PRINTABLE:a=', 'b', 'X-OTHER:c=', 'D:d']);
  });

  it('continues a vCard 2.1 BASE64 value on unindented lines until a line with a colon', () => {
    const file = bytes('PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQ\r\nSkZJRgAB\r\nAQAAAQ==\r\n\r\nTEL;CELL:+47 912 34 567\r\n');
    expect(texts(unfoldContentLines(file, { vcard21: true }))).toEqual(['PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQ==', 'TEL;CELL:+47 912 34 567']);
  });

  it('reads bytes that are not UTF-8 as Windows-1252, and a named character set by its name', () => {
    expect(decodeText(new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]))).toBe('Müller');
    expect(decodeText(new Uint8Array([0xe8, 0xf3]), 'ISO-8859-2')).toBe('čó');
    expect(() => decodeText(new Uint8Array([0x41]), 'x-no-such-charset')).toThrow(RangeError);
  });
});

describe('vCard values in their own character sets', () => {
  it('leaves out a value in an unknown character set and imports the rest of the card', () => {
    const parsed = parseVcard('BEGIN:VCARD\r\nVERSION:2.1\r\nN:Berg;Ola\r\nNOTE;CHARSET=x-klingon:qapla\r\nEND:VCARD\r\n');
    expect(parsed.items[0]!.fields).toMatchObject({ givenName: 'Ola', familyName: 'Berg', notes: '' });
    expect(parsed.warnings).toEqual([{ code: 'UNREADABLE', index: 0, property: 'NOTE', reason: { code: 'UNKNOWN_CHARSET', property: 'NOTE', charset: 'x-klingon' } }]);
  });

  it('decodes a quoted-printable value without a CHARSET as UTF-8, where it used to stay J=C3=BCrgen', () => {
    const parsed = parseVcard('BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\nEND:VCARD\r\n');
    expect(parsed.items[0]!.fields).toMatchObject({ givenName: 'Jürgen', familyName: 'Müller' });
  });
});
