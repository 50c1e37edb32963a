import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MutationOutcome, type PushRequest, type PushResponse, SyncError } from '../../protocol/index.ts';
import { SyncDatabase } from '../local/database.ts';
import { pushImported } from './imported-push.ts';
import type { SyncTransport } from './sync-transport.ts';

let db: SyncDatabase;

beforeEach(async () => {
  db = new SyncDatabase(`imported-${crypto.randomUUID()}`, new Map([['todos', []]]));
  await db.importedOutbox.bulkAdd(
    [1, 2].map((seq) => ({
      clientId: 'c-old',
      seq,
      mutationId: `m-${seq}`,
      collection: 'todos',
      op: 'create' as const,
      recordId: `t${seq}`,
      data: { id: `t${seq}`, title: `todo ${seq}` },
      baseVersion: null,
      at: seq,
      attempts: 0,
      lastError: null,
    })),
  );
  await db.records('todos').bulkPut([
    { id: 't1', title: 'todo 1' },
    { id: 't2', title: 'todo 2' },
  ]);
});
afterEach(() => db.delete());

const server = (answer: (request: PushRequest) => PushResponse) =>
  ({ push: async (request: PushRequest) => answer(request) }) as unknown as SyncTransport;

describe('pushImported', () => {
  it('parks a rejected mutation as a dead letter and adopts the server records', async () => {
    const outcomes: MutationOutcome[] = [];
    const transport = server(() => ({
      lastAppliedSeq: 2,
      results: [
        { seq: 1, status: 'applied', record: { id: 't1', title: 'todo 1', _version: 1 } },
        { seq: 2, status: 'rejected', record: null, error: { code: 'forbidden', message: 'not yours' } },
      ],
    }));
    const hooks = { onOutcomes: (settled: MutationOutcome[]) => outcomes.push(...settled), onChanged: () => {} };
    expect(await pushImported(db, transport, Date.now() + 10_000, hooks)).toBe(true);
    expect(outcomes.map(({ seq, status }) => [seq, status])).toEqual([
      [1, 'applied'],
      [2, 'rejected'],
    ]);
    expect(await db.importedOutbox.count()).toBe(0);
    expect((await db.deadLetters.toArray()).map(({ id, error }) => [id, error.code])).toEqual([['m-2', 'forbidden']]);
    expect(await db.records('todos').get('t1')).toEqual({ id: 't1', title: 'todo 1', _version: 1 });
    expect(await db.records('todos').get('t2')).toBeUndefined();
    expect(await db.getMeta('importedAppliedSeqs')).toEqual({ 'c-old': 2 });
  });

  it('parks a client whose earlier mutations never reached the server (seq_gap)', async () => {
    const transport = server(() => {
      throw new SyncError('seq_gap', 'expected seq 1', { lastAppliedSeq: 0 });
    });
    // The server says this client's earlier mutations are missing: these can never apply in order.
    expect(await pushImported(db, transport, Date.now() + 10_000, { onOutcomes: () => {}, onChanged: () => {} })).toBe(
      true,
    );
    expect(await db.importedOutbox.count()).toBe(0);
    expect((await db.deadLetters.toArray()).map(({ error }) => error.code)).toEqual(['seq_gap', 'seq_gap']);
  });
});
