/**
 * Property: text made of the characters the file grammars escape (backslash, semicolon, comma, colon, quote, new
 * line) and of multi-byte characters comes back unchanged through a vCard 3.0 or 4.0 export and an iCalendar
 * export, each imported again from its UTF-8 bytes.
 */
import { describe, expect, it } from 'vitest';
import { exportIcs, exportVcard, parseIcs, parseVcard } from '../src/core/interop/index.ts';
import { asStored } from './interop-fixtures.ts';
import { contactFields, eventFields } from './core-fixtures.ts';
import { seededRandom } from './seeded-random.ts';

/** `FUZZ_RUNS=200 npx vitest run …` tries more seeds locally. */
const SEEDS = Array.from({ length: Number(process.env.FUZZ_RUNS) || 5 }, (_, index) => 9001 + index);
const ITEMS_PER_SEED = 40;
const ALPHABET = ['\\', ';', ',', ':', '"', '\n', ' ', '=', 'é', 'ß', '中', '😀', 'a', 'b', 'c', 'd', 'e', '1'];

function textMaker(seed: number) {
  const random = seededRandom(seed);
  // Importers trim names and labels, so generated text neither starts nor ends with white space.
  return (maxLength = 14): string => {
    const length = 1 + Math.floor(random() * maxLength);
    const text = Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]!).join('');
    return text.trim() || 'x';
  };
}

function randomContacts(seed: number) {
  const text = textMaker(seed);
  return Array.from({ length: ITEMS_PER_SEED }, (_, index) => {
    const tags = [...new Set([text(), text()])];
    return asStored(
      contactFields({
        givenName: text(),
        familyName: text(),
        organisation: text(),
        phones: [{ label: text(8), value: '+44 20 7946 0018' }],
        addresses: [{ label: 'home', street: text(30), locality: text(), region: '', postalCode: '12345', country: text() }],
        notes: text(60),
        tags,
      }),
      index,
    );
  });
}

const withoutIds = <Stored extends { id: string; createdAt: number; updatedAt: number }>({ id: _id, createdAt: _c, updatedAt: _u, ...fields }: Stored) => fields;
const utf8 = (text: string) => new TextEncoder().encode(text);

/** Folds every line again at `width` octets, wherever that falls, inside a character or not (RFC 6350 3.2 allows it). */
function refoldBytes(text: string, width: number): Uint8Array {
  const out: number[] = [];
  for (const line of text.replace(/\r\n[ \t]/g, '').split('\r\n')) {
    const bytes = utf8(line);
    for (let start = 0; start < bytes.length; start += width) {
      if (start > 0) out.push(0x0d, 0x0a, 0x20);
      out.push(...bytes.subarray(start, start + width));
    }
    out.push(0x0d, 0x0a);
  }
  return new Uint8Array(out);
}

describe('escapes through an export and an import', () => {
  it.each(SEEDS.flatMap((seed) => [[seed, '3.0'] as const, [seed, '4.0'] as const]))('brings contacts of seed %i back unchanged from vCard %s', (seed, version) => {
    const contacts = randomContacts(seed);
    expect(parseVcard(utf8(exportVcard(contacts, { version }))).items.map((item) => item.fields)).toEqual(contacts.map(withoutIds));
  });

  it.each(SEEDS)('brings contacts of seed %i back unchanged from a file folded at any octet', (seed) => {
    const contacts = randomContacts(seed);
    const text = exportVcard(contacts);
    for (const width of [2, 3, 5, 7, 11, 13]) {
      expect(parseVcard(refoldBytes(text, width)).items.map((item) => item.fields), `folded every ${width} octets`).toEqual(contacts.map(withoutIds));
    }
  });

  it.each(SEEDS)('brings event texts of seed %i back unchanged from iCalendar', (seed) => {
    const text = textMaker(seed);
    const events = Array.from({ length: ITEMS_PER_SEED }, (_, index) => asStored(eventFields({ title: text(), location: text(), notes: text(60) }), index));
    const imported = parseIcs(utf8(exportIcs(events)), { floatingTimeZone: 'Europe/Berlin' }).items.map((item) => item.fields);
    expect(imported.map(({ title, location, notes }) => ({ title, location, notes }))).toEqual(events.map(({ title, location, notes }) => ({ title, location, notes })));
  });
});
