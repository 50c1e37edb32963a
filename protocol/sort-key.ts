/**
 * The order of field values, shared by IndexedDB indexes and in-memory evaluation so that a
 * query answers the same records whether the worker walks an index or scans.
 *
 * IndexedDB orders numbers before strings before arrays, and cannot index booleans, null or
 * missing values at all. So every indexed value is stored as its sort key: numbers and strings
 * as they are, booleans as 0 and 1, and anything else (null, missing, objects, arrays) as `[]`,
 * which sorts after every number and string, like PostgreSQL's default `NULLS LAST`.
 */
export type SortKeyValue = number | string | [];

const NONE: [] = [];

/** The key a field value is indexed and ordered by. */
export function sortKeyOf(value: unknown): SortKeyValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NONE;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return NONE;
}

/** Compares two sort keys in IndexedDB key order (numbers, then strings by code unit, then `[]`). */
export function compareSortKeys(a: SortKeyValue, b: SortKeyValue): number {
  const rankA = rankOf(a);
  const rankB = rankOf(b);
  if (rankA !== rankB) return rankA - rankB;
  if (rankA === 2) return 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

function rankOf(key: SortKeyValue): number {
  return typeof key === 'number' ? 0 : typeof key === 'string' ? 1 : 2;
}

/** The value at a dot path (`author.name`), or undefined. */
export function valueAt(record: Record<string, unknown>, path: string): unknown {
  if (!path.includes('.')) return record[path];
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
