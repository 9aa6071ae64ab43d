import { describe, expect, it } from 'vitest';
import { editDistance, findDuplicates } from '../src/core/contacts/contact-duplicates.ts';
import { contactFields, memoryStores } from './core-fixtures.ts';
import type { ContactFields } from '../src/core/records/records.ts';

async function contactsOf(...fields: Partial<ContactFields>[]) {
  const { contacts } = await memoryStores();
  const created = fields.map((overrides) => contacts.create(contactFields(overrides)));
  return { contacts, created };
}

const namePairs = (pairs: ReturnType<typeof findDuplicates>) => pairs.map(({ first, second, reasons }) => [first.displayName, second.displayName, reasons]);

describe('finding duplicate contacts', () => {
  it('pairs contacts sharing an email address, whatever its case', async () => {
    const { contacts } = await contactsOf(
      { givenName: 'Ada', familyName: 'Lovelace', emails: [{ label: 'work', value: 'Ada@Example.org' }] },
      { givenName: 'Augusta', familyName: 'King', emails: [{ label: 'home', value: 'ADA@example.ORG' }] },
    );
    expect(namePairs(findDuplicates(contacts.list())).map(([a, b, reasons]) => [[a, b].sort(), reasons])).toEqual([[['Ada Lovelace', 'Augusta King'], ['email']]]);
  });

  it('pairs contacts sharing a phone number written differently', async () => {
    const { contacts } = await contactsOf(
      { givenName: 'Jürgen', familyName: 'Müller', phones: [{ label: 'mobile', value: '+49 170 1234567' }] },
      { givenName: 'J.', familyName: 'M.', phones: [{ label: 'mobile', value: '0170 / 123 45 67' }] },
    );
    expect(namePairs(findDuplicates(contacts.list())).map(([a, b, reasons]) => [[a, b].sort(), reasons])).toEqual([[['J. M.', 'Jürgen Müller'], ['phone']]]);
  });

  it('pairs names differing by a typo, a diacritic or their order', async () => {
    const { contacts } = await contactsOf(
      { givenName: 'John', familyName: 'Smith' },
      { givenName: 'Jon', familyName: 'Smith' },
      { givenName: 'Anna', familyName: 'Müller' },
      { givenName: 'Muller', familyName: 'Anna' },
    );
    const pairs = findDuplicates(contacts.list()).map(({ first, second, reasons }) => [[first.displayName, second.displayName].sort(), reasons]);
    expect(pairs.sort()).toEqual([
      [['Anna Müller', 'Muller Anna'], ['name']],
      [['John Smith', 'Jon Smith'], ['name']],
    ]);
  });

  it('does not pair different people with short or distant names', async () => {
    const { contacts } = await contactsOf(
      { givenName: 'Al', familyName: '' },
      { givenName: 'Bo', familyName: '' },
      { givenName: 'Maria', familyName: 'Schmidt' },
      { givenName: 'Mario', familyName: 'Schulz' },
    );
    expect(findDuplicates(contacts.list())).toEqual([]);
  });

  it('reports a pair once with every reason, the older contact first', async () => {
    const { contacts, created } = await contactsOf(
      { givenName: 'Grace', familyName: 'Hopper', emails: [{ label: '', value: 'grace@navy.mil' }] },
      { givenName: 'Grace', familyName: 'Hoper', emails: [{ label: '', value: 'grace@navy.mil' }] },
    );
    const [pair, ...rest] = findDuplicates(contacts.list());
    expect(rest).toEqual([]);
    expect(pair!.reasons.sort()).toEqual(['email', 'name']);
    expect(pair!.first.createdAt <= pair!.second.createdAt).toBe(true);
    expect([pair!.first.id, pair!.second.id].sort()).toEqual(created.map((contact) => contact.id).sort());
  });

  it('stops counting edits past the limit', () => {
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('abc', 'abcdef', 1)).toBe(2);
  });
});
