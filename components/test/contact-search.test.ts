import { describe, expect, it } from 'vitest';
import { ContactSearchIndex } from '../src/core/contacts/contact-search.ts';
import { contactFields, memoryStores, syncDocs } from './core-fixtures.ts';

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

describe('contact search, keystroke by keystroke', () => {
  const people = [
    { id: 'a', displayName: 'Anna Müller', givenName: 'Anna', familyName: 'Müller', organisation: '', emails: [], phones: [{ label: 'mobile', value: '+49 170 1000001' }], tags: [] },
    { id: 'b', displayName: 'Jürgen Müller', givenName: 'Jürgen', familyName: 'Müller', organisation: 'Nordklinik', emails: [], phones: [], tags: ['staff'] },
    { id: 'c', displayName: 'Xaver Ott', givenName: 'Xaver', familyName: 'Ott', organisation: '', emails: [], phones: [{ label: 'work', value: '0711 23' }], tags: [] },
  ];
  const typed = (text: string) => Array.from({ length: text.length }, (_, index) => text.slice(0, index + 1));

  it('narrows the previous keystroke’s matches to the same results as a fresh search', () => {
    const typing = new ContactSearchIndex(people);
    for (const query of [...typed('müller anna'), ...typed('x1'), ...typed('0711 2'), ...typed('ott x')]) {
      expect(typing.search(query), query).toEqual(new ContactSearchIndex(people).search(query));
    }
  });

  it('widens again when a keystroke is deleted', () => {
    const typing = new ContactSearchIndex(people);
    typing.search('müller j');
    expect(typing.search('müller ')).toEqual(['a', 'b']);
  });

  it('does not narrow stale matches after a contact changes between keystrokes', () => {
    const typing = new ContactSearchIndex(people);
    expect(typing.search('mü')).toEqual(['a', 'b']);
    typing.update('c', { ...people[2]!, familyName: 'Müller', displayName: 'Xaver Müller' });
    expect(typing.search('mül')).toEqual(['a', 'b', 'c']);
  });
});

describe('the search index built in idle time', () => {
  it('finds contacts added and changed on another device before and after it was built', async () => {
    const remote = await memoryStores();
    const local = await memoryStores();
    const renamed = remote.contacts.create(contactFields({ givenName: 'Anna', familyName: 'Mueller' }));
    for (let index = 0; index < 300; index++) remote.contacts.create(contactFields({ givenName: `Patient${index}` }));
    syncDocs(remote.doc, local.doc);

    const built = local.contacts.indexWhenIdle();
    remote.contacts.update(renamed.id, { familyName: 'Straße' });
    remote.contacts.create(contactFields({ givenName: 'Søren' }));
    syncDocs(remote.doc, local.doc);
    await built;
    remote.contacts.remove(renamed.id);
    remote.contacts.create(contactFields({ givenName: 'Anna', familyName: 'Straße' }));
    remote.contacts.create(contactFields({ givenName: 'Zoë' }));
    syncDocs(remote.doc, local.doc);

    const fresh = await memoryStores();
    syncDocs(local.doc, fresh.doc);
    for (const query of ['', 'strasse', 'mueller', 'soren', 'zoe', 'patient29']) {
      expect(namesFound(local.contacts.search(query)), query).toEqual(namesFound(fresh.contacts.search(query)));
    }
    expect(namesFound(local.contacts.search('strasse'))).toEqual(['Anna']);
  });
});

