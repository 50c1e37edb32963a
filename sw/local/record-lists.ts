import type { QueryResult, RecordQuery } from '../../protocol/query.ts';
import { pageLinks, parseListParams } from '../../protocol/query-params.ts';
import type { SyncRecord } from '../../protocol/wire.ts';
import type { UserSpace } from '../user-space.ts';
import { runQuery } from './query-planner.ts';
import type { RecordStore } from './record-store.ts';
import { appendLog } from './sync-log.ts';

/** Query shapes already reported as scans, per database: the log says it once. */
const reportedScans = new WeakMap<object, Set<string>>();

/**
 * Totals counted per collection and filter, with the collection's version at the time:
 * IndexedDB counts a range by walking it, so paging through a large list counts it once.
 */
const totals = new WeakMap<RecordStore, Map<string, { version: number; total: number }>>();

/** Filters whose totals are kept per collection; beyond that the oldest go. */
const MAX_KEPT_TOTALS = 32;

/**
 * A query of the collection API (and so of live queries): the records only, no total to count.
 * Like REST lists, it goes through the planner; a query no declared index serves is still
 * answered, by a scan, and the sync log says so once per collection and query shape.
 */
export async function queryRecords(space: UserSpace, collection: string, query: RecordQuery): Promise<SyncRecord[]> {
  return (await run(space, collection, query, false)).records;
}

async function run(
  space: UserSpace,
  collection: string,
  query: RecordQuery,
  isTotalNeeded: boolean,
): Promise<QueryResult<SyncRecord>> {
  const store = space.db.records(collection);
  const version = store.version;
  const kept = isTotalNeeded ? keptTotal(store, query) : null;
  const result = await runQuery(store.table, store.indexes, query, { isTotalNeeded: isTotalNeeded && kept === null });
  if (result.plan.isScan && (query.where.length > 0 || query.sort.length > 0))
    void reportScan(space, collection, query);
  if (isTotalNeeded && kept === null) keepTotal(store, query, version, result.total);
  return { records: result.records, total: kept ?? result.total };
}

function keptTotal(store: RecordStore, query: RecordQuery): number | null {
  const kept = totals.get(store)?.get(filterOf(query));
  return kept?.version === store.version ? kept.total : null;
}

function keepTotal(store: RecordStore, query: RecordQuery, version: number, total: number): void {
  const kept = totals.get(store) ?? new Map<string, { version: number; total: number }>();
  totals.set(store, kept);
  kept.delete(filterOf(query));
  kept.set(filterOf(query), { version, total });
  if (kept.size > MAX_KEPT_TOTALS) kept.delete(kept.keys().next().value as string);
}

const filterOf = (query: RecordQuery) => JSON.stringify([query.where, query.text]);

/** A REST list (`GET /api/todos?…`): the page of records, the total before paging, and the `Link` header for `_page`. */
export async function listRecords(
  space: UserSpace,
  collection: string,
  url: URL,
): Promise<QueryResult<SyncRecord> & { link: string | null }> {
  const { query, page } = parseListParams(url.searchParams);
  const result = await run(space, collection, query, true);
  return { ...result, link: page ? pageLinks(url, page, result.total) : null };
}

async function reportScan(space: UserSpace, collection: string, query: RecordQuery): Promise<void> {
  const shape = [
    ...query.where.map((condition) => `${condition.field} ${condition.op}`),
    ...query.sort.map((key) => `sort ${key.descending ? '-' : ''}${key.field}`),
    ...(query.text === null ? [] : ['q']),
  ].join(', ');
  const reported = reportedScans.get(space.db) ?? new Set<string>();
  reportedScans.set(space.db, reported);
  if (reported.has(`${collection}: ${shape}`)) return;
  reported.add(`${collection}: ${shape}`);
  await appendLog(space.db, {
    kind: 'query',
    message: `a query on ${collection} (${shape}) scanned the whole collection: declare an index for it in the worker config`,
    details: { collection, query: shape },
  });
}
