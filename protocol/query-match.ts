import type { FieldCondition, QueryResult, RecordQuery, Scalar, SortKey } from './query.ts';
import { compareSortKeys, kindOf, type SortKeyValue, sortKeyOf, valueAt } from './sort-key.ts';
import type { SyncRecord } from './wire.ts';

/**
 * The reference semantics of a `RecordQuery`: the worker's planner must answer exactly what
 * `evaluateQuery` answers, and the page uses the same functions to keep live queries current.
 *
 * - Equality with a string (every REST value): a scalar record value matches when
 *   `String(value)` equals it, so `"false"` matches `false` and `"12"` matches `12`; null
 *   matches `"null"`; missing values, objects and arrays match no string.
 * - Equality with a number, boolean or null (collection API values): the sort keys are equal
 *   (`sortKeyOf`), which is what an index can tell: `false` matches `false` only, `1` only `1`;
 *   `null` matches null, missing, objects and arrays.
 * - `ne`: equal (as above) to none of the values; so null and missing are kept unless `null`
 *   (or `"null"` for null) is among them.
 * - `gt`/`gte`/`lt`/`lte`: the bound becomes a sort key (a string that reads as a number is that
 *   number, `"true"`/`"false"` are booleans); it is compared with the record's sort key only when
 *   both are of one kind (numbers, strings or booleans). Null, missing and other values never
 *   satisfy a bound.
 * - `like`: a case-insensitive regular expression tested against a string, number or boolean
 *   (or any element of an array), never against null or missing.
 * - `text`: a case-insensitive substring of any string in the record, nested ones and `id` included.
 */

/** Whether a record satisfies the query's conditions and text search (paging aside). */
export function matchesQuery(record: SyncRecord, query: RecordQuery): boolean {
  if (!query.where.every((condition) => satisfies(valueAt(record, condition.field), condition))) return false;
  return query.text === null || containsText(record, query.text.toLowerCase());
}

/** Orders two records by `sort` (sort keys, descending flips), ties by `id` in the direction of the last key. */
export function compareRecords(a: SyncRecord, b: SyncRecord, sort: readonly SortKey[]): number {
  for (const { field, descending } of sort) {
    const order = compareSortKeys(sortKeyOf(valueAt(a, field)), sortKeyOf(valueAt(b, field)));
    if (order !== 0) return descending ? -order : order;
  }
  const order = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return sort[sort.length - 1]?.descending ? -order : order;
}

/** Filters, sorts and pages records; `total` counts the matches before paging. */
export function evaluateQuery<T extends SyncRecord>(records: readonly T[], query: RecordQuery): QueryResult<T> {
  const matches = records.filter((record) => matchesQuery(record, query));
  matches.sort((a, b) => compareRecords(a, b, query.sort));
  const end = query.limit === null ? undefined : query.offset + query.limit;
  return { records: matches.slice(query.offset, end), total: matches.length };
}

function equalsFilterValue(value: unknown, filter: Scalar): boolean {
  if (typeof filter !== 'string') return compareSortKeys(sortKeyOf(value), sortKeyOf(filter)) === 0;
  return isStringOf(value, filter);
}

/** The sort key a `gt`/`gte`/`lt`/`lte` bound compares by, or null if it can satisfy nothing. */
export function boundKeyOf(bound: Scalar): SortKeyValue | null {
  const key =
    typeof bound === 'string'
      ? NUMERIC.test(bound)
        ? Number(bound)
        : bound === 'true' || bound === 'false'
          ? sortKeyOf(bound === 'true')
          : bound
      : sortKeyOf(bound);
  return kindOf(key) === 'none' ? null : key;
}

const NUMERIC = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

function satisfies(value: unknown, condition: FieldCondition): boolean {
  switch (condition.op) {
    case 'eq':
      return condition.values.some((filter) => equalsFilterValue(value, filter));
    case 'ne':
      return !condition.values.some((filter) => equalsFilterValue(value, filter));
    case 'like': {
      const pattern = patternOf(condition);
      const test = (element: unknown) => isPlainScalar(element) && pattern.test(String(element));
      return Array.isArray(value) ? value.some(test) : test(value);
    }
    default:
      return isWithinBound(sortKeyOf(value), condition.op, boundKeyOf(condition.value));
  }
}

function isWithinBound(key: SortKeyValue, op: 'gt' | 'gte' | 'lt' | 'lte', bound: SortKeyValue | null): boolean {
  if (bound === null || kindOf(key) !== kindOf(bound)) return false;
  const order = compareSortKeys(key, bound);
  return op === 'gt' ? order > 0 : op === 'gte' ? order >= 0 : op === 'lt' ? order < 0 : order <= 0;
}

function isStringOf(value: unknown, filter: string): boolean {
  return (isPlainScalar(value) || value === null) && String(value) === filter;
}

function isPlainScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

const patterns = new WeakMap<FieldCondition, RegExp>();

/** The compiled `like` pattern, once per condition: a live query tests it against every change. */
function patternOf(condition: FieldCondition & { op: 'like' }): RegExp {
  let pattern = patterns.get(condition);
  if (!pattern) {
    pattern = new RegExp(condition.pattern, 'i');
    patterns.set(condition, pattern);
  }
  return pattern;
}

function containsText(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.toLowerCase().includes(needle);
  if (Array.isArray(value)) return value.some((element) => containsText(element, needle));
  if (typeof value === 'object' && value !== null) return Object.values(value).some((v) => containsText(v, needle));
  return false;
}
