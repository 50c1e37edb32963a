import type { RecordChanges, SyncRecord } from '../../protocol/index.ts';
import type { SyncDatabase } from './database.ts';

/** What a transaction changed, per collection: records as now stored (by id), and deleted ids. */
export type ChangeSet = Map<string, { upserted: Map<string, SyncRecord>; deleted: Set<string> }>;

/** Most records one change announcement lists; past that, pages re-run their queries instead. */
const MAX_LISTED_CHANGES = 1000;

/** Records that `id` of `collection` is now `record` (null: deleted); the latest note wins. */
export function noteChange(changes: ChangeSet, collection: string, id: string, record: SyncRecord | null): void {
  let entry = changes.get(collection);
  if (!entry) {
    entry = { upserted: new Map(), deleted: new Set() };
    changes.set(collection, entry);
  }
  if (record) {
    entry.upserted.set(id, record);
    entry.deleted.delete(id);
  } else {
    entry.upserted.delete(id);
    entry.deleted.add(id);
  }
}

/** The change set as pages receive it: collections whose changes are too many to list are named only. */
export function describeChanges(changes: ChangeSet): { collections: string[]; changes: Record<string, RecordChanges> } {
  const listed: Record<string, RecordChanges> = {};
  for (const [collection, { upserted, deleted }] of changes) {
    if (upserted.size + deleted.size > MAX_LISTED_CHANGES) continue;
    listed[collection] = { upserted: [...upserted.values()], deleted: [...deleted] };
  }
  return { collections: [...changes.keys()], changes: listed };
}

/** Writes a change set with bulk requests; runs inside the caller's transaction over these collections. */
export async function writeChanges(db: SyncDatabase, changes: ChangeSet): Promise<void> {
  await Promise.all(
    [...changes].flatMap(([collection, { upserted, deleted }]) => [
      db.records(collection).bulkPut([...upserted.values()]),
      db.records(collection).bulkDelete([...deleted]),
    ]),
  );
}
