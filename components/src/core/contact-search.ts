/**
 * Contact search as you type: every query word must appear in a contact's names, organisation, emails, phones
 * or tags, ignoring case and diacritics ("muller" finds "Müller"); phone numbers also match on digits alone.
 * Each contact's searchable text is normalised once and kept up to date as contacts change, so a keystroke
 * costs one substring scan, not a pass over the document.
 */
import type { Contact } from './records.ts';

/** Letters that Unicode decomposition leaves alone but people type without their stroke or ligature. */
const FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };
const FOLDABLE = new RegExp(`[${Object.keys(FOLDS).join('')}]`, 'g');

/** Lower case, without diacritics: the form both the index and queries are compared in. */
export function normaliseForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(FOLDABLE, (letter) => FOLDS[letter]!);
}

const digitsOf = (text: string) => text.replace(/\D/g, '');

/** What search looks at; read straight from the document, without materialising the contact. */
export type SearchableContact = Pick<Contact, 'id' | 'displayName' | 'givenName' | 'familyName' | 'organisation' | 'emails' | 'phones' | 'tags'>;

interface IndexEntry {
  id: string;
  text: string;
  digits: string;
  sortKey: string;
}

function entryOf(contact: SearchableContact): IndexEntry {
  const text = [contact.displayName, contact.givenName, contact.familyName, contact.organisation, ...contact.emails.map((email) => email.value), ...contact.phones.map((phone) => phone.value), ...contact.tags]
    .map(normaliseForSearch)
    .join('\n');
  return { id: contact.id, text, digits: contact.phones.map((phone) => digitsOf(phone.value)).join('\n'), sortKey: normaliseForSearch(contact.displayName) };
}

export class ContactSearchIndex {
  readonly #entries = new Map<string, IndexEntry>();
  #sorted: IndexEntry[] | undefined;

  constructor(contacts: Iterable<SearchableContact>) {
    for (const contact of contacts) this.#entries.set(contact.id, entryOf(contact));
  }

  /** Brings one contact up to date; `undefined` when it was removed. */
  update(id: string, contact: SearchableContact | undefined): void {
    if (contact) this.#entries.set(id, entryOf(contact));
    else this.#entries.delete(id);
    this.#sorted = undefined;
  }

  /** Ids of matching contacts ordered by display name; every contact for an empty query. */
  search(query: string): string[] {
    const words = normaliseForSearch(query).split(/\s+/).filter(Boolean);
    const digitWords = words.map((word) => (/\d/.test(word) ? digitsOf(word) : ''));
    const ids: string[] = [];
    for (const entry of this.#ordered()) {
      const matches = words.every((word, index) => entry.text.includes(word) || (digitWords[index] !== '' && entry.digits.includes(digitWords[index]!)));
      if (matches) ids.push(entry.id);
    }
    return ids;
  }

  #ordered(): IndexEntry[] {
    this.#sorted ??= [...this.#entries.values()].sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    return this.#sorted;
  }
}
