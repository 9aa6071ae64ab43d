/**
 * Contact search as you type: every query word must appear in a contact's names, organisation, emails, phones
 * or tags, ignoring case and diacritics ("muller" finds "Müller"); phone numbers also match on digits alone.
 * Each contact's searchable text is normalised once and kept up to date as contacts change, so a keystroke
 * costs one substring scan, not a pass over the document; a keystroke that can only narrow the previous query
 * scans just the previous matches.
 */
import type { Contact } from '../records/records.ts';

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

/** A query as compared: its normalised words, and for words with digits, the digits alone (to match phones). */
interface ParsedQuery {
  words: string[];
  digitWords: string[];
}

function parseQuery(query: string): ParsedQuery {
  const words = normaliseForSearch(query).split(/\s+/).filter(Boolean);
  return { words, digitWords: words.map((word) => (/\d/.test(word) ? digitsOf(word) : '')) };
}

function matches(entry: IndexEntry, query: ParsedQuery): boolean {
  return query.words.every((word, index) => entry.text.includes(word) || (query.digitWords[index] !== '' && entry.digits.includes(query.digitWords[index]!)));
}

/**
 * True when whatever matches `narrower` also matches `wider`: each word of `wider` lies within a word of
 * `narrower`, and so do its digits wherever the narrower word could match on digits alone. Typing on
 * ("mül" → "müll", "müller" → "müller a") always narrows.
 */
function narrows(narrower: ParsedQuery, wider: ParsedQuery): boolean {
  return wider.words.every((word, index) =>
    narrower.words.some((longer, longerIndex) => {
      const longerDigits = narrower.digitWords[longerIndex]!;
      return longer.includes(word) && (longerDigits === '' || (wider.digitWords[index] !== '' && longerDigits.includes(wider.digitWords[index]!)));
    }),
  );
}

const byName = (a: IndexEntry, b: IndexEntry) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class ContactSearchIndex {
  readonly #entries = new Map<string, IndexEntry>();
  /** Every entry by display name (then id); kept in order as contacts change. */
  #sorted: IndexEntry[] = [];
  #needsSort = false;
  /** The last query and its matches, which the next keystroke narrows instead of scanning everyone again. */
  #last: { query: ParsedQuery; matches: IndexEntry[] } | undefined;

  constructor(contacts: Iterable<SearchableContact> = []) {
    for (const contact of contacts) this.add(contact);
  }

  /** Adds a contact while building; cheaper than `update`, as the order is restored once, by `sort` or the next search. */
  add(contact: SearchableContact): void {
    if (this.#entries.has(contact.id)) return this.update(contact.id, contact);
    const entry = entryOf(contact);
    this.#entries.set(contact.id, entry);
    this.#sorted.push(entry);
    this.#needsSort = true;
    this.#last = undefined;
  }

  /** Brings one contact up to date; `undefined` when it was removed. */
  update(id: string, contact: SearchableContact | undefined): void {
    const sorted = this.#ordered();
    const old = this.#entries.get(id);
    if (old) {
      this.#entries.delete(id);
      sorted.splice(this.#position(old), 1);
    }
    if (contact) {
      const entry = entryOf(contact);
      this.#entries.set(id, entry);
      sorted.splice(this.#position(entry), 0, entry);
    }
    this.#last = undefined;
  }

  /** Restores the order after `add`s, so that the next keystroke need not. */
  sort(): void {
    this.#ordered();
  }

  /** Ids of matching contacts ordered by display name; every contact for an empty query. */
  search(query: string): string[] {
    const parsed = parseQuery(query);
    const last = this.#last;
    const candidates = last && narrows(parsed, last.query) ? last.matches : this.#ordered();
    const found = candidates.filter((entry) => matches(entry, parsed));
    this.#last = { query: parsed, matches: found };
    return found.map((entry) => entry.id);
  }

  #ordered(): IndexEntry[] {
    if (this.#needsSort) {
      this.#sorted.sort(byName);
      this.#needsSort = false;
    }
    return this.#sorted;
  }

  /** Where the entry sits, or would sit, in the sorted entries. */
  #position(entry: IndexEntry): number {
    let low = 0;
    let high = this.#sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (byName(this.#sorted[middle]!, entry) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
