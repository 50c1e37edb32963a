import type { PullResponse } from '../../protocol/index.ts';
import type { SyncDatabase } from '../local/database.ts';
import { countPendingFor, removeAcknowledged } from '../local/outbox.ts';
import type { SettleHooks } from './push.ts';
import { appendLog } from '../local/sync-log.ts';
import type { SyncTransport } from './sync-transport.ts';

/** Records per pull page. */
const PULL_PAGE_SIZE = 1000;

/**
 * Pulls every change since the stored cursor, page by page, until done or `deadline` passes;
 * returns false when time ran out first. The cursor is saved with each page, so an interrupted
 * pull (or bootstrap) resumes where it stopped.
 */
export async function pullChanges(
  db: SyncDatabase,
  transport: SyncTransport,
  clientId: string,
  deadline: number,
  hooks: Pick<SettleHooks, 'onChanged'> & { onProgress(pulled: number, hasMore: boolean): void },
): Promise<boolean> {
  let pulled = 0;
  for (let hasMore = true; hasMore; ) {
    if (Date.now() > deadline) return false;
    const cursor = (await db.getMeta<string>('cursor')) ?? null;
    const page = await transport.pull({ cursor, clientId, collections: [...db.collections], limit: PULL_PAGE_SIZE });
    const changed = await applyPullPage(db, page);
    if (changed.size > 0) hooks.onChanged([...changed]);
    const received = Object.values(page.changes).reduce(
      (sum, changes) => sum + changes.upserted.length + changes.deleted.length,
      0,
    );
    pulled += received;
    hasMore = page.hasMore;
    if (received > 0 || hasMore) hooks.onProgress(pulled, hasMore);
  }
  if (pulled > 0) await appendLog(db, { kind: 'pull', message: `pulled ${pulled} change(s)` });
  return true;
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
