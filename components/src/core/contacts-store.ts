/** The contacts of an org, over its Yjs document, with search as you type. */
import type * as Y from 'yjs';
import { RecordStore } from './record-store.ts';
import { validateContactFields } from './contact-validation.ts';
import { readList, readNumber, readString } from './record-map.ts';
import { ContactSearchIndex, type SearchableContact } from './contact-search.ts';
import type { Contact, ContactFields, LabeledValue, PostalAddress } from './records.ts';

/** What a list shows when a contact has no display name of its own. */
function derivedDisplayName(record: Y.Map<unknown>): string {
  const names = `${readString(record, 'givenName')} ${readString(record, 'familyName')}`.trim();
  return names || readString(record, 'organisation') || readList<LabeledValue>(record, 'emails')[0]?.value || readList<LabeledValue>(record, 'phones')[0]?.value || '';
}

export class ContactsStore extends RecordStore<ContactFields, Contact> {
  #search: ContactSearchIndex | undefined;

  constructor(doc: Y.Doc) {
    super(doc, 'contacts', 'contact');
  }

  /** Contacts matching what has been typed so far, by display name; see contact-search.ts for what matches. */
  search(query: string): Contact[] {
    this.#search ??= new ContactSearchIndex(this.#searchables());
    return this.#search.search(query).map((id) => this.get(id)!);
  }

  protected override validate(input: unknown): ContactFields {
    return validateContactFields(input);
  }

  protected override toEntries(fields: ContactFields): Record<string, unknown> {
    return { ...fields, birthday: fields.birthday };
  }

  protected override fieldsOf(contact: Contact): ContactFields {
    const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...fields } = contact;
    // The stored name, not the derived one shown in lists, so that an update keeps deriving it.
    const record = this.records.get(contact.id);
    return { ...fields, displayName: record ? readString(record, 'displayName') : '' };
  }

  protected override materialise(id: string, record: Y.Map<unknown>): Contact {
    const contact: Contact = {
      id,
      givenName: readString(record, 'givenName'),
      familyName: readString(record, 'familyName'),
      displayName: readString(record, 'displayName') || derivedDisplayName(record),
      organisation: readString(record, 'organisation'),
      emails: readList<LabeledValue>(record, 'emails'),
      phones: readList<LabeledValue>(record, 'phones'),
      addresses: readList<PostalAddress>(record, 'addresses'),
      notes: readString(record, 'notes'),
      tags: readList<string>(record, 'tags'),
      createdAt: readNumber(record, 'createdAt'),
      updatedAt: readNumber(record, 'updatedAt'),
    };
    const birthday = readString(record, 'birthday');
    if (birthday) contact.birthday = birthday;
    return contact;
  }

  protected override sort(contacts: Contact[]): Contact[] {
    const collator = new Intl.Collator(undefined, { sensitivity: 'base' });
    return contacts.sort((a, b) => collator.compare(a.displayName, b.displayName) || (a.id < b.id ? -1 : 1));
  }

  *#searchables(): Generator<SearchableContact> {
    for (const [id, record] of this.records.entries()) {
      yield {
        id,
        displayName: readString(record, 'displayName') || derivedDisplayName(record),
        givenName: readString(record, 'givenName'),
        familyName: readString(record, 'familyName'),
        organisation: readString(record, 'organisation'),
        emails: readList<LabeledValue>(record, 'emails'),
        phones: readList<LabeledValue>(record, 'phones'),
        tags: readList<string>(record, 'tags'),
      };
    }
  }

  protected override reindex(ids: readonly string[]): void {
    if (!this.#search) return;
    for (const id of ids) this.#search.update(id, this.get(id));
  }
}
