import { latestChangeSeq } from './records.ts';
import type { Sql } from './storage.ts';
import {
  type Fields,
  isCreatedByAnother,
  isWatermelonColumn,
  isWatermelonId,
  type Migration,
  type RawRecord,
  seenThrough,
  type TableChanges,
  timestampAfter,
  type WatermelonChanges,
  type WatermelonContext,
  type WatermelonQuery,
} from './watermelon-protocol.ts';

interface Row {
  collection: string;
  id: string;
  data: Fields;
  deleted: boolean;
  created_seq: number;
  created_by: string | null;
}

/**
 * `GET /sync/watermelon`: every change after `lastPulledAt`, read in one snapshot with the
 * `timestamp` it answers, so nothing committed meanwhile is skipped or half seen.
 *
 * - First sync (`lastPulledAt` null or 0): every record, as `created`.
 * - A `lastPulledAt` this server never issued to this user (above all it issued: another
 *   backend's, or a restored database's): a full resync, every record as `updated` and every
 *   deletion, so WatermelonDB merges them into what it holds instead of losing what it missed.
 * - Otherwise the changes since: deletions, records new to the asker as `created` and the rest as
 *   `updated` (see `isCreatedByAnother`), plus what a `migration` asks for.
 *
 * Records whose ids WatermelonDB cannot hold are left out, and so are fields it cannot take as columns.
 */
export function pullWatermelon(
  context: WatermelonContext,
  query: WatermelonQuery,
): Promise<{ changes: WatermelonChanges; timestamp: number }> {
  const { owner } = context;
  return context.storage.transaction(async (tx) => {
    const latest = await latestChangeSeq(tx, owner);
    const isFirstSync = !query.lastPulledAt;
    const seen = isFirstSync ? 0 : seenThrough(query.lastPulledAt ?? 0, latest);
    const since = seen ?? 0;
    const rows = await tx.query<Row>(
      `SELECT collection, id, data, deleted, created_seq, created_by FROM syncworker_records
       WHERE owner = $1 AND change_seq > $2 AND (NOT deleted OR $3) ORDER BY change_seq`,
      [owner, since, !isFirstSync],
    );
    const changes = new ChangesBuilder();
    for (const row of rows) {
      if (row.deleted) changes.add(row, 'deleted');
      else if (isFirstSync) changes.add(row, 'created');
      else if (seen === null) changes.add(row, 'updated');
      else {
        const isNew = Number(row.created_seq) > since && isCreatedByAnother(row.created_by, query.clientId);
        changes.add(row, isNew ? 'created' : 'updated');
      }
    }
    if (query.migration && !isFirstSync && seen !== null) {
      await addMigrated(tx, context, query.migration, since, changes);
    }
    return { changes: changes.changes, timestamp: timestampAfter(latest) };
  });
}

/**
 * WatermelonDB's migration sync: records pulled before the client's schema had their table or
 * column were dropped by it, so they are sent again. Every record of an added table (as
 * `created`: the client cannot hold any), and every record with a value other than the default
 * (null, 0, false or '') in an added column (as `updated`). Only changes up to `since`: later ones
 * are in the pull already. Only known collections and valid column names are looked up.
 */
async function addMigrated(
  tx: Sql,
  context: WatermelonContext,
  migration: Migration,
  since: number,
  changes: ChangesBuilder,
): Promise<void> {
  const tables = new Set(migration.tables.filter((table) => context.collections.isKnown(table)));
  const rows = await tx.query<Row>(
    `SELECT collection, id, data FROM syncworker_records
     WHERE owner = $1 AND collection = ANY($2::text[]) AND NOT deleted AND change_seq <= $3`,
    [context.owner, [...tables], since],
  );
  for (const row of rows) changes.add(row, 'created');

  const addedColumns = new Map<string, Set<string>>();
  for (const { table, columns } of migration.columns) {
    if (tables.has(table) || !context.collections.isKnown(table)) continue;
    const known = addedColumns.get(table) ?? new Set();
    for (const column of columns) if (isWatermelonColumn(column)) known.add(column);
    if (known.size > 0) addedColumns.set(table, known);
  }
  for (const [table, columns] of addedColumns) {
    const updated = await tx.query<Row>(
      `SELECT collection, id, data FROM syncworker_records
       WHERE owner = $1 AND collection = $2 AND NOT deleted AND change_seq <= $3
         AND EXISTS (SELECT 1 FROM unnest($4::text[]) AS added(name)
                     WHERE data -> added.name NOT IN ('null'::jsonb, '0'::jsonb, 'false'::jsonb, '""'::jsonb))`,
      [context.owner, table, since, [...columns]],
    );
    for (const row of updated) changes.add(row, 'updated');
  }
}

/** Builds the changes object: ids WatermelonDB can hold, columns it can take, each record once. */
class ChangesBuilder {
  readonly changes: WatermelonChanges = Object.create(null);

  add(row: Pick<Row, 'collection' | 'id' | 'data'>, kind: keyof TableChanges): void {
    if (!isWatermelonId(row.id)) return;
    let table = this.changes[row.collection];
    if (!table) {
      table = { created: [], updated: [], deleted: [] };
      this.changes[row.collection] = table;
    }
    if (kind === 'deleted') table.deleted.push(row.id);
    else table[kind].push(rawRecordOf(row.id, row.data));
  }
}

function rawRecordOf(id: string, data: Fields): RawRecord {
  const record: RawRecord = { id };
  for (const [column, value] of Object.entries(data)) if (isWatermelonColumn(column)) record[column] = value;
  return record;
}
