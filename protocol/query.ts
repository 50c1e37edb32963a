/**
 * The one query model of syncworker: REST list parameters (json-server conventions), the
 * collection API's queries and live queries all become a `RecordQuery`, evaluated with the
 * same semantics in the worker (on indexes or by scan), on the page (live query updates) and
 * on the server.
 */

/** A JSON scalar a filter compares against. */
export type Scalar = string | number | boolean | null;

/**
 * One condition on a field; `field` is a dot path for nested fields (`author.name`).
 * Values keep the types the caller gave; a REST parameter arrives as a string and matches a
 * record value whose `String(value)` equals it, so `?done=false` matches `done: false`.
 */
export type FieldCondition =
  /** Equal to any of `values`. */
  | { field: string; op: 'eq'; values: Scalar[] }
  /** Equal to none of `values`. */
  | { field: string; op: 'ne'; values: Scalar[] }
  /** Ordered comparisons, in the order of `compareValues`. */
  | { field: string; op: 'gt' | 'gte' | 'lt' | 'lte'; value: Scalar }
  /** Case-insensitive regular expression match on the value as a string (json-server's `_like`). */
  | { field: string; op: 'like'; pattern: string };

export interface SortKey {
  field: string;
  descending: boolean;
}

/** A query over one collection's records. */
export interface RecordQuery {
  /** Every condition must hold. */
  where: FieldCondition[];
  /** Full-text search: case-insensitive substring of any string field (json-server's `q`), or null. */
  text: string | null;
  /** Sort keys, most significant first; ties break by `id` in the direction of the last key. */
  sort: SortKey[];
  offset: number;
  /** At most this many records, or all when null. */
  limit: number | null;
}

/** A page of a query's result. */
export interface QueryResult<T> {
  records: T[];
  /** Matches before `offset`/`limit` were applied (REST `X-Total-Count`). */
  total: number;
}
