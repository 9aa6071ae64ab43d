import { describe, expect, it } from 'vitest';
import { exportVcard, importVcard, parseVcard } from '../src/core/interop/index.ts';
import { asStored, collector, interopFixture } from './interop-fixtures.ts';
import { contactFields, memoryStores } from './core-fixtures.ts';
import type { ContactFields } from '../src/core/records/records.ts';

function importFixture(name: string) {
  const target = collector<ContactFields>();
  const report = importVcard(target, interopFixture(name));
  return { report, contacts: target.written };
}

describe('vCard import of Apple Contacts exports (3.0)', () => {
  it('imports names, organisation and notes, and drops the photo', () => {
    const [ada] = importFixture('apple-contacts.vcf').contacts;
    expect(ada).toMatchObject({ givenName: 'Ada', familyName: 'Lovelace', displayName: '', organisation: 'Analytical Engines Ltd, Research', notes: 'Prefers morning appointments.\nAllergic to penicillin.', tags: ['Patients', 'VIP'] });
    expect(JSON.stringify(ada)).not.toContain('/9j/');
  });

  it('labels emails and phones from TYPE and from X-ABLabel', () => {
    const [ada] = importFixture('apple-contacts.vcf').contacts;
    expect(ada!.emails).toEqual([{ label: 'other', value: 'ada@example.org' }, { label: 'work', value: 'ada@work.example' }]);
    expect(ada!.phones).toEqual([{ label: 'mobile', value: '+44 7700 900123' }, { label: 'Clinic', value: '+44 20 7946 0018' }]);
  });

  it('imports a postal address with a multi-line street', () => {
    expect(importFixture('apple-contacts.vcf').contacts[0]!.addresses).toEqual([{ label: 'home', street: "12 St James's Square\nFlat 2", locality: 'London', region: '', postalCode: 'SW1Y 4JH', country: 'United Kingdom' }]);
  });

  it('reads a birthday marked with X-APPLE-OMIT-YEAR as yearless', () => {
    expect(importFixture('apple-contacts.vcf').contacts[0]!.birthday).toBe('--12-10');
  });

  it('imports a company card and its dated birthday', () => {
    expect(importFixture('apple-contacts.vcf').contacts[1]).toMatchObject({ organisation: 'Northside Pharmacy', displayName: '', birthday: '1985-04-12', phones: [{ label: 'work', value: '+44 20 7946 0000' }] });
  });

  it('reports a contact group as unsupported', () => {
    expect(importFixture('apple-contacts.vcf').report.errors).toEqual([{ code: 'UNSUPPORTED', index: 2, uid: 'F0E1D2C3-B4A5-4968-8776-655443322110', summary: 'Staff', reason: { code: 'CONTACT_GROUP' } }]);
  });
});

describe('vCard import of Google Contacts exports (3.0)', () => {
  it('imports a contact with combined types and a dated birthday', () => {
    expect(importFixture('google-contacts.vcf').contacts[0]).toEqual(
      contactFields({
        givenName: 'Grace',
        familyName: 'Hopper',
        organisation: 'US Navy',
        emails: [{ label: 'home', value: 'grace@example.com' }],
        phones: [{ label: 'mobile', value: '+1 202-555-0143' }, { label: 'work fax', value: '+1 202-555-0199' }],
        addresses: [{ label: 'work', street: '1 Navy Yard', locality: 'Washington', region: 'DC', postalCode: '20374', country: 'US' }],
        birthday: '1906-12-09',
        notes: 'Referred by Dr. Weber',
        tags: ['myContacts', 'Patients'],
      }),
    );
  });
});

describe('vCard import of vCard 4.0 files', () => {
  it('reads tel: URIs and a basic-format birthday', () => {
    expect(importFixture('vcard4.vcf').contacts[0]).toMatchObject({ phones: [{ label: 'work', value: '+33 1 44 27 00 00' }, { label: 'mobile', value: '+33-6-12-34-56-78' }], birthday: '1867-11-07' });
  });

  it('reads a yearless birthday and keeps a display name that says more than the names', () => {
    expect(importFixture('vcard4.vcf').contacts[1]).toMatchObject({ givenName: 'Sam', familyName: 'Lee', displayName: 'Dr. Sam Lee', birthday: '--07-04' });
  });
});

describe('vCard export', () => {
  const contacts = [
    asStored(
      contactFields({
        organisation: 'Analytical; Engines',
        emails: [{ label: 'work', value: 'ada@example.org' }, { label: 'Clinic, main', value: 'ada@clinic.example' }],
        phones: [{ label: 'mobile', value: '+44 7700 900123' }, { label: '', value: '020 7946 0018' }, { label: 'work fax', value: '020 7946 0019' }],
        addresses: [{ label: 'home', street: "12 St James's Square\nFlat 2", locality: 'London', region: '', postalCode: 'SW1Y 4JH', country: 'UK' }],
        birthday: '--12-10',
        notes: 'Allergic: penicillin;\nprefers mornings, if possible',
        tags: ['patient', 'vip,gold'],
      }),
      0,
    ),
    asStored(contactFields({ givenName: '', familyName: '', displayName: 'Front desk', organisation: 'Northside Pharmacy', birthday: '1985-04-12' }), 1),
  ];
  const fields = contacts.map(({ id: _id, createdAt: _c, updatedAt: _u, ...rest }) => rest);

  it('gives back the same contacts from a vCard 4.0 file', () => {
    expect(parseVcard(exportVcard(contacts)).items.map((item) => item.fields)).toEqual(fields);
  });

  it('gives back the same contacts from a vCard 3.0 file', () => {
    expect(parseVcard(exportVcard(contacts, { version: '3.0' })).items.map((item) => item.fields)).toEqual(fields);
  });

  it('writes vCard 4.0 by default with the contact id as UID', () => {
    expect(exportVcard(contacts)).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\nPRODID:[^\r]+\r\nUID:record-0\r\nFN:Ada Lovelace\r\n/);
  });

  it('writes a yearless birthday as --MMDD in 4.0 and the Apple way in 3.0', () => {
    expect(exportVcard(contacts)).toContain('BDAY:--1210\r\n');
    expect(exportVcard(contacts, { version: '3.0' })).toContain('BDAY;X-APPLE-OMIT-YEAR=1604;VALUE=DATE:16041210\r\n');
  });
});

describe('vCard escapes', () => {
  const card = (version: string, line: string) => `BEGIN:VCARD\r\nVERSION:${version}\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n${line}\r\nEND:VCARD\r\n`;

  it.each(['3.0', '4.0'])('unescapes semicolons, commas, backslashes and new lines in vCard %s text', (version) => {
    expect(parseVcard(card(version, 'NOTE:x\\; y\\, z\\\\w\\nnext\\Nlast')).items[0]!.fields.notes).toBe('x; y, z\\w\nnext\nlast');
  });

  it('reads a backslash in vCard 2.1 as text, but \\; and \\n as 2.1 writers mean them', () => {
    expect(parseVcard(card('2.1', 'NOTE:Befund in C:\\Praxis\\2024\\, Akte 7\\; siehe\\nOrdner')).items[0]!.fields.notes).toBe('Befund in C:\\Praxis\\2024\\, Akte 7; siehe\nOrdner');
  });

  it('keeps a backslash that escapes nothing the grammar knows', () => {
    expect(parseVcard(card('4.0', 'NOTE:C:\\Users\\ada and \\t')).items[0]!.fields.notes).toBe('C:\\Users\\ada and \\t');
  });

  it('splits structured values only at unescaped separators', () => {
    expect(parseVcard(card('3.0', 'ADR;TYPE=WORK:;;1\\; Main St\\, Unit 4;Springfield;;12345;US')).items[0]!.fields.addresses[0]).toMatchObject({ street: '1; Main St, Unit 4', locality: 'Springfield' });
  });

  const tricky = asStored(contactFields({ organisation: 'A; B, C\\D', notes: 'path C:\\x; then, a\nnew line', tags: ['a;b', 'c,d', 'e\\f'], phones: [{ label: 'Clinic; main', value: '+44 20 7946 0018' }] }), 0);
  const { id: _id, createdAt: _c, updatedAt: _u, ...trickyFields } = tricky;

  it.each(['3.0', '4.0'] as const)('escapes text on export so that vCard %s brings it back unchanged', (version) => {
    expect(parseVcard(exportVcard([tricky], { version })).items.map((item) => item.fields)).toEqual([trickyFields]);
  });

  it('escapes every semicolon in vCard 3.0 text, as RFC 2426 asks', () => {
    expect(exportVcard([tricky], { version: '3.0' })).toContain('NOTE:path C:\\\\x\\; then\\, a\\nnew line\r\n');
    expect(exportVcard([tricky], { version: '3.0' })).toContain('CATEGORIES:a\\;b,c\\,d,e\\\\f\r\n');
  });
});

describe('vCard import of malformed files', () => {
  it('imports every card of a file with broken lines among them, without the lines', () => {
    const { contacts } = importFixture('malformed.vcf');
    expect(contacts.map((contact) => contact.displayName || `${contact.givenName} ${contact.familyName}`)).toEqual(['Good Before', 'Broken Line', 'Bad Birthday', 'Bad Email', 'Good After']);
    expect(contacts[2]).not.toHaveProperty('birthday');
  });

  it('reports each property it left out, with the card and the reason', () => {
    expect(importFixture('malformed.vcf').report.warnings).toEqual([
      { code: 'UNREADABLE', index: 1, summary: 'Broken Line', reason: { code: 'BAD_LINE', line: 'no colon on this line' } },
      { code: 'UNREADABLE', index: 2, summary: 'Bad Birthday', property: 'BDAY', reason: { code: 'NOT_A_DATE', property: 'BDAY', value: '1990-02-30' } },
    ]);
    expect(importFixture('malformed.vcf').report.errors).toEqual([]);
  });

  it('leaves out an email the store refuses and imports the rest of the contact', async () => {
    const { contacts } = await memoryStores();
    const report = importVcard(contacts, interopFixture('malformed.vcf'));
    expect(report.warnings.find((warning) => warning.index === 3)).toEqual({ code: 'INVALID', index: 3, summary: 'Bad Email', field: 'emails.0.value', reason: { code: 'FIELD_REFUSED', refusal: { code: 'NOT_AN_EMAIL' }, leftOut: 'not an address' } });
    expect(contacts.list().find((contact) => contact.displayName === 'Bad Email')).toMatchObject({ familyName: 'Email', emails: [] });
    expect(report.imported).toBe(5);
  });

  it('refuses a card without its END line', () => {
    expect(importVcard(collector<ContactFields>(), 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Off\r\n').errors).toEqual([{ code: 'UNREADABLE', index: 0, summary: 'Cut Off', reason: { code: 'NO_END_LINE', component: 'VCARD' } }]);
  });

  it('refuses a file that is not vCard with one clear error', () => {
    const target = collector<ContactFields>();
    expect(importVcard(target, 'name,email\nAda,ada@example.org\n')).toEqual({ imported: 0, errors: [{ code: 'NOT_VCARD', reason: { code: 'NOT_VCARD' } }], warnings: [] });
    expect(target.written).toEqual([]);
  });
});

describe('vCard import into the contacts store', () => {
  it('imports every person of an Apple Contacts export', async () => {
    const { contacts } = await memoryStores();
    expect(importVcard(contacts, interopFixture('apple-contacts.vcf')).imported).toBe(2);
    expect(contacts.search('lovelace')[0]).toMatchObject({ displayName: 'Ada Lovelace', birthday: '--12-10' });
  });
});
