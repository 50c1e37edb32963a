import type { QueryResult, RecordQuery } from '../../protocol/query.ts';
import { pageLinks, parseListParams } from '../../protocol/query-params.ts';
import type { SyncRecord } from '../../protocol/wire.ts';
import type { UserSpace } from '../user-space.ts';
import { runQuery } from './query-planner.ts';
import { appendLog } from './sync-log.ts';

/** Query shapes already reported as scans, per database: the log says it once. */
const reportedScans = new WeakMap<object, Set<string>>();

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
  const { records, total, plan } = await runQuery(store.table, store.indexes, query, { isTotalNeeded });
  if (plan.isScan && (query.where.length > 0 || query.sort.length > 0)) void reportScan(space, collection, query);
  return { records, total };
}

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
