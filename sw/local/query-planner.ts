import { type Collection, Dexie, type IndexableType, type IndexableTypePart, type Table } from 'dexie';
import type { FieldCondition, QueryResult, RecordQuery, Scalar, SortKey } from '../../protocol/query.ts';
import { boundKeyOf, compareRecords, evaluateQuery, matchesQuery } from '../../protocol/query-match.ts';
import { compareSortKeys, kindOf, type SortKeyValue, sortKeyOf } from '../../protocol/sort-key.ts';
import type { SyncRecord } from '../../protocol/wire.ts';
import { fromStored, type IndexSpec } from './stored-record.ts';

/** How `runQuery` read a query's records. */
export interface QueryPlan {
  /** The declared index it read, `id` for the primary key, or null when it read the table. */
  index: string | null;
  /** Whether it read every record of the collection: no index narrowed the read or bounded it by the limit. */
  isScan: boolean;
}

/**
 * Answers a query over a collection's stored records exactly as `evaluateQuery` would (same
 * records, order and total), reading as little as the declared indexes allow. Plans, best first:
 *
 * 1. `id` equality: the records by primary key.
 * 2. An index whose leading fields have equality conditions and whose remaining fields are the
 *    sort fields (`[done+createdAt]` for `done=false&_sort=-createdAt`): walked in sort order.
 * 3. An index whose leading fields have equality conditions (the most of them), sorted in memory.
 * 4. With a limit, an index on the sort fields (or the primary key when sorting by `id` or not
 *    at all), walked in sort order, when its keys settle the query or a range on it narrows it.
 * 5. An index whose first field has range conditions, sorted in memory.
 * 6. A sort index walked whole (its order spares the sort; the count reads it all).
 * 7. A scan of the table.
 *
 * A REST value may match several index keys (`"false"` is the string or the boolean `false`,
 * `"12"` the string or the number), so each candidate key is read as its own range. Records of a
 * range whose key does not settle every condition are
 * checked with `matchesQuery` and counted by reading them; a range that settles them all is
 * counted natively and, walked in order, read only up to offset + limit.
 */
export async function runQuery(
  table: Table<SyncRecord, string>,
  indexes: readonly IndexSpec[],
  query: RecordQuery,
  { isTotalNeeded = true }: { isTotalNeeded?: boolean } = {},
): Promise<QueryResult<SyncRecord> & { plan: QueryPlan }> {
  const access = chooseAccess(indexes, query);
  // One transaction: the page and its total describe the same snapshot.
  const result = await table.db.transaction('r', table, () => readAccess(table, access, query, isTotalNeeded));
  return { ...result, plan: { index: access.index, isScan: access.isScan } };
}

/** An interval of one field's index keys; a point when lower and upper are the same key. */
interface Span {
  lower: SortKeyValue;
  upper: SortKeyValue;
  includeLower: boolean;
  includeUpper: boolean;
  /** Whether every record keyed within it satisfies the conditions it was made from. */
  isExact: boolean;
}

/** What the conditions on one field let an index read: points (equality) or one interval (ranges). */
interface FieldSpans {
  spans: Span[];
  isPoint: boolean;
  conditions: FieldCondition[];
}

/** A range of one index (null bounds: all of it), and whether its keys alone settle the whole query. */
interface IndexRange {
  bounds: { lower: IndexableType; upper: IndexableType; includeLower: boolean; includeUpper: boolean } | null;
  isExact: boolean;
}

type Access = { index: string | null; isScan: boolean } & (
  | { kind: 'ids'; ids: string[] }
  | { kind: 'scan' }
  | {
      kind: 'index';
      spec: IndexSpec | null;
      ranges: IndexRange[];
      /** Walk direction that yields the query's order, or null when the records are sorted in memory. */
      descending: boolean | null;
    }
);

interface Candidate {
  access: Access;
  rank: number;
  points: number;
  hasRange: boolean;
}

/** Equality candidates beyond this many ranges are read as a residual filter instead. */
const MAX_RANGES = 64;

function chooseAccess(indexes: readonly IndexSpec[], query: RecordQuery): Access {
  const idEquality = query.where.find((condition) => condition.op === 'eq' && condition.field === 'id');
  if (idEquality?.op === 'eq') {
    const ids = idEquality.values.filter((value): value is string => typeof value === 'string');
    return { kind: 'ids', ids: [...new Set(ids)], index: 'id', isScan: false };
  }
  const candidates = [null, ...indexes].flatMap((spec) => candidateOf(spec, query) ?? []);
  candidates.sort((a, b) => a.rank - b.rank || b.points - a.points || Number(b.hasRange) - Number(a.hasRange));
  return candidates[0]?.access ?? { kind: 'scan', index: null, isScan: true };
}

/** How an index (null: the primary key) could serve the query, or null if it cannot help. */
function candidateOf(spec: IndexSpec | null, query: RecordQuery): Candidate | null {
  const fields = spec?.fields ?? ['id'];
  const spans = fields.map((field) => fieldSpans(query.where, field));
  let points = 0;
  while (spans[points]?.isPoint) points++;
  while (
    points > 0 &&
    spans.slice(0, points).reduce((product, field) => product * (field?.spans.length ?? 0), 1) > MAX_RANGES
  ) {
    points--;
  }
  const next = spans[points];
  const range = next && !next.isPoint ? next : null;
  const used = [...spans.slice(0, points), range].flatMap((field) => field?.conditions ?? []);
  const isSettled = query.text === null && query.where.every((condition) => used.includes(condition));
  const descending = walkDirection(spec ? [...fields.slice(points), 'id'] : ['id'], query.sort);
  const isOrdered = descending !== null;
  const prefixes = product(spans.slice(0, points).map((field) => field?.spans ?? []));
  const tails: (Span | null)[] = range ? range.spans : [null];
  const ranges = prefixes.flatMap((prefix) =>
    tails.map(
      (tail): IndexRange => ({
        bounds:
          prefix.length === 0 && !tail ? null : boundsOf(prefix, tail, fields.length - points - 1, fields.length > 1),
        isExact: isSettled && prefix.every((point) => point.isExact) && (tail?.isExact ?? true),
      }),
    ),
  );
  const isNarrowed = points > 0 || range !== null;
  const isBounded = isOrdered && query.limit !== null && ranges.every((indexRange) => indexRange.isExact);
  // A walk its keys cannot bound reads the whole index to count: any narrowed read beats it.
  const rank =
    points > 0
      ? isOrdered
        ? 2
        : 3
      : isBounded || (isOrdered && range)
        ? 4
        : range
          ? 5
          : isOrdered && query.sort.length > 0
            ? 6
            : null;
  if (rank === null) return null;
  return {
    access: {
      kind: 'index',
      spec,
      ranges,
      descending: isOrdered ? descending : null,
      index: spec?.name ?? 'id',
      // A whole walk in sort order still serves a query whose every condition its keys settle.
      isScan: !isNarrowed && !isBounded && !(isOrdered && isSettled && query.sort.length > 0),
    },
    rank,
    points,
    hasRange: range !== null,
  };
}

/** The spans one field's conditions allow: its first equality condition, or else all its range conditions. */
function fieldSpans(where: readonly FieldCondition[], field: string): FieldSpans | null {
  const conditions = where.filter((condition) => condition.field === field);
  const equality = conditions.find((condition) => condition.op === 'eq');
  if (equality?.op === 'eq') return { spans: pointsOf(equality.values), isPoint: true, conditions: [equality] };
  const bounds = conditions.filter(
    (condition): condition is FieldCondition & { op: 'gt' | 'gte' | 'lt' | 'lte' } =>
      condition.op === 'gt' || condition.op === 'gte' || condition.op === 'lt' || condition.op === 'lte',
  );
  return bounds.length === 0 ? null : { spans: intervalOf(bounds), isPoint: false, conditions: bounds };
}

/** The index keys records equal to any of `values` can have (see `query-match.ts`), each as a point. */
function pointsOf(values: readonly Scalar[]): Span[] {
  const points = new Map<string, Span>();
  for (const value of values) {
    for (const [key, isExact] of candidateKeys(value)) {
      const id = JSON.stringify(key);
      const known = points.get(id);
      points.set(id, {
        lower: key,
        upper: key,
        includeLower: true,
        includeUpper: true,
        isExact: isExact && (known?.isExact ?? true),
      });
    }
  }
  return [...points.values()];
}

/**
 * The keys of records a filter value equals, and whether the key alone proves it. A typed value
 * equals by sort key; a string is the string itself, the number whose `String` it is, the boolean
 * for `"true"`/`"false"`, and null (keyed with missing values and objects, so rechecked) for `"null"`.
 */
function candidateKeys(value: Scalar): [SortKeyValue, boolean][] {
  if (typeof value !== 'string') return [[sortKeyOf(value), true]];
  const keys: [SortKeyValue, boolean][] = [[value, true]];
  const number = Number(value);
  if (value.trim() !== '' && Number.isFinite(number)) keys.push([number, String(number) === value]);
  if (value === 'true' || value === 'false') keys.push([sortKeyOf(value === 'true'), true]);
  if (value === 'null') keys.push([sortKeyOf(null), false]);
  return keys;
}

/** The one interval satisfying every bound (within one kind: numbers, strings or booleans), or none. */
function intervalOf(bounds: readonly (FieldCondition & { op: 'gt' | 'gte' | 'lt' | 'lte' })[]): Span[] {
  let span: Span | null = null;
  for (const { op, value } of bounds) {
    const key = boundKeyOf(value);
    if (key === null) return [];
    span ??= wholeKind(key);
    if (kindOf(span.lower) !== kindOf(key)) return [];
    if (op === 'gt' || op === 'gte') {
      const order = compareSortKeys(key, span.lower);
      if (order > 0 || (order === 0 && op === 'gt')) [span.lower, span.includeLower] = [key, op === 'gte'];
    } else {
      const order = compareSortKeys(key, span.upper);
      if (order < 0 || (order === 0 && op === 'lt')) [span.upper, span.includeUpper] = [key, op === 'lte'];
    }
  }
  if (!span) return [];
  const order = compareSortKeys(span.lower, span.upper);
  return order < 0 || (order === 0 && span.includeLower && span.includeUpper) ? [span] : [];
}

/** Every key of the kind of `key`: all numbers, all strings (up to the first boolean), or both booleans. */
function wholeKind(key: SortKeyValue): Span {
  const kind = kindOf(key);
  if (kind === 'number')
    return { lower: -Infinity, upper: Infinity, includeLower: true, includeUpper: true, isExact: true };
  if (kind === 'string')
    return { lower: '', upper: sortKeyOf(false), includeLower: true, includeUpper: false, isExact: true };
  return { lower: sortKeyOf(false), upper: sortKeyOf(true), includeLower: true, includeUpper: true, isExact: true };
}

/**
 * The bounds of a range of an index: fixed leading keys (`prefix`), then an interval of the next
 * field (or all of it), with `trailing` fields after it. A compound key that extends another sorts
 * after it, so `[p, x]` bounds from below every `[p, x, …]` and `[p, x, maxKey]` from above.
 */
function boundsOf(
  prefix: readonly Span[],
  tail: Span | null,
  trailing: number,
  isCompound: boolean,
): IndexRange['bounds'] {
  const span = tail ?? (prefix[0] as Span);
  if (!isCompound) return { ...span };
  // Dexie types a key part as a scalar or `[[]]`; the array sort keys are as valid parts.
  const part = (key: SortKeyValue) => key as IndexableTypePart;
  const keys = prefix.map((point) => part(point.lower));
  const max = Dexie.maxKey as IndexableTypePart;
  if (!tail) return { lower: keys, upper: [...keys, max], includeLower: true, includeUpper: true };
  return {
    lower: tail.includeLower || trailing === 0 ? [...keys, part(tail.lower)] : [...keys, part(tail.lower), max],
    upper: tail.includeUpper && trailing > 0 ? [...keys, part(tail.upper), max] : [...keys, part(tail.upper)],
    includeLower: tail.includeLower,
    includeUpper: tail.includeUpper,
  };
}

/**
 * Whether walking `walked` fields (ending with the primary key `id`) gives the query's order, and
 * in which direction (descending?), or null. Sort keys after `id` never decide anything.
 */
function walkDirection(walked: readonly string[], sort: readonly SortKey[]): boolean | null {
  const idAt = sort.findIndex((key) => key.field === 'id');
  const keys =
    idAt === -1
      ? [...sort, { field: 'id', descending: sort[sort.length - 1]?.descending ?? false }]
      : sort.slice(0, idAt + 1);
  const descending = keys[0]?.descending ?? false;
  const fits =
    keys.length === walked.length &&
    keys.every((key, index) => key.field === walked[index] && key.descending === descending);
  return fits ? descending : null;
}

function product<T>(lists: readonly (readonly T[])[]): T[][] {
  return lists.reduce<T[][]>(
    (combinations, list) => combinations.flatMap((combination) => list.map((item) => [...combination, item])),
    [[]],
  );
}

async function readAccess(
  table: Table<SyncRecord, string>,
  access: Access,
  query: RecordQuery,
  isTotalNeeded: boolean,
): Promise<QueryResult<SyncRecord>> {
  if (access.kind === 'ids') return evaluateStored(await table.bulkGet(access.ids), query);
  if (access.kind === 'scan') return evaluateStored(await table.toArray(), query);
  const open = (range: IndexRange) => {
    const schema = access.spec?.schema ?? ':id';
    const { bounds } = range;
    const collection = bounds
      ? table.where(schema).between(bounds.lower, bounds.upper, bounds.includeLower, bounds.includeUpper)
      : table.orderBy(schema);
    return access.descending ? collection.reverse() : collection;
  };
  if (access.descending === null) {
    return evaluateStored((await Promise.all(access.ranges.map((range) => open(range).toArray()))).flat(), query);
  }
  return walk(access.ranges, open, query, isTotalNeeded);
}

/**
 * Reads ranges walked in the query's order: exact ones up to offset + limit, the others whole to
 * count them. IndexedDB counts a range by walking it, so an exact range is counted only when the
 * total is needed (a REST page's `X-Total-Count`); otherwise `total` means nothing.
 */
async function walk(
  ranges: readonly IndexRange[],
  open: (range: IndexRange) => Collection<SyncRecord, string>,
  query: RecordQuery,
  isTotalNeeded: boolean,
): Promise<QueryResult<SyncRecord>> {
  const { offset, limit } = query;
  const count = (range: IndexRange) => (isTotalNeeded ? open(range).count() : Promise.resolve(0));
  const only = ranges.length === 1 ? ranges[0] : undefined;
  if (only?.isExact && limit !== null) {
    const [records, total] = await Promise.all([open(only).offset(offset).limit(limit).toArray(), count(only)]);
    return { records: records.map(fromStored), total };
  }
  const window = limit === null ? Number.POSITIVE_INFINITY : offset + limit;
  // $k holds index keys as strings: keep them away from the text search.
  const isMatch = (stored: SyncRecord) => matchesQuery(query.text === null ? stored : fromStored(stored), query);
  const parts = await Promise.all(
    ranges.map(async (range) => {
      if (range.isExact && limit !== null) {
        const [records, total] = await Promise.all([open(range).limit(window).toArray(), count(range)]);
        return { records, total };
      }
      const records = await open(range).toArray();
      const matches = range.isExact ? records : records.filter(isMatch);
      return { records: matches.slice(0, window), total: matches.length };
    }),
  );
  const records = parts.flatMap((part) => part.records).map(fromStored);
  if (parts.length > 1) records.sort((a, b) => compareRecords(a, b, query.sort));
  return {
    records: records.slice(offset, limit === null ? undefined : offset + limit),
    total: parts.reduce((total, part) => total + part.total, 0),
  };
}

function evaluateStored(stored: readonly (SyncRecord | undefined)[], query: RecordQuery): QueryResult<SyncRecord> {
  return evaluateQuery(
    stored.flatMap((record) => (record ? [fromStored(record)] : [])),
    query,
  );
}
