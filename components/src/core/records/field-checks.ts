/**
 * Checks of single fields at the store boundary. Each returns a fresh, trusted value or throws a ValidationError
 * naming the field, so callers never store an object the caller still holds.
 */
import { ValidationError } from './validation-error.ts';
import { RECORD_LIMITS } from './record-limits.ts';
import type { LabeledValue } from './records.ts';

export function checkObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError(field, 'must be an object');
  return value as Record<string, unknown>;
}

export function checkString(field: string, value: unknown, maxLength: number, options: { required?: boolean } = {}): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'must be a string');
  if (value.length > maxLength) throw new ValidationError(field, `must be at most ${maxLength} characters`);
  if (options.required && value.trim() === '') throw new ValidationError(field, 'must not be empty');
  return value;
}

export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(field, 'must be true or false');
  return value;
}

export function checkList<T>(field: string, value: unknown, maxItems: number, checkItem: (field: string, item: unknown) => T): T[] {
  if (!Array.isArray(value)) throw new ValidationError(field, 'must be a list');
  if (value.length > maxItems) throw new ValidationError(field, `must have at most ${maxItems} items`);
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
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ValidationError(field, 'must be a whole number');
  if (value < min || value > max) throw new ValidationError(field, `must be between ${min} and ${max}`);
  return value;
}
