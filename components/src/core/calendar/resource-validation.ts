/** Validation of resources (practitioners, rooms, equipment) at the store boundary. */
import { ValidationError } from '../records/validation-error.ts';
import { RECORD_LIMITS } from '../records/record-limits.ts';
import { checkObject, checkString } from '../records/field-checks.ts';
import type { ResourceFields, ResourceKind } from '../records/records.ts';

export const RESOURCE_KINDS: readonly ResourceKind[] = ['practitioner', 'room', 'equipment'];

const COLOR_PATTERN = /^#[0-9a-f]{6}$/i;

export function checkResourceKind(field: string, value: unknown): ResourceKind {
  if (!RESOURCE_KINDS.includes(value as ResourceKind)) throw new ValidationError(field, { code: 'NOT_ONE_OF', allowed: RESOURCE_KINDS });
  return value as ResourceKind;
}

/** A complete, trusted copy of a resource's fields, or a ValidationError for the first bad field. */
export function validateResourceFields(input: unknown): ResourceFields {
  const object = checkObject('resource', input);
  const name = checkString('name', object.name, RECORD_LIMITS.shortText, { required: true });
  const kind = checkResourceKind('kind', object.kind);
  const color = checkString('color', object.color, 7);
  if (!COLOR_PATTERN.test(color)) throw new ValidationError('color', { code: 'NOT_A_COLOUR' });
  return { name, kind, color: color.toLowerCase() };
}
