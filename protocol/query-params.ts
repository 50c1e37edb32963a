import { SyncError } from './errors.ts';
import type { FieldCondition, RecordQuery, Scalar, SortKey } from './query.ts';
import type { CollectionFilter, CollectionQuery } from './worker-api.ts';

/** A `_page` request: which page (from 1) of how many records. */
export interface ListPage {
  number: number;
  perPage: number;
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const FILTER_PARAMETER = /^(.+)_(gte|lte|gt|lt|ne|like)$/;
const RESERVED = ['q', '_sort', '_order', '_limit', '_offset', '_page', '_per_page', '_start', '_end'];
const DEFAULT_PER_PAGE = 10;
const ACCEPTED = `accepted are field filters (field=value, field_gte, field_lte, field_gt, field_lt, field_ne, field_like), ${RESERVED.join(', ')}`;

/**
 * Parses REST list parameters, json-server style: `field=value` (repeated: any of; `a.b` for
 * nested fields), `field_gte`/`_lte`/`_gt`/`_lt`, `field_ne` (repeated: none of), `field_like`
 * (case-insensitive regular expression), `q` (full text), `_sort=a,-b` or `_sort=a,b&_order=asc,desc`,
 * `_limit`/`_offset`, `_page` with `_per_page` or `_limit` (10 by default), `_start`/`_end` (or
 * `_start` with `_limit`); `_` (a cache buster) is ignored. Values stay strings (see `query-match.ts`
 * for how they match).
 * Returns the query and, for `_page`, the page asked for (for `pageLinks`).
 * Throws `invalid_query` on any other `_` parameter, a malformed field, number, pattern or sort,
 * or paging parameters that contradict each other.
 */
export function parseListParams(params: URLSearchParams): { query: RecordQuery; page: ListPage | null } {
  const where: FieldCondition[] = [];
  const anyOf = new Map<string, Scalar[]>();
  const reserved = new Map<string, string>();
  for (const [key, value] of params) {
    // jQuery's cache buster, ignored by json-server too.
    if (key === '_') continue;
    if (key.startsWith('_') || key === 'q') {
      if (!RESERVED.includes(key)) throw invalid(`Unsupported parameter ${key}: ${ACCEPTED}`);
      if (reserved.has(key)) throw invalid(`${key} is given more than once: give it once`);
      reserved.set(key, value);
      continue;
    }
    const [, field = key, op = 'eq'] = FILTER_PARAMETER.exec(key) ?? [];
    if (!FIELD_PATH.test(field)) {
      throw invalid(
        `Parameter ${key} names no field: fields are dot paths of letters, digits and _ (title, author.name); ${ACCEPTED}`,
      );
    }
    if (op === 'eq' || op === 'ne') {
      const values = anyOf.get(`${op} ${field}`);
      if (values) values.push(value);
      else {
        const fresh: Scalar[] = [value];
        anyOf.set(`${op} ${field}`, fresh);
        where.push({ field, op, values: fresh });
      }
    } else if (op === 'like') {
      where.push({ field, op, pattern: checkPattern(key, value) });
    } else {
      where.push({ field, op: op as 'gt' | 'gte' | 'lt' | 'lte', value });
    }
  }
  const { offset, limit, page } = parsePaging(reserved);
  return {
    query: { where, text: reserved.get('q') || null, sort: parseSortParams(reserved), offset, limit },
    page,
  };
}

/** `parseListParams` without the page: the query REST list parameters ask for. Throws `invalid_query`. */
export function parseQueryParams(params: URLSearchParams): RecordQuery {
  return parseListParams(params).query;
}

/**
 * The collection API's query as a `RecordQuery`. `where` values keep their types: a number,
 * boolean or null matches by sort key (`false` matches `false`, `1` matches `1`, `null` matches
 * null or missing), a string matches like a REST value; an array means any of; an operator
 * object (`{ gte, lt, ne, like, ... }`) must satisfy every operator given. Throws `invalid_query`
 * on a malformed field, value, pattern, sort or count.
 */
export function fromCollectionQuery(query: CollectionQuery): RecordQuery {
  if (query.text !== undefined && typeof query.text !== 'string') throw invalid('text must be a string');
  const sort = Array.isArray(query.sort) ? query.sort.join(',') : query.sort;
  if (sort !== undefined && (typeof sort !== 'string' || (Array.isArray(query.sort) && query.sort.some(notString)))) {
    throw invalid('sort must be a field such as "-createdAt", or an array of them such as ["done", "-createdAt"]');
  }
  return {
    where: Object.entries(query.where ?? {}).flatMap(([field, filter]) => conditionsOf(field, filter)),
    text: query.text || null,
    sort: sort === undefined ? [] : parseSort('sort', sort),
    offset: query.offset === undefined ? 0 : checkCount('offset', query.offset, 0),
    limit: query.limit === undefined ? null : checkCount('limit', query.limit, 0),
  };
}

/**
 * The RFC 8288 `Link` header of a `_page` answer (first, prev, next, last; json-server style):
 * `url` with `_page` set to each target page, every other parameter kept.
 */
export function pageLinks(url: URL, page: ListPage, total: number): string {
  const last = Math.max(1, Math.ceil(total / page.perPage));
  const links: [string, number][] = [['first', 1]];
  if (page.number > 1) links.push(['prev', Math.min(page.number - 1, last)]);
  if (page.number < last) links.push(['next', page.number + 1]);
  links.push(['last', last]);
  return links
    .map(([rel, number]) => {
      const target = new URL(url);
      target.searchParams.set('_page', String(number));
      return `<${target.href}>; rel="${rel}"`;
    })
    .join(', ');
}

function parseSortParams(reserved: ReadonlyMap<string, string>): SortKey[] {
  const sortValue = reserved.get('_sort');
  const order = reserved.get('_order');
  const sort = sortValue === undefined ? [] : parseSort('_sort', sortValue);
  if (order === undefined) return sort;
  if (sortValue === undefined) throw invalid('_order needs _sort: give _sort=a,b&_order=asc,desc');
  if (sort.some((key) => key.descending)) {
    throw invalid('_order cannot be combined with -field in _sort: use _sort=a,-b or _sort=a,b&_order=asc,desc');
  }
  const directions = order.split(',').map((direction) => {
    const lower = direction.toLowerCase();
    if (lower !== 'asc' && lower !== 'desc')
      throw invalid(`_order has "${direction}": give asc or desc per _sort field`);
    return lower === 'desc';
  });
  if (directions.length !== 1 && directions.length !== sort.length) {
    throw invalid(
      `_order has ${directions.length} directions for ${sort.length} _sort fields: give one for all or one per field`,
    );
  }
  return sort.map(({ field }, index) => ({
    field,
    descending: directions[directions.length === 1 ? 0 : index] === true,
  }));
}

function notString(value: unknown): boolean {
  return typeof value !== 'string';
}

function parseSort(name: string, value: string): SortKey[] {
  return value.split(',').map((item) => {
    const descending = item.startsWith('-');
    const field = descending ? item.slice(1) : item;
    if (!FIELD_PATH.test(field)) {
      throw invalid(
        `${name} has "${item}": give comma-separated field paths, each optionally prefixed by - for descending (done,-createdAt)`,
      );
    }
    return { field, descending };
  });
}

function parsePaging(reserved: ReadonlyMap<string, string>): {
  offset: number;
  limit: number | null;
  page: ListPage | null;
} {
  const count = (name: string, min = 0) => {
    const value = reserved.get(name);
    return value === undefined
      ? undefined
      : checkCount(name, /^\d+$/.test(value) ? Number(value) : Number.NaN, min, value);
  };
  const limit = count('_limit');
  const offset = count('_offset');
  const start = count('_start');
  const end = count('_end');
  const pageNumber = count('_page', 1);
  const perPage = count('_per_page', 1);
  if (pageNumber !== undefined) {
    const conflict = ['_offset', '_start', '_end'].find((name) => reserved.has(name));
    if (conflict) throw invalid(`_page cannot be combined with ${conflict}: page with _page and _per_page (or _limit)`);
    if (perPage !== undefined && limit !== undefined)
      throw invalid('_page takes _per_page or _limit as page size, not both');
    const size = perPage ?? limit ?? DEFAULT_PER_PAGE;
    if (size === 0) throw invalid('_limit must be at least 1 with _page');
    return { offset: (pageNumber - 1) * size, limit: size, page: { number: pageNumber, perPage: size } };
  }
  if (perPage !== undefined) throw invalid('_per_page needs _page: give _page=1&_per_page=25');
  if (start === undefined && end === undefined) return { offset: offset ?? 0, limit: limit ?? null, page: null };
  if (offset !== undefined) throw invalid('_start and _end cannot be combined with _offset: use _start instead');
  if (end !== undefined && limit !== undefined)
    throw invalid('_end cannot be combined with _limit: give _start with _end or _limit');
  const first = start ?? 0;
  if (end !== undefined && end < first) throw invalid(`_end (${end}) must not be less than _start (${first})`);
  return { offset: first, limit: end === undefined ? (limit ?? null) : end - first, page: null };
}

function checkCount(name: string, count: number, min: number, given: unknown = count): number {
  if (!Number.isSafeInteger(count) || count < min) {
    throw invalid(`${name} must be an integer of at least ${min}, got "${String(given)}"`);
  }
  return count;
}

const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'ne', 'like'];

function conditionsOf(field: string, filter: CollectionFilter): FieldCondition[] {
  if (!FIELD_PATH.test(field)) {
    throw invalid(`where has "${field}": fields are dot paths of letters, digits and _ (title, author.name)`);
  }
  const name = `where.${field}`;
  if (Array.isArray(filter)) return [{ field, op: 'eq', values: filter.map((value) => checkScalar(name, value)) }];
  if (typeof filter !== 'object' || filter === null) return [{ field, op: 'eq', values: [checkScalar(name, filter)] }];
  return Object.entries(filter).map(([op, value]): FieldCondition => {
    const operator = `${name}.${op}`;
    if (op === 'ne') {
      const values: unknown[] = Array.isArray(value) ? value : [value];
      return { field, op, values: values.map((element) => checkScalar(operator, element)) };
    }
    if (op === 'like') {
      if (typeof value !== 'string') throw invalid(`${operator} must be a regular expression as a string`);
      return { field, op, pattern: checkPattern(operator, value) };
    }
    if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') {
      const bound = checkScalar(operator, value);
      if (bound === null) throw invalid(`${operator} must be a number, string or boolean, got null`);
      return { field, op, value: bound };
    }
    throw invalid(
      `${name} has operator "${op}": give a value, an array (any of) or an object of ${OPERATORS.join(', ')} (for a nested field use "${field}.${op}")`,
    );
  });
}

function checkScalar(name: string, value: unknown): Scalar {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw invalid(`${name} must be a string, finite number, boolean or null, got ${String(value)}`);
}

function checkPattern(name: string, pattern: string): string {
  try {
    new RegExp(pattern, 'i');
  } catch (error) {
    throw invalid(`${name} is not a valid regular expression (${(error as Error).message}): escape special characters`);
  }
  return pattern;
}

function invalid(message: string): SyncError {
  return new SyncError('invalid_query', message);
}
