/**
 * Merging two contacts into one, field by field: for each single-valued field the person picks which contact's
 * value survives; lists (emails, phones, addresses, tags) are joined without repeats. Appointments that had the
 * removed contact as an attendee point at the survivor afterwards. Everything happens in one document
 * transaction, so other devices receive the merge whole or not at all.
 */
import type * as Y from 'yjs';
import type { ContactsStore } from './contacts-store.ts';
import type { EventsStore } from '../calendar/events-store.ts';
import { derivedDisplayName } from '../interop/derived-display-name.ts';
import { RecordNotFoundError } from '../records/record-not-found-error.ts';
import type { Contact, ContactFields } from '../records/records.ts';

/** The fields a merge asks about: one value or the other survives. */
export const MERGE_CHOICE_FIELDS = ['givenName', 'familyName', 'displayName', 'organisation', 'birthday', 'notes'] as const;
export type MergeChoiceField = (typeof MERGE_CHOICE_FIELDS)[number];
/** The fields a merge joins: both contacts' items, without repeats. */
export const MERGE_JOINED_FIELDS = ['emails', 'phones', 'addresses', 'tags'] as const;

/** Which contact each single-valued field comes from. */
export type MergeChoices = Record<MergeChoiceField, 'survivor' | 'other'>;

/** The default choices: the survivor's value unless it is empty and the other's is not. */
export function defaultMergeChoices(survivor: Contact, other: Contact): MergeChoices {
  const choices = {} as MergeChoices;
  for (const field of MERGE_CHOICE_FIELDS) choices[field] = isEmpty(survivor[field]) && !isEmpty(other[field]) ? 'other' : 'survivor';
  return choices;
}

const isEmpty = (value: string | undefined) => value === undefined || value.trim() === '';

function joinUnique<T>(first: readonly T[], second: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set(first.map(keyOf));
  return [...first, ...second.filter((item) => !seen.has(keyOf(item)) && seen.add(keyOf(item)))];
}

/** The survivor's fields after the merge, without writing anything: what the merge dialog previews. */
export function mergedFields(survivor: Contact, other: Contact, choices: MergeChoices): ContactFields {
  const pick = <K extends MergeChoiceField>(field: K) => (choices[field] === 'other' ? other[field] : survivor[field]);
  const fields: ContactFields = {
    givenName: pick('givenName'),
    familyName: pick('familyName'),
    // A derived display name would otherwise be stored as if typed; the stored one is what the choice is about.
    displayName: pick('displayName'),
    organisation: pick('organisation'),
    notes: pick('notes'),
    emails: joinUnique(survivor.emails, other.emails, (email) => email.value.trim().toLowerCase()),
    phones: joinUnique(survivor.phones, other.phones, (phone) => phone.value.replace(/\D/g, '')),
    addresses: joinUnique(survivor.addresses, other.addresses, (address) => JSON.stringify(address)),
    tags: joinUnique(survivor.tags, other.tags, (tag) => tag.toLowerCase()),
  };
  const birthday = pick('birthday');
  if (birthday !== undefined) fields.birthday = birthday;
  return fields;
}

export interface MergeStores {
  doc: Y.Doc;
  contacts: ContactsStore;
  events: EventsStore;
}

/**
 * Merges `otherId` into `survivorId`: writes the chosen fields to the survivor, moves the other's appointments to
 * it, and removes the other. Throws a ValidationError (nothing written) if the merged contact would be invalid.
 */
export function mergeContacts(stores: MergeStores, survivorId: string, otherId: string, choices: MergeChoices): Contact {
  const { doc, contacts, events } = stores;
  const survivor = contacts.get(survivorId);
  const other = contacts.get(otherId);
  if (!survivor) throw new RecordNotFoundError('contact', survivorId);
  if (!other) throw new RecordNotFoundError('contact', otherId);
  const fields = mergedFields(survivor, other, choices);
  // A display name its contact only derived is not stored, so that it goes on following the merged names.
  const displayNameSource = choices.displayName === 'other' ? other : survivor;
  if (displayNameSource.displayName === derivedDisplayName(displayNameSource)) fields.displayName = '';
  doc.transact(() => {
    contacts.update(survivorId, fields);
    for (const event of events.list()) {
      if (!event.attendees.includes(otherId)) continue;
      const attendees = [...new Set(event.attendees.map((id) => (id === otherId ? survivorId : id)))];
      events.update(event.id, { attendees });
    }
    contacts.remove(otherId);
  });
  return contacts.get(survivorId)!;
}
