import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PushRequest, type PushResponse, SyncError } from '../../protocol/index.ts';
import { SyncDatabase } from '../local/database.ts';
import { putRecord } from '../local/local-writes.ts';
import { WriteBatcher } from '../local/write-batcher.ts';
import { pushOutbox } from './push.ts';
import type { SyncTransport } from './sync-transport.ts';

let db: SyncDatabase;

beforeEach(async () => {
  db = new SyncDatabase(`push-${crypto.randomUUID()}`, new Map([['todos', []]]));
  const writer = new WriteBatcher(db, () => {});
  await Promise.all(Array.from({ length: 23 }, (_, index) => putRecord(writer, 'todos', `t${index}`, { n: index })));
});
afterEach(() => db.delete());

/** A server that applies every mutation, but refuses pushes of more than `limit`. */
function serverWithLimit(limit: number, sizes: number[]): SyncTransport {
  let lastAppliedSeq = 0;
  const push = async ({ mutations }: PushRequest): Promise<PushResponse> => {
    sizes.push(mutations.length);
    if (mutations.length > limit) throw new SyncError('too_many_mutations', `At most ${limit} mutations per push`);
    lastAppliedSeq = mutations.at(-1)?.seq ?? lastAppliedSeq;
    return { lastAppliedSeq, results: mutations.map(({ seq }) => ({ seq, status: 'applied' as const })) };
  };
  return { push } as unknown as SyncTransport;
}

describe('pushOutbox', () => {
  it('sends a batch the server refuses as too large again in halves, until the outbox is empty', async () => {
    const sizes: number[] = [];
    const hooks = { onOutcomes: () => {}, onChanged: () => {} };
    expect(await pushOutbox(db, serverWithLimit(5, sizes), 'c-1', Date.now() + 10_000, hooks)).toBe(true);
    expect(await db.outbox.count()).toBe(0);
    expect(sizes.slice(0, 4)).toEqual([23, 12, 6, 3]);
    expect(sizes.slice(4).every((size) => size <= 3)).toBe(true);
    expect(await db.getMeta('lastAppliedSeq')).toBe(23);
  });
});

describe('a push pass', () => {
  it('sends what was queued when it started, not writes made meanwhile', async () => {
    const writer = new WriteBatcher(db, () => {});
    let pushes = 0;
    let lastAppliedSeq = 0;
    const transport = {
      push: async ({ mutations }: PushRequest): Promise<PushResponse> => {
        pushes += 1;
        // The app keeps writing while each push is on its way.
        await putRecord(writer, 'todos', `during-${pushes}`, {});
        lastAppliedSeq = mutations.at(-1)?.seq ?? lastAppliedSeq;
        return { lastAppliedSeq, results: mutations.map(({ seq }) => ({ seq, status: 'applied' as const })) };
      },
    } as unknown as SyncTransport;
    const hooks = { onOutcomes: () => {}, onChanged: () => {} };
    expect(await pushOutbox(db, transport, 'c-1', Date.now() + 10_000, hooks)).toBe(true);
    expect(pushes).toBe(1);
    expect((await db.outbox.toArray()).map((entry) => entry.recordId)).toEqual(['during-1']);
  });
});
