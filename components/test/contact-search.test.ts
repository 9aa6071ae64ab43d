import { describe, expect, it } from 'vitest';
import { contactFields, memoryStores } from './core-fixtures.ts';

async function storesWithClinicContacts() {
  const stores = await memoryStores();
  stores.contacts.create(contactFields({ givenName: 'Jürgen', familyName: 'Müller', emails: [{ label: 'home', value: 'jm@example.org' }], tags: ['Diabetes'] }));
  stores.contacts.create(contactFields({ givenName: 'Anna', familyName: 'Mueller', phones: [{ label: 'mobile', value: '+49 (170) 123-4567' }] }));
  stores.contacts.create(contactFields({ givenName: 'Søren', familyName: 'Straße', organisation: 'Nordklinik' }));
  return stores;
}

const namesFound = (found: { givenName: string }[]) => found.map((contact) => contact.givenName);

describe('contact search', () => {
  it('ignores case and diacritics', async () => {
    const { contacts } = await storesWithClinicContacts();
    expect(namesFound(contacts.search('MULLER'))).toEqual(['Jürgen']);
  });

  it('matches each prefix as a name is typed letter by letter', async () => {
    const { contacts } = await storesWithClinicContacts();
    expect(['j', 'ju', 'jur', 'jurg'].map((typed) => namesFound(contacts.search(typed)))).toEqual([['Jürgen'], ['Jürgen'], ['Jürgen'], ['Jürgen']]);
  });

  it('needs every word of the query to match', async () => {
    const { contacts } = await storesWithClinicContacts();
    expect(namesFound(contacts.search('anna mueller'))).toEqual(['Anna']);
    expect(contacts.search('anna müller')).toEqual([]);
  });

  it('finds emails, tags and organisations', async () => {
    const { contacts } = await storesWithClinicContacts();
    expect(namesFound(contacts.search('jm@example'))).toEqual(['Jürgen']);
    expect(namesFound(contacts.search('diabetes'))).toEqual(['Jürgen']);
    expect(namesFound(contacts.search('nordklinik'))).toEqual(['Søren']);
  });

  it('finds phone numbers by their digits, whatever the punctuation', async () => {
    const { contacts } = await storesWithClinicContacts();
    expect(namesFound(contacts.search('1701234'))).toEqual(['Anna']);
  });

  it('folds letters that have no decomposition, such as ø and ß', async () => {
    const { contacts } = await storesWithClinicContacts();
    expect(namesFound(contacts.search('soren strasse'))).toEqual(['Søren']);
  });

  it('returns everyone, by display name, for an empty query', async () => {
    const { contacts } = await storesWithClinicContacts();
    expect(namesFound(contacts.search(''))).toEqual(['Anna', 'Jürgen', 'Søren']);
  });

  it('keeps up with edits after the first search', async () => {
    const { contacts } = await storesWithClinicContacts();
    contacts.search('x');
    const [anna] = contacts.search('anna');
    contacts.update(anna!.id, { givenName: 'Annika' });
    expect(namesFound(contacts.search('annika'))).toEqual(['Annika']);
    contacts.remove(anna!.id);
    expect(contacts.search('annika')).toEqual([]);
  });
});
