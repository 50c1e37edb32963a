import type { CollectionQuery, SyncRecord } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';

export interface ListQuery {
  /** field -> accepted values (several values of one field mean "any of"). */
  filters: Map<string, string[]>;
  sort: { field: string; descending: boolean }[];
  limit: number | null;
  offset: number;
}

/** The collection API's query, in the same terms as the REST list parameters. */
export function fromCollectionQuery({ where = {}, sort, limit, offset }: CollectionQuery): ListQuery {
  return {
    filters: new Map(Object.entries(where).map(([field, value]) => [field, [String(value)]])),
    sort: parseSort(sort ?? ''),
    limit: limit === undefined ? null : parseCount('limit', String(limit)),
    offset: offset === undefined ? 0 : parseCount('offset', String(offset)),
  };
}

/** Parses json-server style list parameters: `field=value`, `_sort=a,-b`, `_limit`, `_offset`. */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const query: ListQuery = { filters: new Map(), sort: [], limit: null, offset: 0 };
  for (const [key, value] of params) {
    if (key === '_sort') {
      query.sort.push(...parseSort(value));
    } else if (key === '_limit') {
      query.limit = parseCount(key, value);
    } else if (key === '_offset') {
      query.offset = parseCount(key, value);
    } else if (!key.startsWith('_')) {
      query.filters.set(key, [...(query.filters.get(key) ?? []), value]);
    }
  }
  return query;
}

function parseSort(value: string): ListQuery['sort'] {
  return value
    .split(',')
    .filter(Boolean)
    .map((field) =>
      field.startsWith('-') ? { field: field.slice(1), descending: true } : { field, descending: false },
    );
}

function parseCount(name: string, value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) {
    throw new SyncError('invalid_query', `${name} must be a non-negative integer, got "${value}"`);
  }
  return count;
}

/** Filters, sorts and pages records as the list query asks. */
export function applyListQuery(records: SyncRecord[], query: ListQuery): SyncRecord[] {
  const filtered = records.filter((record) =>
    [...query.filters].every(([field, values]) => values.includes(String(record[field]))),
  );
  if (query.sort.length > 0) filtered.sort((a, b) => compareBy(a, b, query.sort));
  const end = query.limit === null ? undefined : query.offset + query.limit;
  return filtered.slice(query.offset, end);
}

function compareBy(a: SyncRecord, b: SyncRecord, sort: ListQuery['sort']): number {
  for (const { field, descending } of sort) {
    const [x, y] = [a[field], b[field]];
    if (x === y) continue;
    // Missing values sort last in either direction.
    if (x === undefined || x === null) return 1;
    if (y === undefined || y === null) return -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    if (order !== 0) return descending ? -order : order;
  }
  return 0;
}
