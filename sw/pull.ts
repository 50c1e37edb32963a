import type { PullResponse } from '../protocol/index.ts';
import type { SyncDatabase } from './database.ts';
import { countPendingFor, removeAcknowledged } from './outbox.ts';
import type { SyncTransport } from './sync-transport.ts';

/** Records per pull page. */
const PULL_PAGE_SIZE = 1000;

/** Pulls every change since the stored cursor, page by page; returns the collections that changed. */
export async function pullChanges(db: SyncDatabase, transport: SyncTransport, clientId: string): Promise<Set<string>> {
  const changed = new Set<string>();
  for (let hasMore = true; hasMore; ) {
    const cursor = (await db.getMeta<string>('cursor')) ?? null;
    const request = { cursor, clientId, collections: [...db.collections], limit: PULL_PAGE_SIZE };
    const page = await transport.pull(request);
    for (const collection of await applyPullPage(db, page)) changed.add(collection);
    hasMore = page.hasMore;
  }
  return changed;
}

/**
 * Applies one page and advances the cursor in one transaction. Records with unacknowledged
 * local changes are left alone: the push result brings their server state once acknowledged.
 */
export async function applyPullPage(db: SyncDatabase, page: PullResponse): Promise<Set<string>> {
  const collections = Object.keys(page.changes).filter((collection) => db.collections.includes(collection));
  const tables = collections.map((collection) => db.records(collection));
  const changed = new Set<string>();
  await db.transaction('rw', [...tables, db.outbox, db.meta], async () => {
    await removeAcknowledged(db, page.lastAppliedSeq);
    for (const collection of collections) {
      const { upserted, deleted } = page.changes[collection] ?? { upserted: [], deleted: [] };
      const table = db.records(collection);
      for (const record of upserted) {
        if ((await countPendingFor(db, collection, record.id)) > 0) continue;
        await table.put(record);
        changed.add(collection);
      }
      for (const id of deleted) {
        if ((await countPendingFor(db, collection, id)) > 0) continue;
        await table.delete(id);
        changed.add(collection);
      }
    }
    await db.setMeta('cursor', page.cursor);
    await db.setMeta('lastAppliedSeq', page.lastAppliedSeq);
  });
  return changed;
}
