/**
 * vCard 2.1, 3.0 and 4.0 files (vCard 2.1 spec, RFC 2426, RFC 6350) → contact fields. Maps N, FN, ORG, EMAIL,
 * TEL, ADR (with their TYPE or Apple X-ABLabel labels), BDAY, NOTE and CATEGORIES (→ tags); vcard-properties.ts
 * reads the lines, with their encodings, character sets and escapes.
 *
 * A `tel:` URI (RFC 3966, as RFC 6350's own example writes phones) keeps its number and extension, written
 * `+1-418-656-9254 x102`. One property that cannot be read (a line without a value, a birthday that is no
 * date) is left out and reported as a warning; the contact still imports.
 *
 * Dropped, because a contact here has no place for them: PHOTO and LOGO (images would bloat a document every
 * member syncs), N's middle names, prefixes and suffixes (FN keeps the full name), URL, IMPP, social profiles,
 * anniversaries, and a birthday given as free text. Contact groups (KIND:group, Apple's
 * X-ADDRESSBOOKSERVER-KIND:group) are reported as unsupported. UIDs are not kept: the store assigns ids.
 */
import { parseLocalDate } from '../calendar/wall-clock-time.ts';
import { bytesOf, isBlob, type ImportBytes, type ImportInput } from './content-lines.ts';
import { componentsOf, listOf, readVcards, unescapeText, versionOf, type VcardCard, type VcardProperty, type VcardVersionRead } from './vcard-properties.ts';
import { labelFromVcard } from './vcard-labels.ts';
import { derivedDisplayName } from './derived-display-name.ts';
import { ItemIssue, identify, issueFor, unreadableReason, writeParsedItems, type ImportIssue, type ImportReason, type ImportReport, type ParsedFile, type ParsedItem, type RecordWriter } from './import-report.ts';
import type { ContactFields, LabeledValue, PostalAddress } from '../records/records.ts';

/** A property that cannot be read; the contact imports without it. */
class PropertyIssue extends Error {
  constructor(
    readonly property: string,
    readonly reason: ImportReason,
  ) {
    super(reason.code);
    this.name = 'PropertyIssue';
  }
}

/** One card being read: its properties by name, and what was left out of it. */
class CardReader {
  readonly version: VcardVersionRead;
  readonly warnings: { property: string | undefined; reason: ImportReason }[];
  readonly #labels = new Map<string, string>();

  constructor(readonly card: VcardCard) {
    this.version = versionOf(card);
    this.warnings = card.unreadable.map((line) => ({ property: line.name, reason: line.reason }));
    // Apple ties a custom label to a property by group: `item1.EMAIL…` and `item1.X-ABLabel:Clinic`.
    for (const property of this.all('X-ABLABEL')) if (property.group) this.#labels.set(property.group, this.unescape(property.value));
  }

  all(name: string): VcardProperty[] {
    return this.card.properties.filter((property) => property.name === name);
  }

  first(name: string): VcardProperty | undefined {
    return this.card.properties.find((property) => property.name === name);
  }

  text(name: string): string {
    const property = this.first(name);
    return property ? this.unescape(property.value).trim() : '';
  }

  unescape(text: string): string {
    return unescapeText(text, this.version);
  }

  components(property: VcardProperty, options?: { lists: boolean }): string[][] {
    return componentsOf(property, this.version, options);
  }

  labelOf(property: VcardProperty): string {
    const types = (property.params.get('TYPE') ?? []).flatMap((type) => type.split(','));
    return labelFromVcard(types, property.group ? this.#labels.get(property.group) : undefined);
  }

  /** Reads each property on its own: one that throws a PropertyIssue is left out and noted. */
  each<Value>(properties: VcardProperty[], read: (property: VcardProperty) => Value): Value[] {
    const values: Value[] = [];
    for (const property of properties) {
      try {
        values.push(read(property));
      } catch (error) {
        if (!(error instanceof PropertyIssue)) throw error;
        this.warnings.push({ property: error.property, reason: error.reason });
      }
    }
    return values;
  }
}

/** A component of a structured value, its list items joined. */
const joined = (components: string[][], index: number, separator = ' ') =>
  (components[index] ?? [])
    .map((item) => item.trim())
    .filter(Boolean)
    .join(separator);

/** RFC 3966: `tel:+1-418-656-9254;ext=102` → `+1-418-656-9254 x102`; other URI parameters are dropped. */
function phoneFromTelUri(uri: string): string {
  const [number = '', ...params] = uri.replace(/^tel:/i, '').split(';');
  const extension = params.find((param) => /^ext=/i.test(param))?.slice(4);
  const decoded = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  return extension ? `${decoded(number)} x${decoded(extension)}` : decoded(number);
}

function phoneOf(property: VcardProperty, reader: CardReader): string {
  const isUri = property.params.get('VALUE')?.some((value) => value.toLowerCase() === 'uri') || /^tel:/i.test(property.value.trim());
  return isUri ? phoneFromTelUri(property.value.trim()) : reader.unescape(property.value).trim();
}

const FULL_DATE = /^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$/;
const YEARLESS_DATE = /^--(\d{2})-?(\d{2})$/;

/** `YYYY-MM-DD` or `--MM-DD`; Apple's 3.0 cards mark an unknown year with X-APPLE-OMIT-YEAR. Free text gives none. */
function birthdayOf(property: VcardProperty): string | undefined {
  if (property.params.get('VALUE')?.some((value) => value.toLowerCase() === 'text')) return undefined;
  const value = property.value.trim();
  const full = FULL_DATE.exec(value);
  const yearless = YEARLESS_DATE.exec(value);
  let birthday: string | undefined;
  if (full) birthday = full[1] === property.params.get('X-APPLE-OMIT-YEAR')?.[0] ? `--${full[2]}-${full[3]}` : `${full[1]}-${full[2]}-${full[3]}`;
  else if (yearless) birthday = `--${yearless[1]}-${yearless[2]}`;
  // Any leap year accepts every month-day pair, so 2000 checks a yearless birthday such as --02-29.
  if (!birthday || parseLocalDate(birthday.replace(/^--/, '2000-')) === undefined) throw new PropertyIssue('BDAY', { code: 'NOT_A_DATE', property: 'BDAY', value });
  return birthday;
}

function isGroup(reader: CardReader): boolean {
  return (reader.text('KIND') || reader.text('X-ADDRESSBOOKSERVER-KIND')).toLowerCase() === 'group';
}

function addressOf(property: VcardProperty, reader: CardReader): PostalAddress {
  const parts = reader.components(property);
  return {
    label: reader.labelOf(property),
    street: [joined(parts, 0, ', '), joined(parts, 1, ', '), joined(parts, 2, ', ')].filter(Boolean).join('\n'),
    locality: joined(parts, 3, ', '),
    region: joined(parts, 4, ', '),
    postalCode: joined(parts, 5, ', '),
    country: joined(parts, 6, ', '),
  };
}

function contactOf(reader: CardReader): ContactFields {
  if (isGroup(reader)) throw new ItemIssue('UNSUPPORTED', { code: 'CONTACT_GROUP' });
  const name = reader.first('N');
  const names = name ? reader.components(name) : [];
  const org = reader.first('ORG');
  const labeled = (propertyName: string, read: (property: VcardProperty) => string): LabeledValue[] =>
    reader
      .all(propertyName)
      .map((property) => ({ label: reader.labelOf(property), value: read(property) }))
      .filter((entry) => entry.value !== '');
  const fields: ContactFields = {
    givenName: joined(names, 1),
    familyName: joined(names, 0),
    displayName: '',
    // ORG is the organisation, then its units; a comma in it is text, not a list.
    organisation: org ? reader.components(org, { lists: false }).map((unit) => unit.join('').trim()).filter(Boolean).join(', ') : '',
    emails: labeled('EMAIL', (property) => reader.unescape(property.value).trim().replace(/^mailto:/i, '')),
    phones: labeled('TEL', (property) => phoneOf(property, reader)),
    addresses: reader.all('ADR').map((property) => addressOf(property, reader)),
    notes: reader
      .all('NOTE')
      .map((property) => reader.unescape(property.value))
      .join('\n\n'),
    tags: [
      ...new Set(
        reader
          .all('CATEGORIES')
          .flatMap((property) => listOf(property, reader.version))
          .map((tag) => tag.trim())
          .filter(Boolean),
      ),
    ],
  };
  const [birthday] = reader.each(reader.all('BDAY').slice(0, 1), birthdayOf);
  if (birthday) fields.birthday = birthday;
  const formatted = reader.text('FN');
  if (formatted !== derivedDisplayName(fields)) fields.displayName = formatted;
  return fields;
}

/** Reads every contact of a vCard file, as bytes or text, without writing anything. */
function parseVcardBytes(input: ImportBytes): ParsedFile<ContactFields> {
  const cards = readVcards(bytesOf(input));
  if (!cards) return { items: [], errors: [{ code: 'NOT_VCARD', reason: { code: 'NOT_VCARD' } }], warnings: [] };
  const items: ParsedItem<ContactFields>[] = [];
  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  cards.forEach((card, index) => {
    const reader = new CardReader(card);
    const named = { index, uid: reader.text('UID') || undefined, summary: reader.text('FN') || undefined };
    try {
      if (!card.complete) throw new ItemIssue('UNREADABLE', { code: 'NO_END_LINE', component: 'VCARD' });
      items.push({ ...identify(named), fields: contactOf(reader) });
      warnings.push(...reader.warnings.map(({ property, reason }) => ({ ...issueFor('UNREADABLE', reason, named), ...(property ? { property } : {}) })));
    } catch (error) {
      errors.push(issueFor(error instanceof ItemIssue ? error.code : 'UNREADABLE', unreadableReason(error), named));
    }
  });
  return { items, errors, warnings };
}

/**
 * Reads every contact of a vCard file without writing anything. Takes the file as a `File` or `Blob` (then
 * answers a promise), as bytes, or as text.
 */
export function parseVcard(input: ImportBytes): ParsedFile<ContactFields>;
export function parseVcard(input: Blob): Promise<ParsedFile<ContactFields>>;
export function parseVcard(input: ImportInput): ParsedFile<ContactFields> | Promise<ParsedFile<ContactFields>>;
export function parseVcard(input: ImportInput): ParsedFile<ContactFields> | Promise<ParsedFile<ContactFields>> {
  return isBlob(input) ? input.arrayBuffer().then(parseVcardBytes) : parseVcardBytes(input);
}

/**
 * Imports every readable contact of a vCard file through `target.create` (a `ContactsStore`), one card at a
 * time: each bad card is reported with its reason and the others still import. A `File` or `Blob` gives a
 * promise of the report; bytes or text give the report.
 */
export function importVcard(target: RecordWriter<ContactFields>, input: ImportBytes): ImportReport;
export function importVcard(target: RecordWriter<ContactFields>, input: Blob): Promise<ImportReport>;
export function importVcard(target: RecordWriter<ContactFields>, input: ImportInput): ImportReport | Promise<ImportReport>;
export function importVcard(target: RecordWriter<ContactFields>, input: ImportInput): ImportReport | Promise<ImportReport> {
  return isBlob(input) ? parseVcard(input).then((parsed) => writeParsedItems(target, parsed)) : writeParsedItems(target, parseVcard(input));
}
