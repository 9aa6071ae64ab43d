/**
 * The name the contacts store shows when a contact has none of its own (contacts-store.ts derives it the same
 * way from the stored record). vCard's FN is this name on export, and an imported FN equal to it is not kept,
 * so that the store goes on deriving it when the names change.
 */
import type { ContactFields } from '../records/records.ts';

export function derivedDisplayName(fields: Pick<ContactFields, 'givenName' | 'familyName' | 'organisation' | 'emails' | 'phones'>): string {
  return `${fields.givenName} ${fields.familyName}`.trim() || fields.organisation || fields.emails[0]?.value || fields.phones[0]?.value || '';
}
