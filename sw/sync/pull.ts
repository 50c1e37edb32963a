import type { PullResponse, SyncRecord } from '../../protocol/index.ts';
import { type ChangeSet, noteChange, writeChanges } from '../local/change-set.ts';
import type { SyncDatabase } from '../local/database.ts';
import { pendingRecordKeys, recordKey, removeAcknowledged } from '../local/outbox.ts';
import { appendLog } from '../local/sync-log.ts';
import type { SettleHooks } from './push.ts';
import type { SyncTransport } from './sync-transport.ts';

/** Records per pull page. */
const PULL_PAGE_SIZE = 1000;

/** Changes applied per transaction: small enough that a local write never waits long behind a pull. */
const APPLY_CHUNK_SIZE = 100;

export interface PullHooks extends Pick<SettleHooks, 'onChanged'> {
  onProgress(pulled: number, hasMore: boolean): void;
  /** Called between pages, so local writes made meanwhile go out while a long pull runs. */
  betweenPages(): Promise<void>;
}

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
  hooks: PullHooks,
): Promise<boolean> {
  let pulled = 0;
  // The client's own writes up to here are not sent back; one value for the whole pull.
  const settledSeq = (await db.getMeta<number>('settledSeq')) ?? 0;
  let firstLastAppliedSeq: number | null = null;
  for (let hasMore = true; hasMore; ) {
    if (Date.now() > deadline) return false;
    const cursor = (await db.getMeta<string>('cursor')) ?? null;
    const collections = [...db.collections];
    const page = await transport.pull({ cursor, clientId, settledSeq, collections, limit: PULL_PAGE_SIZE });
    firstLastAppliedSeq ??= page.lastAppliedSeq;
    const received = await applyPullPage(db, page, hooks.onChanged);
    pulled += received;
    hasMore = page.hasMore;
    if (received > 0 || hasMore) hooks.onProgress(pulled, hasMore);
    if (hasMore) await hooks.betweenPages();
  }
  // A whole pull brought every change up to where it started, own writes past `settledSeq` included.
  if (firstLastAppliedSeq !== null && firstLastAppliedSeq > settledSeq) await raiseSettledSeq(db, firstLastAppliedSeq);
  if (pulled > 0) await appendLog(db, { kind: 'pull', message: `pulled ${pulled} change(s)` });
  return true;
}

async function raiseSettledSeq(db: SyncDatabase, seq: number): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    await db.setMeta('settledSeq', Math.max((await db.getMeta<number>('settledSeq')) ?? 0, seq));
  });
}

type PulledChange = { collection: string; id: string; record: SyncRecord | null };

/**
 * Applies one page in short transactions of bulk requests, the cursor moving with the last.
 * Records with unacknowledged local changes are left alone: the push result brings their
 * server state once acknowledged. The page's changes are reported once, after its last chunk.
 * Returns how many changes the page carried.
 */
export async function applyPullPage(
  db: SyncDatabase,
  page: PullResponse,
  onChanged: (changes: ChangeSet) => void = () => {},
): Promise<number> {
  const pulled: PulledChange[] = [];
  for (const [collection, { upserted, deleted }] of Object.entries(page.changes)) {
    if (!db.collections.includes(collection)) continue;
    for (const record of upserted) pulled.push({ collection, id: record.id, record });
    for (const id of deleted) pulled.push({ collection, id, record: null });
  }
  const pageChanges: ChangeSet = new Map();
  const chunkCount = Math.max(1, Math.ceil(pulled.length / APPLY_CHUNK_SIZE));
  for (let index = 0; index < chunkCount; index++) {
    const chunk = pulled.slice(index * APPLY_CHUNK_SIZE, (index + 1) * APPLY_CHUNK_SIZE);
    const isFirst = index === 0;
    const isLast = index === chunkCount - 1;
    const stores = [...new Set(chunk.map((change) => change.collection))].map((name) => db.records(name).table);
    await db.transaction('rw', [...stores, db.outbox, db.importedOutbox, db.meta], async () => {
      // What the server has applied no longer protects a record from the server's version.
      if (isFirst) await removeAcknowledged(db, page.lastAppliedSeq);
      const pending = await pendingRecordKeys(
        db,
        chunk.map(({ collection, id }): [string, string] => [collection, id]),
      );
      const changes: ChangeSet = new Map();
      for (const { collection, id, record } of chunk) {
        if (pending.has(recordKey(collection, id))) continue;
        noteChange(changes, collection, id, record);
        noteChange(pageChanges, collection, id, record);
      }
      await writeChanges(db, changes);
      if (isLast) {
        await Promise.all([db.setMeta('cursor', page.cursor), db.setMeta('lastAppliedSeq', page.lastAppliedSeq)]);
      }
    });
  }
  if (pageChanges.size > 0) onChanged(pageChanges);
  return pulled.length;
}
