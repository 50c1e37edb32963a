import type { SyncLogEntry } from '../../protocol/index.ts';
import type { SyncDatabase } from './database.ts';

/** Entries kept; older ones are dropped as new ones arrive. */
const LOG_LIMIT = 500;

/** Appends to the bounded sync log the devtools panel shows. Never fails the caller. */
export async function appendLog(db: SyncDatabase, entry: Omit<SyncLogEntry, 'at'>): Promise<void> {
  try {
    await db.transaction('rw', db.log, async () => {
      await db.log.add({ ...entry, at: Date.now() });
      const excess = (await db.log.count()) - LOG_LIMIT;
      if (excess > 0) await db.log.orderBy('id').limit(excess).delete();
    });
  } catch (error) {
    console.warn('syncworker: cannot write the sync log', error);
  }
}

/** The latest `limit` entries, oldest first. */
export async function readLog(db: SyncDatabase, limit: number): Promise<SyncLogEntry[]> {
  return (await db.log.orderBy('id').reverse().limit(limit).toArray()).reverse();
}
