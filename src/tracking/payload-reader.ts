/**
 * Defensive readers for provider JSON. Webhook bodies are hostile input: any field may be missing, null, an
 * array or the wrong type, and keys such as "constructor" must never resolve to inherited properties.
 * Every reader either returns a typed value or throws TrackingPayloadError naming the field path.
 */
import { malformed } from './tracking-payload.error';

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own properties only, so `{}` never yields Object.prototype members for keys like "toString". */
export function field(obj: JsonRecord, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function requireRecord(value: unknown, path: string): JsonRecord {
  if (value === undefined || value === null) throw malformed(`${path} is missing`);
  if (!isRecord(value)) throw malformed(`${path} must be an object, got ${describeType(value)}`);
  return value;
}

export function optionalRecord(obj: JsonRecord, key: string, path: string): JsonRecord | null {
  const value = field(obj, key);
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) throw malformed(`${path}.${key} must be an object, got ${describeType(value)}`);
  return value;
}

export function requireString(obj: JsonRecord, key: string, path: string): string {
  const value = field(obj, key);
  if (value === undefined || value === null) throw malformed(`${path}.${key} is missing`);
  if (typeof value !== 'string')
    throw malformed(`${path}.${key} must be a string, got ${describeType(value)}`);
  if (value.trim() === '') throw malformed(`${path}.${key} is empty`);
  return value.trim();
}

/** Lenient for optional text: a wrong type is treated as absent, because providers vary and it is not essential. */
export function optionalString(obj: JsonRecord, key: string): string | null {
  const value = field(obj, key);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

export function optionalArray(obj: JsonRecord, key: string, path: string): unknown[] {
  const value = field(obj, key);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformed(`${path}.${key} must be an array, got ${describeType(value)}`);
  return value;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** "City, ST, ZIP, Country" from whichever parts are strings; null when none are. */
export function joinLocation(parts: unknown[]): string | null {
  const strings = parts
    .filter((p): p is string => typeof p === 'string')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return strings.length > 0 ? strings.join(', ') : null;
}
