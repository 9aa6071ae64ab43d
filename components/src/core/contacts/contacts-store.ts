/** The contacts of an org, over its Yjs document, with search as you type. */
import type * as Y from 'yjs';
import { RecordStore, type SnapshotServing } from '../records/record-store.ts';
import { validateContactFields } from './contact-validation.ts';
import { readList, readNumber, readString, type RecordEntries } from '../records/record-map.ts';
import { ContactSearchIndex } from './contact-search.ts';
import { IdleBuiltIndex, inSteps } from '../records/idle-built-index.ts';
import { yieldToMainThread } from '../records/idle-work.ts';
import type { Contact, ContactFields, LabeledValue, PostalAddress } from '../records/records.ts';

/** What a list shows when a contact has no display name of its own. */
function derivedDisplayName(record: RecordEntries): string {
  const names = `${readString(record, 'givenName')} ${readString(record, 'familyName')}`.trim();
  return names || readString(record, 'organisation') || readList<LabeledValue>(record, 'emails')[0]?.value || readList<LabeledValue>(record, 'phones')[0]?.value || '';
}

export class ContactsStore extends RecordStore<ContactFields, Contact> {
  readonly #collator = new Intl.Collator(undefined, { sensitivity: 'base' });
  readonly #search = new IdleBuiltIndex(
    () => this.#buildSearchIndex(),
    (index, id) => index.update(id, this.get(id)),
  );

  constructor(doc: Y.Doc, snapshot?: SnapshotServing) {
    super(doc, 'contacts', 'contact', snapshot);
  }

  /** Contacts matching what has been typed so far, by display name; see contact-search.ts for what matches. */
  search(query: string): Contact[] {
    return this.#search.get().search(query).map((id) => this.get(id)!);
  }

  /** Builds the search index in idle slices, so that the first keystroke finds it ready; resolves once built. */
  indexWhenIdle(): Promise<void> {
    return this.#search.buildWhenIdle();
  }

  /**
   * Builds the search index now, in slices that yield to the main thread, materialising every contact on the way,
   * then sorts the list in a task of its own: a busy org's 10,000 contacts take 50–100 ms to sort, which the first
   * render (a list, or the calendar's birthdays) would otherwise add to its own.
   */
  async indexPromptly(): Promise<void> {
    await this.#search.buildPromptly();
    await yieldToMainThread();
    this.list();
    await yieldToMainThread();
  }

  override destroy(): void {
    this.#search.destroy();
    super.destroy();
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
    const record = this.entriesOf(contact.id);
    return { ...fields, displayName: record ? readString(record, 'displayName') : '' };
  }

  protected override materialise(id: string, record: RecordEntries): Contact {
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

  protected override compare(a: Contact, b: Contact): number {
    return this.#collator.compare(a.displayName, b.displayName) || (a.id < b.id ? -1 : 1);
  }

  /**
   * Indexes every contact through the cache of materialised contacts: a search returns contacts, not ids, so
   * the first keystroke, which matches most of them, would otherwise materialise them all.
   */
  *#buildSearchIndex(): Generator<void, ContactSearchIndex> {
    const index = new ContactSearchIndex();
    // Contacts added meanwhile reach the index as changes.
    yield* inSteps([...this.ids()], (id) => {
      const contact = this.get(id);
      if (contact) index.add(contact);
    });
    index.sort();
    return index;
  }

  protected override reindex(ids: readonly string[]): void {
    this.#search.recordsChanged(ids);
  }
}
