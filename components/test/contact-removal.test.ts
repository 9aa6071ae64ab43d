import { describe, expect, it } from 'vitest';
import { removeContacts } from '../src/core/contacts/contact-removal.ts';
import { contactFields, eventFields, memoryStores, syncDocs } from './core-fixtures.ts';

describe('removing contacts with an undo', () => {
  it('removes the contacts and restores the same records on undo', async () => {
    const stores = await memoryStores();
    const ada = stores.contacts.create(contactFields({ givenName: 'Ada' }));
    const grace = stores.contacts.create(contactFields({ givenName: 'Grace' }));
    const appointment = stores.events.create(eventFields({ attendees: [ada.id] }));
    const removal = removeContacts(stores, [ada.id, grace.id, 'gone-elsewhere']);
    expect(removal.removed).toBe(2);
    expect(stores.contacts.list()).toEqual([]);
    removal.undo();
    expect(stores.contacts.get(ada.id)).toEqual(ada);
    expect(stores.contacts.get(grace.id)).toEqual(grace);
    expect(stores.events.get(appointment.id)!.attendees).toEqual([ada.id]);
  });

  it('leaves edits made after the removal in place when undoing it', async () => {
    const stores = await memoryStores();
    const ada = stores.contacts.create(contactFields({ givenName: 'Ada' }));
    const grace = stores.contacts.create(contactFields({ givenName: 'Grace' }));
    const removal = removeContacts(stores, [ada.id]);
    stores.contacts.update(grace.id, { notes: 'called back' });
    const created = stores.contacts.create(contactFields({ givenName: 'Hedy' }));
    removal.undo();
    expect(stores.contacts.get(grace.id)!.notes).toBe('called back');
    expect(stores.contacts.get(created.id)).toBeDefined();
    expect(stores.contacts.get(ada.id)).toBeDefined();
  });

  it('reaches other devices, and so does its undo', async () => {
    const here = await memoryStores();
    const there = await memoryStores();
    const ada = here.contacts.create(contactFields({ givenName: 'Ada' }));
    syncDocs(here.doc, there.doc);
    const removal = removeContacts(here, [ada.id]);
    syncDocs(here.doc, there.doc);
    expect(there.contacts.get(ada.id)).toBeUndefined();
    removal.undo();
    syncDocs(here.doc, there.doc);
    expect(there.contacts.get(ada.id)).toEqual(ada);
  });

  it('does nothing once disposed', async () => {
    const stores = await memoryStores();
    const ada = stores.contacts.create(contactFields({ givenName: 'Ada' }));
    const removal = removeContacts(stores, [ada.id]);
    removal.dispose();
    removal.undo();
    expect(stores.contacts.get(ada.id)).toBeUndefined();
  });
});
