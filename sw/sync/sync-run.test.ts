import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PullResponse, PushRequest, PushResponse } from '../../protocol/index.ts';
import { SyncDatabase } from '../local/database.ts';
import { putRecord } from '../local/local-writes.ts';
import { readLog } from '../local/sync-log.ts';
import { WriteBatcher } from '../local/write-batcher.ts';
import { runSync } from './sync-run.ts';

const SYNC_URL = 'https://sync.test/sync';
const hooks = { onOutcomes: () => {}, onChanged: () => {}, onProgress: () => {} };

let db: SyncDatabase;
let writer: WriteBatcher;

beforeEach(() => {
  db = new SyncDatabase(`run-${crypto.randomUUID()}`, new Map([['todos', []]]));
  writer = new WriteBatcher(db, () => {});
});
afterEach(async () => {
  vi.unstubAllGlobals();
  await db.delete();
});

/** A sync server that rejects the record `bad`, applies the rest, and has one change from another client to pull. */
function serve(): void {
  let isPulled = false;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as PushRequest;
    if (url.endsWith('/push')) {
      const answer: PushResponse = {
        lastAppliedSeq: body.mutations.at(-1)?.seq ?? 0,
        results: body.mutations.map(({ seq, recordId, data }) =>
          recordId === 'bad'
            ? { seq, status: 'rejected', record: null, error: { code: 'invalid_field_type', message: 'bad' } }
            : { seq, status: 'applied', record: { ...data, id: recordId, _version: 1 } },
        ),
      };
      return Response.json(answer);
    }
    const answer: PullResponse = {
      changes: isPulled ? {} : { todos: { upserted: [{ id: 'theirs', _version: 1 }], deleted: [] } },
      cursor: 'c1',
      hasMore: false,
      lastAppliedSeq: 0,
    };
    isPulled = true;
    return Response.json(answer);
  });
}

describe('a sync run', () => {
  it('is logged with what it pushed, pulled and failed, and the outbox depth before and after', async () => {
    serve();
    for (const id of ['a', 'bad', 'b']) await putRecord(writer, 'todos', id, { title: id });
    expect(await runSync(db, SYNC_URL, null, hooks)).toBe(true);
    const runs = (await readLog(db, 50)).filter((entry) => entry.kind === 'run');
    expect(runs).toHaveLength(1);
    expect(runs[0]?.run).toMatchObject({
      pushed: 2,
      pulled: 1,
      failed: 1,
      outboxBefore: 3,
      outboxAfter: 0,
      error: null,
    });
    expect(runs[0]?.message).toBe('pushed 2, pulled 1, failed 1');
  });

  it('that stops on an error is logged with the error; one with nothing to do is not logged', async () => {
    serve();
    await runSync(db, SYNC_URL, null, hooks);
    expect(await runSync(db, SYNC_URL, null, hooks)).toBe(true);
    expect((await readLog(db, 50)).filter((entry) => entry.kind === 'run')).toHaveLength(1);

    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await putRecord(writer, 'todos', 'offline', {});
    await expect(runSync(db, SYNC_URL, null, hooks)).rejects.toMatchObject({ code: 'network_error' });
    const last = (await readLog(db, 50)).at(-1);
    expect(last?.kind).toBe('run');
    expect(last?.run).toMatchObject({
      pushed: 0,
      failed: 0,
      outboxBefore: 1,
      outboxAfter: 1,
      error: { code: 'network_error' },
    });
  });
});
