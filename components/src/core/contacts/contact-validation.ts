/** Validation of contacts at the store boundary. */
import { ValidationError } from '../records/validation-error.ts';
import { RECORD_LIMITS } from '../records/record-limits.ts';
import { parseLocalDate } from '../calendar/wall-clock-time.ts';
import { checkLabeledValue, checkList, checkObject, checkString, checkStringList } from '../records/field-checks.ts';
import type { ContactFields, PostalAddress } from '../records/records.ts';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;
const PHONE_PATTERN = /^[0-9+()\-./\s#*pwx;,]+$/i;
const BIRTHDAY_WITHOUT_YEAR = /^--(\d{2})-(\d{2})$/;

function checkAddress(field: string, value: unknown): PostalAddress {
  const object = checkObject(field, value);
  const line = (key: keyof PostalAddress) => checkString(`${field}.${key}`, object[key] ?? '', RECORD_LIMITS.mediumText);
  return { label: line('label'), street: line('street'), locality: line('locality'), region: line('region'), postalCode: line('postalCode'), country: line('country') };
}

function checkBirthday(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const birthday = checkString('birthday', value, 10);
  const withoutYear = BIRTHDAY_WITHOUT_YEAR.exec(birthday);
  // Any leap year accepts every month-day pair, so 2000 checks a yearless birthday such as --02-29.
  const valid = withoutYear ? parseLocalDate(`2000-${withoutYear[1]}-${withoutYear[2]}`) !== undefined : parseLocalDate(birthday) !== undefined;
  if (!valid) throw new ValidationError('birthday', { code: 'NOT_A_BIRTHDAY' });
  return birthday;
}

/** A complete, trusted copy of a contact's fields, or a ValidationError for the first bad field. */
export function validateContactFields(input: unknown): ContactFields {
  const object = checkObject('contact', input);
  const emails = checkList('emails', object.emails ?? [], RECORD_LIMITS.listItems, checkLabeledValue);
  emails.forEach((email, index) => {
    if (!EMAIL_PATTERN.test(email.value)) throw new ValidationError(`emails.${index}.value`, { code: 'NOT_AN_EMAIL' });
  });
  const phones = checkList('phones', object.phones ?? [], RECORD_LIMITS.listItems, checkLabeledValue);
  phones.forEach((phone, index) => {
    if (!PHONE_PATTERN.test(phone.value)) throw new ValidationError(`phones.${index}.value`, { code: 'NOT_A_PHONE' });
  });
  const fields: ContactFields = {
    givenName: checkString('givenName', object.givenName ?? '', RECORD_LIMITS.shortText),
    familyName: checkString('familyName', object.familyName ?? '', RECORD_LIMITS.shortText),
    displayName: checkString('displayName', object.displayName ?? '', RECORD_LIMITS.shortText),
    organisation: checkString('organisation', object.organisation ?? '', RECORD_LIMITS.shortText),
    emails,
    phones,
    addresses: checkList('addresses', object.addresses ?? [], RECORD_LIMITS.listItems, checkAddress),
    notes: checkString('notes', object.notes ?? '', RECORD_LIMITS.notes),
    tags: checkStringList('tags', object.tags ?? [], RECORD_LIMITS.listItems, RECORD_LIMITS.shortText),
  };
  const birthday = checkBirthday(object.birthday);
  if (birthday !== undefined) fields.birthday = birthday;
  if (![fields.givenName, fields.familyName, fields.displayName, fields.organisation].some((name) => name.trim() !== '') && emails.length === 0 && phones.length === 0) {
    throw new ValidationError('displayName', { code: 'NO_NAME' });
  }
  return fields;
}
