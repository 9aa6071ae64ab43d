/**
 * One record as a nested Y.Map: one entry per field, entries equal to their default left out (see
 * org-document.ts for why). Values read back are frozen because Yjs hands out the very arrays it stores.
 */
import type * as Y from 'yjs';

/** A record's entries as the stores read them: a nested Y.Map, or the same entries in a records snapshot. */
export interface RecordEntries {
  get(key: string): unknown;
}

/** Whether a value is its field's default, which is stored as an absent entry. */
export function isDefault(value: unknown): boolean {
  return value === undefined || value === '' || value === false || (Array.isArray(value) && value.length === 0);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}

/** Writes the given fields, touching only those that change, so an edit never overwrites a field it did not change. */
export function writeFields(record: Y.Map<unknown>, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (isDefault(value)) {
      if (record.has(key)) record.delete(key);
    } else if (!sameValue(record.get(key), value)) {
      record.set(key, value);
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export const readString = (record: RecordEntries, key: string): string => {
  const value = record.get(key);
  return typeof value === 'string' ? value : '';
};

export const readNumber = (record: RecordEntries, key: string): number => {
  const value = record.get(key);
  return typeof value === 'number' ? value : 0;
};

export const readList = <T>(record: RecordEntries, key: string): T[] => {
  const value = record.get(key);
  return Array.isArray(value) ? deepFreeze(value as T[]) : [];
};
