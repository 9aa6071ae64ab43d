import { beforeAll, describe, expect, it } from 'vitest';
import { errorText, importReasonText, refusalText, syncProblemText } from './core-reasons.ts';
import { loadMessages } from './messages.ts';
import { ValidationError, type ValidationReason } from '../../core/records/validation-error.ts';
import { RecordNotFoundError } from '../../core/records/record-not-found-error.ts';
import { OrgRegistryError } from '../../core/org/org-registry.ts';
import { importVcard } from '../../core/interop/vcard-import.ts';
import { importIcs } from '../../core/interop/ics-import.ts';
import { validateContactFields } from '../../core/contacts/contact-validation.ts';
import type { ImportIssue } from '../../core/interop/import-report.ts';

/** The ValidationError the core's own contact validation throws for these fields. */
function contactRefusal(fields: Record<string, unknown>): ValidationError {
  try {
    validateContactFields(fields);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('the contact was accepted');
}

/** The issues of importing a file into a store that accepts everything the core's contact validation accepts. */
const vcardIssues = (text: string) => importVcard({ create: validateContactFields }, text);

describe('the core’s reasons, in the person’s language', () => {
  beforeAll(() => Promise.all([loadMessages('de'), loadMessages('ar')]));

  it('words a refused email with the field as the form labels it, in English, German and Arabic', () => {
    const refused = contactRefusal({ givenName: 'Ada', emails: [{ label: 'work', value: 'not an address' }] });
    expect(errorText('en-GB', refused)).toBe('Email 1 is not an email address.');
    expect(errorText('de-DE', refused)).toBe('E-Mail 1 ist keine E-Mail-Adresse.');
    expect(errorText('ar-EG', refused)).toBe('البريد ١ ليس عنوان بريد إلكتروني.');
  });

  it('counts a limit in the plural form the language needs', () => {
    const tooLong = (max: number): ValidationReason => ({ code: 'TOO_LONG', max });
    expect(refusalText('en-GB', 'title', tooLong(1))).toBe('Title may have at most 1 character.');
    expect(refusalText('en-GB', 'title', tooLong(500))).toBe('Title may have at most 500 characters.');
    expect(refusalText('ar-EG', 'title', tooLong(2))).toContain('حرفين');
    expect(refusalText('ar-EG', 'title', tooLong(5))).toContain('٥ أحرف');
  });

  it('words an import refusal and what was left out of an imported card, in German and Arabic', () => {
    const report = vcardIssues(
      ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Staff', 'KIND:group', 'END:VCARD', 'BEGIN:VCARD', 'VERSION:3.0', 'FN:Bea Bad', 'EMAIL:nowhere', 'BDAY:1990-02-30', 'END:VCARD'].join('\r\n'),
    );
    const [group] = report.errors;
    expect(importReasonText('de-DE', group!)).toBe('Die Karte ist eine Kontaktgruppe; P2P Clinic speichert keine Gruppen.');
    expect(importReasonText('ar-EG', group!)).toBe('البطاقة مجموعة جهات اتصال، وP2P Clinic لا يحفظ المجموعات.');
    expect(report.warnings.map((issue) => importReasonText('de-DE', issue))).toEqual([
      'BDAY „1990-02-30“ ist kein Datum.',
      'E-Mail 1 ist keine E-Mail-Adresse. „nowhere“ wurde weggelassen.',
    ]);
  });

  it('words an iCalendar refusal with the file’s own names and values as they are', () => {
    const { errors } = importIcs({ create: () => undefined }, ['BEGIN:VCALENDAR', 'BEGIN:VTODO', 'UID:t', 'END:VTODO', 'END:VCALENDAR'].join('\r\n'));
    expect(errors.map((issue) => importReasonText('en-GB', issue))).toEqual(['A VTODO is not an event; only events (VEVENT) are imported.']);
    expect(errors.map((issue) => importReasonText('de-DE', issue))).toEqual(['Ein VTODO ist kein Termin; nur Termine (VEVENT) werden importiert.']);
  });

  it('says an error with a code in words, and anything else as a generic sentence with its details', () => {
    expect(errorText('de-DE', new RecordNotFoundError('contact', 'c1'))).toBe('Er wurde gelöscht, vielleicht auf einem anderen Gerät.');
    expect(errorText('en-GB', new OrgRegistryError('DEFAULT_ORG_CANNOT_BE_LEFT', 'The Personal org belongs to this device and cannot be left.'))).toBe(
      'Personal belongs to this device and cannot be left.',
    );
    expect(errorText('de-DE', new Error('QuotaExceededError: the disk is full'))).toBe('Etwas ist schiefgegangen. Details: QuotaExceededError: the disk is full');
  });

  it('never shows a reason the table does not word as the core’s own sentence, only as details', () => {
    const fromANewerCore = { code: 'NOT_A_FAX_NUMBER', digits: 3 } as unknown as ValidationReason;
    expect(refusalText('de-DE', 'phones.0.value', fromANewerCore)).toBe('Telefon 1 wurde abgelehnt. Details: NOT_A_FAX_NUMBER {"digits":3}');
    const issue = { code: 'UNSUPPORTED', reason: { code: 'A_VJOURNAL_OF_FEELINGS' } } as unknown as ImportIssue;
    expect(importReasonText('en-GB', issue)).toBe('This item was not imported. Details: A_VJOURNAL_OF_FEELINGS');
  });

  it('words the last sync problem without the layer’s own words', () => {
    expect(syncProblemText('de-DE', { code: 'RELAY_UNREACHABLE', detail: 'Failed to fetch' })).toBe(
      'Das Relay war nicht erreichbar. Änderungen warten auf diesem Gerät und werden gesendet, sobald es erreichbar ist.',
    );
  });
});
