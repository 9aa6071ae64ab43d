/**
 * Likely duplicates among an org's contacts: the same email address, the same phone number, or names that differ
 * by a typo, a diacritic or their order ("Jon Smith", "John Smith", "Smith, John"). Emails and phones are matched
 * through maps; names by the sorted-neighbourhood method (compare each name with the few that sort next to it),
 * so that 10,000 contacts cost a sort rather than fifty million comparisons. A typo in a name's first letter can
 * hide a pair from the name rule; the email and phone rules still find it when either is shared.
 */
import { normaliseForSearch } from './contact-search.ts';
import type { Contact } from '../records/records.ts';

export type DuplicateReason = 'email' | 'phone' | 'name';

export interface DuplicatePair {
  /** The older contact: the one a merge keeps by default. */
  first: Contact;
  second: Contact;
  reasons: DuplicateReason[];
}

/** How many names after each one in sorted order are compared with it. */
const NAME_NEIGHBOURHOOD = 6;
/** Shorter names ("Al", "Bo") are too alike by chance to call a pair on the name alone. */
const MIN_NAME_LENGTH = 4;
/** Phones are compared on their last digits, so that "+49 170 1234567" and "0170 1234567" match. */
const PHONE_DIGITS_COMPARED = 9;
const MIN_PHONE_DIGITS = 6;

/** Edits allowed between two names: one for short names, two from ten letters on. */
const allowedNameEdits = (length: number) => (length >= 10 ? 2 : 1);

const emailKey = (email: string) => email.trim().toLowerCase();

function phoneKey(phone: string): string | undefined {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= MIN_PHONE_DIGITS ? digits.slice(-PHONE_DIGITS_COMPARED) : undefined;
}

/** The name as compared: normalised words in alphabetical order, so that word order and commas do not matter. */
export function nameKey(contact: Pick<Contact, 'givenName' | 'familyName' | 'displayName'>): string {
  const names = `${contact.givenName} ${contact.familyName}`.trim() || contact.displayName;
  return normaliseForSearch(names)
    .split(/[\s,.]+/)
    .filter(Boolean)
    .sort()
    .join(' ');
}

/** Levenshtein distance, giving up (returning `limit + 1`) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** Likely duplicate pairs, each pair once with every reason found, strongest evidence (most reasons) first. */
export function findDuplicates(contacts: readonly Contact[]): DuplicatePair[] {
  const pairs = new Map<string, DuplicatePair>();
  const note = (a: Contact, b: Contact, reason: DuplicateReason) => {
    if (a.id === b.id) return;
    const [first, second] = a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id) ? [a, b] : [b, a];
    const key = `${first.id}\n${second.id}`;
    const pair = pairs.get(key) ?? { first, second, reasons: [] };
    if (!pair.reasons.includes(reason)) pair.reasons.push(reason);
    pairs.set(key, pair);
  };
  const byKey = (reason: DuplicateReason, keysOf: (contact: Contact) => (string | undefined)[]) => {
    const seen = new Map<string, Contact[]>();
    for (const contact of contacts) {
      for (const key of new Set(keysOf(contact))) {
        if (key === undefined || key === '') continue;
        const others = seen.get(key) ?? [];
        for (const other of others) note(other, contact, reason);
        others.push(contact);
        seen.set(key, others);
      }
    }
  };
  byKey('email', (contact) => contact.emails.map((email) => emailKey(email.value)));
  byKey('phone', (contact) => contact.phones.map((phone) => phoneKey(phone.value)));

  const named = contacts
    .map((contact) => ({ contact, key: nameKey(contact) }))
    .filter(({ key }) => key.length >= MIN_NAME_LENGTH)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 0; i < named.length; i++) {
    for (let j = i + 1; j < Math.min(named.length, i + 1 + NAME_NEIGHBOURHOOD); j++) {
      const a = named[i]!;
      const b = named[j]!;
      const limit = allowedNameEdits(Math.min(a.key.length, b.key.length));
      if (editDistance(a.key, b.key, limit) <= limit) note(a.contact, b.contact, 'name');
    }
  }
  return [...pairs.values()].sort((a, b) => b.reasons.length - a.reasons.length);
}
