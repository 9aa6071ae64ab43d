/**
 * Checks of single fields at the store boundary. Each returns a fresh, trusted value or throws a ValidationError
 * naming the field, so callers never store an object the caller still holds.
 */
import { ValidationError } from './validation-error.ts';
import { RECORD_LIMITS } from './record-limits.ts';
import type { LabeledValue } from './records.ts';

export function checkObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError(field, { code: 'NOT_AN_OBJECT' });
  return value as Record<string, unknown>;
}

export function checkString(field: string, value: unknown, maxLength: number, options: { required?: boolean } = {}): string {
  if (typeof value !== 'string') throw new ValidationError(field, { code: 'NOT_A_STRING' });
  if (value.length > maxLength) throw new ValidationError(field, { code: 'TOO_LONG', max: maxLength });
  if (options.required && value.trim() === '') throw new ValidationError(field, { code: 'EMPTY' });
  return value;
}

export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(field, { code: 'NOT_TRUE_OR_FALSE' });
  return value;
}

export function checkList<T>(field: string, value: unknown, maxItems: number, checkItem: (field: string, item: unknown) => T): T[] {
  if (!Array.isArray(value)) throw new ValidationError(field, { code: 'NOT_A_LIST' });
  if (value.length > maxItems) throw new ValidationError(field, { code: 'TOO_MANY_ITEMS', max: maxItems });
  return value.map((item, index) => checkItem(`${field}.${index}`, item));
}

export function checkStringList(field: string, value: unknown, maxItems: number, maxLength: number): string[] {
  return checkList(field, value, maxItems, (itemField, item) => checkString(itemField, item, maxLength, { required: true }));
}

export function checkLabeledValue(field: string, value: unknown): LabeledValue {
  const object = checkObject(field, value);
  return {
    label: checkString(`${field}.label`, object.label ?? '', RECORD_LIMITS.shortText),
    value: checkString(`${field}.value`, object.value, RECORD_LIMITS.shortText, { required: true }),
  };
}

export function checkIntegerInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ValidationError(field, { code: 'NOT_A_WHOLE_NUMBER' });
  if (value < min || value > max) throw new ValidationError(field, { code: 'OUT_OF_RANGE', min, max });
  return value;
}
