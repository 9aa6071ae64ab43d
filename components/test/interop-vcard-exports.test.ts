/**
 * vCards as Outlook, Android, iOS and RFC 6350's own example write them, read from their bytes as a file picker
 * hands them over; and each brought back unchanged through an export and a second import.
 */
import { describe, expect, it } from 'vitest';
import { exportVcard, importVcard, parseVcard } from '../src/core/interop/index.ts';
import { asStored, collector, interopFixture, interopFixtureBytes } from './interop-fixtures.ts';
import { contactFields, memoryStores } from './core-fixtures.ts';
import type { ContactFields } from '../src/core/records/records.ts';

const contactsOf = (name: string) => parseVcard(interopFixtureBytes(name)).items.map((item) => item.fields);

describe('vCard 2.1 from Outlook', () => {
  it('decodes Windows-1252 names and addresses by their CHARSET', () => {
    expect(contactsOf('outlook-contacts.vcf')[0]).toMatchObject({ givenName: 'Jürgen', familyName: 'Müller', addresses: [{ label: 'work', street: 'Marktstraße 5', locality: 'Berlin', postalCode: '10115', country: 'Deutschland' }] });
  });

  it('reads bare type parameters as labels', () => {
    expect(contactsOf('outlook-contacts.vcf')[0]!.phones).toEqual([
      { label: 'work', value: '+49 30 1234567' },
      { label: 'mobile', value: '+49 170 1234567' },
      { label: 'work fax', value: '+49 30 1234568' },
    ]);
  });

  it('decodes a quoted-printable note across its soft line break, with its line break as \\n', () => {
    expect(contactsOf('outlook-contacts.vcf')[0]!.notes).toBe('Termine bitte vormittags.\nRückruf über die Zentrale, Durchwahl 12.');
  });

  it('skips the BASE64 photo and the properties after it are still read', () => {
    const [juergen] = contactsOf('outlook-contacts.vcf');
    expect(JSON.stringify(juergen)).not.toMatch(/AAECAwQF/);
    expect(parseVcard(interopFixtureBytes('outlook-contacts.vcf'))).toMatchObject({ errors: [], warnings: [] });
  });
});

describe('vCard 2.1 from Android', () => {
  it('decodes names that are quoted-printable UTF-8 from end to end, soft line breaks included', () => {
    expect(contactsOf('android-contacts.vcf')[0]).toMatchObject({ givenName: 'Åse Kristin', familyName: 'Ødegård', displayName: '' });
  });

  it('decodes a quoted-printable address and a note with a line break', () => {
    const [ase] = contactsOf('android-contacts.vcf');
    expect(ase!.addresses).toEqual([{ label: 'work', street: 'Storgata 1', locality: 'Tromsø', region: '', postalCode: '9008', country: 'Norge' }]);
    expect(ase!.notes).toBe('Foretrekker timer før lunsj.\nHusk tolk ved førstegangskonsultasjon.');
  });

  it("keeps Android's own labels, written as X- types", () => {
    expect(contactsOf('android-contacts.vcf')[0]!.phones).toContainEqual({ label: 'Sykehus', value: '+47 23 07 00 00' });
  });

  it('reads the card after a BASE64 photo that ends with a blank line', () => {
    expect(contactsOf('android-contacts.vcf')[1]).toMatchObject({ givenName: 'Ola', familyName: 'Berg', phones: [{ label: 'work', value: '+47 55 00 00 00' }] });
  });
});

describe('vCard 2.1 with an AGENT', () => {
  it("skips the assistant's card nested under AGENT and keeps the rest of the outer card", () => {
    const file = ['BEGIN:VCARD', 'VERSION:2.1', 'N:Weber;Anna', 'AGENT:', 'BEGIN:VCARD', 'VERSION:2.1', 'N:Koch;Lena', 'TEL;WORK:+49 30 1111', 'END:VCARD', 'TEL;WORK:+49 30 2222', 'END:VCARD', ''].join('\r\n');
    expect(parseVcard(file)).toMatchObject({ items: [{ fields: { givenName: 'Anna', familyName: 'Weber', phones: [{ label: 'work', value: '+49 30 2222' }] } }], errors: [] });
  });
});

describe('vCard 3.0 from iOS', () => {
  it('unfolds a line folded inside a multi-byte character before decoding it', () => {
    const note = contactsOf('ios-contacts.vcf')[0]!.notes;
    expect(note).toBe('Pani Halina woli wizyty popołudniowe. Prosi o przypomnienie SMS dzień wcześniej; źródło: polecenie lekarza.');
    expect(note).not.toContain('\uFFFD');
  });

  it('labels a phone from its X-ABLabel and reads an address with a line break in the street', () => {
    const [patient] = contactsOf('ios-contacts.vcf');
    expect(patient!.phones).toEqual([{ label: 'mobile', value: '+48 601 234 567' }, { label: 'Rejestracja', value: '+48 22 123 45 67' }]);
    expect(patient!.addresses[0]).toMatchObject({ street: 'ul. Świętokrzyska 12\nm. 4', locality: 'Warszawa' });
  });

  it('gives U+FFFD for the split character when the same file is read as already-decoded text', () => {
    // The reason importers take bytes: a string decoded before unfolding has lost the character for good.
    expect(parseVcard(new TextDecoder().decode(interopFixtureBytes('ios-contacts.vcf'))).items[0]!.fields.notes).toContain('\uFFFD');
  });
});

describe("RFC 6350's own example card", () => {
  it('imports the whole contact', () => {
    expect(contactsOf('rfc6350-example.vcf')).toEqual([
      contactFields({
        givenName: 'Simon',
        familyName: 'Perreault',
        organisation: 'Viagenie',
        emails: [{ label: 'work', value: 'simon.perreault@viagenie.ca' }],
        phones: [
          { label: 'work', value: '+1-418-656-9254 x102' },
          { label: 'work mobile', value: '+1-418-262-6501' },
        ],
        addresses: [{ label: 'work', street: 'Suite D2-630\n2875 Laurier', locality: 'Quebec', region: 'QC', postalCode: 'G1V 2M2', country: 'Canada' }],
        birthday: '--02-03',
      }),
    ]);
  });

  it('is accepted by the contacts store, tel: URI extension included', async () => {
    const { contacts } = await memoryStores();
    expect(importVcard(contacts, interopFixture('rfc6350-example.vcf'))).toEqual({ imported: 1, errors: [], warnings: [] });
    expect(contacts.list()[0]!.phones[0]!.value).toBe('+1-418-656-9254 x102');
  });
});

describe('vCard import from a File', () => {
  it('imports the File a file picker gives, as a promise of the report', async () => {
    const target = collector<ContactFields>();
    const file = new File([interopFixtureBytes('android-contacts.vcf')], 'contacts.vcf', { type: 'text/vcard' });
    await expect(importVcard(target, file)).resolves.toEqual({ imported: 2, errors: [], warnings: [] });
    expect(target.written[0]!.familyName).toBe('Ødegård');
  });

  it('reads an ArrayBuffer and a UTF-8 BOM', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...interopFixtureBytes('ios-contacts.vcf')]);
    expect(parseVcard(bytes.buffer).items[0]!.fields.familyName).toBe('Żółkiewska');
  });

  it('reads a UTF-16 file by its BOM', () => {
    const text = interopFixture('rfc6350-example.vcf');
    const utf16 = new Uint8Array(2 + text.length * 2);
    utf16.set([0xff, 0xfe]);
    for (let index = 0; index < text.length; index++) utf16[2 + index * 2] = text.charCodeAt(index);
    expect(parseVcard(utf16).items[0]!.fields.familyName).toBe('Perreault');
  });
});

describe('vCard round trips', () => {
  const fixtures = ['outlook-contacts.vcf', 'android-contacts.vcf', 'ios-contacts.vcf', 'rfc6350-example.vcf', 'apple-contacts.vcf', 'google-contacts.vcf', 'vcard4.vcf'];

  it.each(fixtures.flatMap((name) => [[name, '4.0'] as const, [name, '3.0'] as const]))('gives back the contacts of %s through a vCard %s export', (name, version) => {
    const imported = contactsOf(name);
    const exported = exportVcard(
      imported.map((fields, index) => asStored(fields, index)),
      { version },
    );
    expect(parseVcard(exported).items.map((item) => item.fields)).toEqual(imported);
  });
});
