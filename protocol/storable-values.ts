import { SyncError } from './errors.ts';

/**
 * What PostgreSQL can store of what a client sent. Every value is checked here before a
 * statement sees it, so client input never surfaces as a database error (a 500).
 */

/** Deepest nesting of objects and arrays in a record; PostgreSQL's jsonb parser gives up far deeper, JSON.stringify too. */
export const MAX_DEPTH = 64;

/** Longest record id, in UTF-16 code units. */
export const MAX_RECORD_ID_LENGTH = 200;

/**
 * NUL, which `text` and `jsonb` cannot hold, and a UTF-16 surrogate without its partner, which is
 * not Unicode (`jsonb` refuses it; `text` would silently turn it into U+FFFD). With the `u` flag a
 * well-formed pair is one code point, outside this class.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what the database refuses.
const UNSTORABLE_CHARACTER = /[\u0000\uD800-\uDFFF]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
const UNSTORABLE_CHARACTERS = /[\u0000\uD800-\uDFFF]/gu;

/** Keys that would reach an object's prototype when a record is copied with plain objects. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `value` is a string of 1 to `maxLength` UTF-16 units that the database can store. */
export function isStorableText(value: unknown, maxLength: number): value is string {
  return (
    typeof value === 'string' && value.length > 0 && value.length <= maxLength && !UNSTORABLE_CHARACTER.test(value)
  );
}

/** Throws `invalid_id` unless `id` is a non-empty string of at most 200 characters the server can store. */
export function assertRecordId(id: unknown): asserts id is string {
  if (!isStorableText(id, MAX_RECORD_ID_LENGTH)) {
    throw new SyncError(
      'invalid_id',
      'A record id must be 1 to 200 characters of well-formed Unicode without NUL (a UUID is ideal)',
    );
  }
}

/**
 * Why a parsed JSON value cannot be stored as `jsonb`, or null: a NUL or unpaired surrogate in a
 * key or string (`invalid_text`), a number JSON cannot carry (`invalid_number`: `1e400` parses as
 * Infinity), nesting beyond `MAX_DEPTH` (`record_too_deep`), a prototype key (`invalid_record`).
 * `what` names the value in messages. Never recurses deeper than `MAX_DEPTH`.
 */
export function jsonProblem(value: unknown, what: string, depth = 0): SyncError | null {
  if (typeof value === 'string') {
    return UNSTORABLE_CHARACTER.test(value)
      ? new SyncError('invalid_text', `${what} holds a NUL character or an unpaired UTF-16 surrogate`)
      : null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : new SyncError('invalid_number', `${what} holds a number out of range`);
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= MAX_DEPTH) {
    return new SyncError('record_too_deep', `${what} nests objects and arrays deeper than ${MAX_DEPTH} levels`);
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = jsonProblem(item, what, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (UNSTORABLE_CHARACTER.test(key)) {
      return new SyncError('invalid_text', `${what} has a field name with a NUL character or an unpaired surrogate`);
    }
    if (FORBIDDEN_KEYS.has(key)) return new SyncError('invalid_record', `${what}: field name "${key}" is not allowed`);
    const problem = jsonProblem((value as Record<string, unknown>)[key], what, depth + 1);
    if (problem) return problem;
  }
  return null;
}

/**
 * A short, storable rendering of any client value, for error messages and the ledger:
 * unstorable characters become U+FFFD and the text is cut to `maxLength`.
 */
export function printable(value: unknown, maxLength = 80): string {
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? '(an array)' : '(an object)';
  const text = String(value);
  // Cut first, then replace: a cut through a surrogate pair leaves a lone half, replaced too.
  return text.slice(0, maxLength).replace(UNSTORABLE_CHARACTERS, '\uFFFD');
}
