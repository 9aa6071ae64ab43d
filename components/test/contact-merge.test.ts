import { describe, expect, it } from 'vitest';
import { defaultMergeChoices, mergeContacts } from '../src/core/contacts/contact-merge.ts';
import { ValidationError } from '../src/core/records/validation-error.ts';
import { RECORD_LIMITS } from '../src/core/records/record-limits.ts';
import { contactFields, eventFields, memoryStores } from './core-fixtures.ts';

async function twoContacts() {
  const stores = await memoryStores();
  const survivor = stores.contacts.create(
    contactFields({ givenName: 'Ada', familyName: 'Lovelace', organisation: '', emails: [{ label: 'work', value: 'ada@example.org' }], tags: ['VIP'] }),
  );
  const other = stores.contacts.create(
    contactFields({
      givenName: 'Ada',
      familyName: 'Lovelace-King',
      organisation: 'Analytical Engines',
      birthday: '1815-12-10',
      emails: [{ label: 'home', value: 'ADA@example.org' }, { label: 'home', value: 'countess@example.org' }],
      phones: [{ label: 'mobile', value: '+44 20 7946 0000' }],
      tags: ['vip', 'Maths'],
    }),
  );
  return { stores, survivor, other };
}

describe('merging two contacts', () => {
  it('keeps the survivor’s values by default, taking the other’s where the survivor has none', async () => {
    const { survivor, other } = await twoContacts();
    const choices = defaultMergeChoices(survivor, other);
    expect(choices).toMatchObject({ familyName: 'survivor', organisation: 'other', birthday: 'other', notes: 'survivor' });
  });

  it('writes the chosen fields and joins lists without repeats', async () => {
    const { stores, survivor, other } = await twoContacts();
    const merged = mergeContacts(stores, survivor.id, other.id, { ...defaultMergeChoices(survivor, other), familyName: 'other' });
    expect(merged).toMatchObject({
      id: survivor.id,
      familyName: 'Lovelace-King',
      displayName: 'Ada Lovelace-King',
      organisation: 'Analytical Engines',
      birthday: '1815-12-10',
      tags: ['VIP', 'Maths'],
      phones: [{ label: 'mobile', value: '+44 20 7946 0000' }],
    });
    expect(merged.emails.map((email) => email.value)).toEqual(['ada@example.org', 'countess@example.org']);
    expect(stores.contacts.get(other.id)).toBeUndefined();
  });

  it('points the other’s appointments at the survivor, once', async () => {
    const { stores, survivor, other } = await twoContacts();
    const third = stores.contacts.create(contactFields({ givenName: 'Charles', familyName: 'Babbage' }));
    const both = stores.events.create(eventFields({ attendees: [survivor.id, other.id] }));
    const onlyOther = stores.events.create(eventFields({ attendees: [third.id, other.id] }));
    const unrelated = stores.events.create(eventFields({ attendees: [third.id] }));
    mergeContacts(stores, survivor.id, other.id, defaultMergeChoices(survivor, other));
    expect(stores.events.get(both.id)!.attendees).toEqual([survivor.id]);
    expect(stores.events.get(onlyOther.id)!.attendees).toEqual([third.id, survivor.id]);
    expect(stores.events.get(unrelated.id)!.updatedAt).toBe(unrelated.updatedAt);
  });

  it('reaches other devices as one update', async () => {
    const { stores, survivor, other } = await twoContacts();
    stores.events.create(eventFields({ attendees: [other.id] }));
    const updates: Uint8Array[] = [];
    stores.doc.on('update', (update: Uint8Array) => updates.push(update));
    mergeContacts(stores, survivor.id, other.id, defaultMergeChoices(survivor, other));
    expect(updates).toHaveLength(1);
  });

  it('writes nothing when the merged contact would be invalid', async () => {
    const stores = await memoryStores();
    const emails = (prefix: string) => Array.from({ length: RECORD_LIMITS.listItems }, (_, index) => ({ label: '', value: `${prefix}${index}@example.org` }));
    const survivor = stores.contacts.create(contactFields({ emails: emails('a') }));
    const other = stores.contacts.create(contactFields({ emails: emails('b') }));
    const appointment = stores.events.create(eventFields({ attendees: [other.id] }));
    expect(() => mergeContacts(stores, survivor.id, other.id, defaultMergeChoices(survivor, other))).toThrow(ValidationError);
    expect(stores.contacts.get(other.id)).toEqual(other);
    expect(stores.contacts.get(survivor.id)).toEqual(survivor);
    expect(stores.events.get(appointment.id)!.attendees).toEqual([other.id]);
  });
});
