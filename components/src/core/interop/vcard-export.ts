/**
 * Contacts → a vCard file, 4.0 (RFC 6350) by default or 3.0 (RFC 2426) for older address books. A birthday
 * without a year is `--MMDD` in 4.0; 3.0 cannot say it, so it is written as Apple does (year 1604 marked by
 * X-APPLE-OMIT-YEAR), which Apple and this importer read back as yearless.
 *
 * Text is escaped as each version's grammar asks: ical.js escapes backslashes, commas and new lines everywhere,
 * and semicolons between components, but RFC 2426 (3.0) also wants `\;` inside any text value, where RFC 6350
 * (4.0) allows a bare one.
 */
import ICAL from 'ical.js';
import { typesForLabel } from './vcard-labels.ts';
import { derivedDisplayName } from './derived-display-name.ts';
import type { Contact, LabeledValue } from '../records/records.ts';

export type VcardVersion = '4.0' | '3.0';

export interface VcardExportOptions {
  version?: VcardVersion;
  productId?: string;
}

export const DEFAULT_VCARD_PRODUCT_ID = '-//p2p-clinic//p2p-clinic 0.1//EN';
/** Apple's placeholder year for a birthday whose year is unknown. */
const APPLE_OMITTED_YEAR = '1604';

type JCardProperty = [string, Record<string, string | string[]>, string, ...unknown[]];

/** RFC 6350 3.4 / RFC 2426 5: a text value's backslashes, new lines, commas and semicolons escaped. */
const escapeText = (text: string) => text.replace(/[\\,;]/g, (character) => `\\${character}`).replace(/\n/g, '\\n');

/** Builds a card's properties, numbering the groups that carry custom labels. */
class CardWriter {
  readonly properties: JCardProperty[] = [];
  #groups = 0;

  constructor(readonly version: VcardVersion) {}

  add(name: string, type: string, value: unknown, params: Record<string, string | string[]> = {}): void {
    this.properties.push([name, params, type, value]);
  }

  /** A labelled property: TYPE for standard labels, `itemN.` + X-ABLabel for any other. */
  addLabeled(name: string, type: string, value: unknown, label: string, extraTypes: string[] = []): void {
    const types = typesForLabel(label);
    const cased = (list: string[]) => (this.version === '3.0' ? list.map((entry) => entry.toUpperCase()) : list);
    const params: Record<string, string | string[]> = {};
    const allTypes = cased([...extraTypes, ...(types ?? [])]);
    if (allTypes.length) params.type = allTypes;
    if (types === undefined) {
      const group = `item${++this.#groups}`;
      this.add(name, type, value, { ...params, group });
      // ical.js writes a value of unknown type as it is, so the label is escaped here as text.
      this.add('x-ablabel', 'unknown', escapeText(label), { group });
    } else {
      this.add(name, type, value, params);
    }
  }
}

function birthdayProperty(writer: CardWriter, birthday: string): void {
  const yearless = /^--(\d{2})-(\d{2})$/.exec(birthday);
  if (writer.version === '4.0') writer.add('bday', 'date-and-or-time', birthday);
  else if (yearless) writer.add('bday', 'date', `${APPLE_OMITTED_YEAR}-${yearless[1]}-${yearless[2]}`, { 'x-apple-omit-year': APPLE_OMITTED_YEAR });
  else writer.add('bday', 'date', birthday);
}

/** vCard 3.0 properties whose value is one text (or a list of texts): a `;` in it must be escaped. */
const PLAIN_TEXT_PROPERTIES = new Set(['fn', 'note', 'email', 'tel', 'x-ablabel', 'categories', 'uid', 'prodid']);

/** Escapes every `;` that ical.js left bare in a property line's value (after the first colon outside quotes). */
function escapeSemicolons(line: string): string {
  let quoted = false;
  let colon = -1;
  for (let index = 0; index < line.length && colon < 0; index++) {
    if (line[index] === '"') quoted = !quoted;
    else if (line[index] === ':' && !quoted) colon = index;
  }
  let escaped = line.slice(0, colon + 1);
  for (let index = colon + 1; index < line.length; index++) {
    const character = line[index]!;
    if (character === '\\') escaped += character + (line[++index] ?? '');
    else escaped += character === ';' ? '\\;' : character;
  }
  return escaped;
}

/** One card's lines, each folded at 75 octets. */
function cardText(writer: CardWriter): string {
  const design = writer.version === '3.0' ? ICAL.design.vcard3 : ICAL.design.vcard;
  const lines = writer.properties.map((property) => {
    const line = ICAL.stringify.property(property, design, true);
    return ICAL.helpers.foldline(writer.version === '3.0' && PLAIN_TEXT_PROPERTIES.has(property[0]) ? escapeSemicolons(line) : line);
  });
  return ['BEGIN:VCARD', ...lines, 'END:VCARD', ''].join('\r\n');
}

function cardOf(contact: Contact, options: VcardExportOptions): CardWriter {
  const writer = new CardWriter(options.version ?? '4.0');
  // RFC 6350 requires VERSION first; ical.js reads a card whose first property is not VERSION:4.0 as 3.0.
  writer.add('version', 'text', writer.version);
  // ical.js knows PRODID as text in 3.0 only; 4.0's RFC 6350 defines it too, but ical.js would add VALUE=TEXT.
  writer.add('prodid', writer.version === '3.0' ? 'text' : 'unknown', options.productId ?? DEFAULT_VCARD_PRODUCT_ID);
  writer.add('uid', 'text', contact.id);
  writer.add('fn', 'text', contact.displayName || derivedDisplayName(contact));
  writer.add('n', 'text', [contact.familyName, contact.givenName, '', '', '']);
  if (contact.organisation) writer.add('org', 'text', [contact.organisation]);
  const emailTypes = writer.version === '3.0' ? ['internet'] : [];
  contact.emails.forEach((email: LabeledValue) => writer.addLabeled('email', 'text', email.value, email.label, emailTypes));
  contact.phones.forEach((phone: LabeledValue) => writer.addLabeled('tel', writer.version === '4.0' ? 'text' : 'phone-number', phone.value, phone.label));
  for (const address of contact.addresses) {
    writer.addLabeled('adr', 'text', ['', '', address.street, address.locality, address.region, address.postalCode, address.country], address.label);
  }
  if (contact.birthday) birthdayProperty(writer, contact.birthday);
  if (contact.notes) writer.add('note', 'text', contact.notes);
  if (contact.tags.length) writer.properties.push(['categories', {}, 'text', ...contact.tags]);
  return writer;
}

/** A vCard file holding the contacts, with CRLF line endings and lines folded at 75 octets. */
export function exportVcard(contacts: readonly Contact[], options: VcardExportOptions = {}): string {
  return contacts.map((contact) => cardText(cardOf(contact, options))).join('');
}
