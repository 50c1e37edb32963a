import type { SyncDatabase } from './database.ts';
import type { RecordStore } from './record-store.ts';
import { indexedFields } from './stored-record.ts';

/** Records re-keyed per transaction. */
const CHUNK_SIZE = 2000;

/**
 * Brings stored index keys in line with the declared indexes. Dexie creates and drops the
 * indexes themselves; the keys they index are stored beside each record, so when a new worker
 * version declares other fields, every record of that collection is stored again with its new
 * keys. The fields are noted once done, so a worker stopped midway simply starts over.
 */
export async function reindexIfChanged(db: SyncDatabase): Promise<void> {
  const noted = (await db.getMeta<Record<string, string>>('indexedFields')) ?? {};
  const current = Object.fromEntries(
    db.collections.map((name) => [name, indexedFields(db.records(name).indexes).sort().join(',')]),
  );
  const changed = db.collections.filter((name) => noted[name] !== current[name]);
  if (changed.length === 0) return;
  for (const name of changed) await rekey(db, db.records(name));
  await db.setMeta('indexedFields', current);
}

async function rekey(db: SyncDatabase, store: RecordStore): Promise<void> {
  for (let after: string | null = null; ; ) {
    const last = await db.transaction('rw', store.table, async () => {
      const ids = after === null ? store.table.toCollection() : store.table.where(':id').above(after);
      const chunk = await ids.limit(CHUNK_SIZE).primaryKeys();
      const records = await store.bulkGet(chunk);
      await store.bulkPut(records.filter((record) => record !== undefined));
      return chunk.length === CHUNK_SIZE ? (chunk[chunk.length - 1] as string) : null;
    });
    if (last === null) return;
    after = last;
  }
}
