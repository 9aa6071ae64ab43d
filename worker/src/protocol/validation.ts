import { ProtocolError } from './errors.ts';

/** Boundary checks shared by every payload parser: each failure names the field and the reason. */

export type JsonObject = Record<string, unknown>;

export function expectObject(value: unknown, what = 'body'): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('INVALID_INPUT', `${what} must be a JSON object`);
  }
  return value as JsonObject;
}

/** One WebSocket text frame as a JSON object. */
export function parseJsonMessage(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProtocolError('INVALID_JSON', 'message is not valid JSON');
  }
  return expectObject(parsed, 'message');
}

export interface StringRule {
  minLength?: number;
  maxLength?: number;
  /** Length in UTF-8 bytes rather than UTF-16 code units. */
  maxBytes?: number;
  pattern?: RegExp;
  patternHint?: string;
}

export function expectString(obj: JsonObject, field: string, rule: StringRule = {}): string {
  const value = obj[field];
  if (value === undefined) throw new ProtocolError('INVALID_INPUT', `${field} is required`);
  if (typeof value !== 'string') throw new ProtocolError('INVALID_INPUT', `${field} must be a string`);
  if (rule.minLength !== undefined && value.length < rule.minLength) {
    throw new ProtocolError('INVALID_INPUT', `${field} must be at least ${rule.minLength} characters`);
  }
  if (rule.maxLength !== undefined && value.length > rule.maxLength) {
    throw new ProtocolError('INVALID_INPUT', `${field} must be at most ${rule.maxLength} characters`);
  }
  if (rule.maxBytes !== undefined && utf8Length(value) > rule.maxBytes) {
    throw new ProtocolError('INVALID_INPUT', `${field} must be at most ${rule.maxBytes} bytes`);
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    throw new ProtocolError('INVALID_INPUT', `${field} ${rule.patternHint ?? 'has an invalid format'}`);
  }
  return value;
}

export function optionalString(obj: JsonObject, field: string, rule: StringRule = {}): string | undefined {
  return obj[field] === undefined ? undefined : expectString(obj, field, rule);
}

export function expectInteger(obj: JsonObject, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = obj[field];
  if (value === undefined) throw new ProtocolError('INVALID_INPUT', `${field} is required`);
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ProtocolError('INVALID_INPUT', `${field} must be an integer`);
  }
  if (value < min || value > max) throw new ProtocolError('INVALID_INPUT', `${field} must be between ${min} and ${max}`);
  return value;
}

/** Parses an integer from a query string parameter. */
export function parseIntegerParam(raw: string | null, field: string, fallback: number, min: number, max: number): number {
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,16}$/.test(raw)) throw new ProtocolError('INVALID_INPUT', `${field} must be a non-negative integer`);
  return expectInteger({ [field]: Number(raw) }, field, min, max);
}

export function expectArray(obj: JsonObject, field: string, maxItems: number): unknown[] {
  const value = obj[field];
  if (!Array.isArray(value)) throw new ProtocolError('INVALID_INPUT', `${field} must be an array`);
  if (value.length > maxItems) throw new ProtocolError('PAYLOAD_TOO_LARGE', `${field} has more than ${maxItems} items`);
  return value;
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

/** A WebSocket frame's size in bytes as sent: a text frame is UTF-8, so `length` (UTF-16 code units) undercounts it. */
export function frameByteLength(frame: string | ArrayBuffer): number {
  return typeof frame === 'string' ? utf8Length(frame) : frame.byteLength;
}

/**
 * Whether a frame is larger than `limit` bytes, without encoding a text frame that cannot be: a UTF-16 code unit is
 * at most three bytes of UTF-8, so text of up to a third of the limit in length always fits.
 */
export function frameExceeds(frame: string | ArrayBuffer, limit: number): boolean {
  if (typeof frame === 'string' && frame.length * 3 <= limit) return false;
  return frameByteLength(frame) > limit;
}

export const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;
