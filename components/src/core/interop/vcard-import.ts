/**
 * vCard 3.0 and 4.0 (RFC 2426, RFC 6350) files → contact fields. ical.js parses each card; this maps N, FN, ORG,
 * EMAIL, TEL, ADR (with their TYPE or Apple X-ABLabel labels), BDAY, NOTE and CATEGORIES (→ tags).
 *
 * Dropped, because a contact here has no place for them: PHOTO and LOGO (images would bloat a document every
 * member syncs), N's middle names, prefixes and suffixes (FN keeps the full name), URL, IMPP, social profiles,
 * anniversaries, and a birthday given as free text. Contact groups (KIND:group, Apple's
 * X-ADDRESSBOOKSERVER-KIND:group) are reported as unsupported. UIDs are not kept: the store assigns ids.
 */
import ICAL from 'ical.js';
import { parseLocalDate } from '../calendar/wall-clock-time.ts';
import { rawPropertyValue, splitComponentBlocks } from './component-blocks.ts';
import { labelFromVcard } from './vcard-labels.ts';
import { derivedDisplayName } from './derived-display-name.ts';
import { ItemIssue, identify, issueFor, writeParsedItems, type ImportIssue, type ImportReport, type ParsedFile, type ParsedItem, type RecordWriter } from './import-report.ts';
import type { ContactFields, LabeledValue, PostalAddress } from '../records/records.ts';

/** A structured value's component, which vCard 4.0 allows to hold several comma-separated values. */
function part(value: unknown, index: number, separator = ' '): string {
  const item = Array.isArray(value) ? value[index] : index === 0 ? value : undefined;
  if (Array.isArray(item)) return item.map(String).filter(Boolean).join(separator);
  return typeof item === 'string' ? item.trim() : '';
}

const rawValue = (property: ICAL.Property): unknown => property.jCal[3];

function typesOf(property: ICAL.Property): string[] {
  const type = property.getParameter('type');
  const list = Array.isArray(type) ? type : typeof type === 'string' ? [type] : [];
  return list.flatMap((entry) => String(entry).split(','));
}

/** Apple ties a custom label to a property by group: `item1.EMAIL…` and `item1.X-ABLabel:Clinic`. */
function customLabels(card: ICAL.Component): Map<string, string> {
  const labels = new Map<string, string>();
  for (const property of card.getAllProperties('x-ablabel')) {
    const group = property.getParameter('group');
    if (typeof group === 'string') labels.set(group.toLowerCase(), String(rawValue(property)));
  }
  return labels;
}

function labelOf(property: ICAL.Property, labels: Map<string, string>): string {
  const group = property.getParameter('group');
  return labelFromVcard(typesOf(property), typeof group === 'string' ? labels.get(group.toLowerCase()) : undefined);
}

const FULL_DATE = /^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$/;
const YEARLESS_DATE = /^--(\d{2})-?(\d{2})$/;

/** `YYYY-MM-DD` or `--MM-DD`; Apple's 3.0 cards mark an unknown year with X-APPLE-OMIT-YEAR. */
function birthdayOf(property: ICAL.Property): string | undefined {
  if (property.type === 'text') return undefined;
  const value = String(rawValue(property));
  const full = FULL_DATE.exec(value);
  const yearless = YEARLESS_DATE.exec(value);
  let birthday: string | undefined;
  if (full) birthday = full[1] === property.getParameter('x-apple-omit-year') ? `--${full[2]}-${full[3]}` : `${full[1]}-${full[2]}-${full[3]}`;
  else if (yearless) birthday = `--${yearless[1]}-${yearless[2]}`;
  // Any leap year accepts every month-day pair, so 2000 checks a yearless birthday such as --02-29.
  if (!birthday || parseLocalDate(birthday.replace(/^--/, '2000-')) === undefined) throw new ItemIssue('UNREADABLE', `BDAY "${value}" is not a date`);
  return birthday;
}

function isGroup(card: ICAL.Component): boolean {
  const kind = String(card.getFirstPropertyValue('kind') ?? card.getFirstPropertyValue('x-addressbookserver-kind') ?? '');
  return kind.toLowerCase() === 'group';
}

function contactOf(card: ICAL.Component): ContactFields {
  if (isGroup(card)) throw new ItemIssue('UNSUPPORTED', 'the card is a contact group, which p2p-clinic does not hold');
  const labels = customLabels(card);
  const name = card.getFirstProperty('n');
  const org = card.getFirstProperty('org');
  const labeled = (propertyName: string, read: (value: string) => string): LabeledValue[] =>
    card
      .getAllProperties(propertyName)
      .map((property) => ({ label: labelOf(property, labels), value: read(String(rawValue(property)).trim()) }))
      .filter((entry) => entry.value !== '');
  const addresses = card.getAllProperties('adr').map((property): PostalAddress => {
    const value = rawValue(property);
    return {
      label: labelOf(property, labels),
      street: [part(value, 0, ', '), part(value, 1, ', '), part(value, 2, ', ')].filter(Boolean).join('\n'),
      locality: part(value, 3, ', '),
      region: part(value, 4, ', '),
      postalCode: part(value, 5, ', '),
      country: part(value, 6, ', '),
    };
  });
  const fields: ContactFields = {
    givenName: name ? part(rawValue(name), 1) : '',
    familyName: name ? part(rawValue(name), 0) : '',
    displayName: '',
    organisation: org ? [0, 1, 2, 3].map((index) => part(rawValue(org), index)).filter(Boolean).join(', ') : '',
    emails: labeled('email', (value) => value.replace(/^mailto:/i, '')),
    phones: labeled('tel', (value) => value.replace(/^tel:/i, '')),
    addresses,
    notes: card.getAllProperties('note').map((property) => String(rawValue(property))).join('\n\n'),
    tags: [...new Set(card.getAllProperties('categories').flatMap((property) => property.getValues().map((tag) => String(tag).trim())).filter(Boolean))],
  };
  const bday = card.getFirstProperty('bday');
  const birthday = bday ? birthdayOf(bday) : undefined;
  if (birthday) fields.birthday = birthday;
  const formatted = String(card.getFirstPropertyValue('fn') ?? '').trim();
  if (formatted !== derivedDisplayName(fields)) fields.displayName = formatted;
  return fields;
}

/** Reads every contact of a vCard file without writing anything. */
export function parseVcard(input: string): ParsedFile<ContactFields> {
  const blocks = splitComponentBlocks(input, 'VCARD');
  if (!blocks) return { items: [], errors: [{ code: 'NOT_VCARD', reason: 'the file is not a vCard (.vcf) file: it has no BEGIN:VCARD' }] };
  const items: ParsedItem<ContactFields>[] = [];
  const errors: ImportIssue[] = [];
  blocks.forEach((block, index) => {
    const named = { index, uid: rawPropertyValue(block, 'UID'), summary: rawPropertyValue(block, 'FN') };
    try {
      if (!block.complete) throw new ItemIssue('UNREADABLE', 'the VCARD has no END:VCARD line');
      const card = new ICAL.Component(ICAL.parse(block.lines.join('\r\n')) as unknown[]);
      items.push({ ...identify(named), fields: contactOf(card) });
    } catch (error) {
      errors.push(issueFor(error instanceof ItemIssue ? error.code : 'UNREADABLE', error instanceof Error ? error.message : String(error), named));
    }
  });
  return { items, errors };
}

/**
 * Imports every readable contact of a vCard file through `target.create` (a `ContactsStore`), one card at a
 * time: each bad card is reported with its reason and the others still import.
 */
export function importVcard(target: RecordWriter<ContactFields>, input: string): ImportReport {
  return writeParsedItems(target, parseVcard(input));
}
