/** Small factories for the client core's tests. */
import { ValidationError } from '../src/core/records/validation-error.ts';
import * as Y from 'yjs';
import { attachStores } from '../src/core/org/org-session.ts';
import type { ContactFields, EventFields, ResourceFields } from '../src/core/records/records.ts';

export function contactFields(overrides: Partial<ContactFields> = {}): ContactFields {
  return {
    givenName: 'Ada',
    familyName: 'Lovelace',
    displayName: '',
    organisation: '',
    emails: [],
    phones: [],
    addresses: [],
    notes: '',
    tags: [],
    ...overrides,
  };
}

export function eventFields(overrides: Partial<EventFields> = {}): EventFields {
  return {
    title: 'Check-up',
    start: '2024-05-06T09:00:00',
    end: '2024-05-06T09:30:00',
    allDay: false,
    timeZone: 'Europe/Berlin',
    location: '',
    notes: '',
    attendees: [],
    reminders: [],
    resources: [],
    status: 'booked',
    category: '',
    ...overrides,
  };
}

export function resourceFields(overrides: Partial<ResourceFields> = {}): ResourceFields {
  return { name: 'Dr Okafor', kind: 'practitioner', color: '#1f6feb', ...overrides };
}

export function weekly(rrule: string, extra: Partial<NonNullable<EventFields['recurrence']>> = {}): EventFields['recurrence'] {
  return { rrule, exdates: [], rdates: [], overrides: [], ...extra };
}

/** Stores over a fresh in-memory document. */
export function memoryStores(doc = new Y.Doc()) {
  return attachStores(doc);
}

/** Sends every update of `from` that `to` lacks, as a sync provider would. */
export function syncDocs(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

export const utc = (iso: string) => Date.parse(iso);

/** The ValidationError a write is refused with; fails the test when the write is accepted. */
export function refusal(write: () => unknown): ValidationError {
  try {
    write();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('the write was accepted');
}
