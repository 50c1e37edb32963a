import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Mutation, PushRequest } from '../protocol/index.ts';
import { Collections } from './collections.ts';
import type { ConflictStrategy } from './conflicts.ts';
import { pullChanges } from './pull.ts';
import { applyPush, type PushContext } from './push.ts';
import type { Storage } from './storage.ts';
import { openTestStorage, TEST_BACKENDS } from './test-backends.ts';

function mutation(seq: number, fields: Partial<Mutation> = {}): Mutation {
  return {
    seq,
    id: `m-${seq}`,
    collection: 'todos',
    op: 'create',
    recordId: `r-${seq}`,
    data: { title: `todo ${seq}` },
    baseVersion: null,
    at: 1000 + seq,
    ...fields,
  };
}

describe.each(TEST_BACKENDS)('push and pull on $name', (backend) => {
  let storage: Storage;
  let drop: () => Promise<void>;
  let strategy: ConflictStrategy;

  beforeEach(async () => {
    ({ storage, drop } = await openTestStorage(backend));
    strategy = 'merge';
  });
  afterEach(() => drop());

  const context = (owner = 'alice'): PushContext => ({
    storage,
    owner,
    collections: new Collections(null, strategy),
    maxRecordBytes: 10_000,
  });
  const push = (request: PushRequest, owner?: string) => applyPush(context(owner), request);
  const count = async (sql: string) =>
    Number((await storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`))[0]?.n);

  it('applies each mutation once and answers re-sent ones duplicate', async () => {
    const first = await push({ clientId: 'c1', mutations: [mutation(1), mutation(2)] });
    expect(first.lastAppliedSeq).toBe(2);
    expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied']);

    const again = await push({ clientId: 'c1', mutations: [mutation(1), mutation(2), mutation(3)] });
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'applied']);
    expect(await count('syncworker_records')).toBe(3);
    expect(await count('syncworker_mutations')).toBe(3);
  });

  it('applies a push sent many times at once exactly once', async () => {
    const request = {
      clientId: 'c1',
      mutations: [mutation(1), mutation(2, { op: 'update', recordId: 'r-1', data: { done: true } })],
    };
    const answers = await Promise.all(Array.from({ length: 6 }, () => push(request)));
    expect(answers.every((answer) => answer.lastAppliedSeq === 2)).toBe(true);
    expect(await count('syncworker_mutations')).toBe(2);
    const [row] = await storage.query<{ version: number; data: object }>(
      'SELECT version, data FROM syncworker_records',
    );
    expect(Number(row?.version)).toBe(2);
    expect(row?.data).toEqual({ title: 'todo 1', done: true });
  });

  it('answers seq_gap with the last applied seq and applies nothing', async () => {
    await push({ clientId: 'c1', mutations: [mutation(1)] });
    await expect(push({ clientId: 'c1', mutations: [mutation(3)] })).rejects.toMatchObject({
      code: 'seq_gap',
      details: { lastAppliedSeq: 1 },
    });
    expect(await count('syncworker_mutations')).toBe(1);
  });

  it('rejects a mutation that can never apply but counts it as processed', async () => {
    const answer = await push({
      clientId: 'c1',
      mutations: [
        mutation(1, { collection: 'Not A Name' }),
        mutation(2, { data: { __proto__: 1 } as never }),
        mutation(3),
      ],
    });
    expect(answer.results.map((r) => [r.status, r.error?.code])).toEqual([
      ['rejected', 'unknown_collection'],
      ['applied', undefined],
      ['applied', undefined],
    ]);
    expect(answer.lastAppliedSeq).toBe(3);
    const resent = await push({ clientId: 'c1', mutations: [mutation(1, { collection: 'Not A Name' }), mutation(2)] });
    expect(resent.results.map((r) => [r.status, r.error?.code])).toEqual([
      ['duplicate', 'unknown_collection'],
      ['duplicate', undefined],
    ]);
  });

  it('never stores server-owned fields sent by a client', async () => {
    const answer = await push({
      clientId: 'c1',
      mutations: [mutation(1, { data: { title: 't', _version: 99, _owner: 'eve', id: 'x' } })],
    });
    expect(answer.results[0]?.record).toEqual({ id: 'r-1', title: 't', _version: 1 });
  });

  it('refuses a client id used by another user', async () => {
    await push({ clientId: 'c1', mutations: [mutation(1)] }, 'alice');
    await expect(push({ clientId: 'c1', mutations: [mutation(2)] }, 'bob')).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('resolves a stale update with the collection strategy', async () => {
    await push({ clientId: 'a', mutations: [mutation(1, { recordId: 't', data: { title: 'v1', done: false } })] });
    await push({
      clientId: 'b',
      mutations: [mutation(1, { op: 'update', recordId: 't', data: { done: true }, baseVersion: 1, at: 5000 })],
    });
    const stale = (seq: number) =>
      mutation(seq, { op: 'update', recordId: 't', data: { title: 'from a' }, baseVersion: 1, at: 3000 });

    strategy = 'merge';
    const merged = await push({ clientId: 'a', mutations: [stale(2)] });
    expect(merged.results[0]).toMatchObject({
      status: 'conflict',
      record: { title: 'from a', done: true, _version: 3 },
    });

    strategy = 'server-wins';
    await push({
      clientId: 'b',
      mutations: [mutation(2, { op: 'update', recordId: 't', data: { title: 'from b' }, baseVersion: 3, at: 6000 })],
    });
    const kept = await push({ clientId: 'a', mutations: [stale(3)] });
    expect(kept.results[0]).toMatchObject({ status: 'conflict', record: { title: 'from b', _version: 4 } });

    strategy = 'lww';
    const older = await push({ clientId: 'a', mutations: [stale(4)] });
    expect(older.results[0]).toMatchObject({ status: 'conflict', record: { title: 'from b' } });
    const newer = await push({ clientId: 'a', mutations: [{ ...stale(5), at: 9000 }] });
    expect(newer.results[0]).toMatchObject({ status: 'conflict', record: { title: 'from a', _version: 5 } });
  });

  it('resolves with a custom function when used as a library', async () => {
    strategy = ({ server, client }) => ({ ...server, ...client, merged: true });
    await push({ clientId: 'a', mutations: [mutation(1, { recordId: 't', data: { title: 'v1' } })] });
    await push({
      clientId: 'b',
      mutations: [mutation(1, { op: 'update', recordId: 't', data: { done: true }, baseVersion: 1 })],
    });
    const answer = await push({
      clientId: 'a',
      mutations: [mutation(2, { op: 'update', recordId: 't', data: { title: 'v2' }, baseVersion: 1 })],
    });
    expect(answer.results[0]).toMatchObject({
      status: 'conflict',
      record: { title: 'v2', done: true, merged: true, _version: 3 },
    });
  });

  it('replaces the whole record on an update marked replace (a REST PUT)', async () => {
    await push({
      clientId: 'c1',
      mutations: [mutation(1, { recordId: 't', data: { title: 'a', note: 'dropped by the PUT' } })],
    });
    const answer = await push({
      clientId: 'c1',
      mutations: [
        mutation(2, { op: 'update', recordId: 't', data: { title: 'b' }, replace: true, baseVersion: 1 }),
        mutation(3, { op: 'update', recordId: 't', data: { done: true }, baseVersion: 2 }),
      ],
    });
    expect(answer.results.map((r) => r.record)).toEqual([
      { id: 't', title: 'b', _version: 2 },
      { id: 't', title: 'b', done: true, _version: 3 },
    ]);
  });

  it('pulls only the collections asked for', async () => {
    await push({
      clientId: 'c1',
      mutations: [mutation(1), mutation(2, { collection: 'notes' }), mutation(3, { collection: 'tags' })],
    });
    const page = await pullChanges(storage, 'alice', { cursor: null, collections: ['notes', 'tags'] });
    expect(Object.keys(page.changes).sort()).toEqual(['notes', 'tags']);
  });

  it('does not flag a conflict for changes made on top of the client’s own writes', async () => {
    await push({ clientId: 'a', mutations: [mutation(1, { recordId: 't' })] });
    const answer = await push({
      clientId: 'a',
      mutations: [
        mutation(2, { op: 'update', recordId: 't', data: { n: 1 }, baseVersion: 1 }),
        mutation(3, { op: 'update', recordId: 't', data: { n: 2 }, baseVersion: 1 }),
      ],
    });
    expect(answer.results.map((r) => r.status)).toEqual(['applied', 'applied']);
  });

  it('pulls in pages with tombstones, scoped to the user, and reports lastAppliedSeq', async () => {
    await push({ clientId: 'c1', mutations: [1, 2, 3, 4, 5].map((seq) => mutation(seq)) });
    await push({ clientId: 'c1', mutations: [mutation(6, { op: 'delete', recordId: 'r-2' })] });
    await push({ clientId: 'c9', mutations: [mutation(1, { recordId: 'bobs' })] }, 'bob');

    const seen: string[] = [];
    const deleted: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (let hasMore = true; hasMore; pages++) {
      const page = await pullChanges(storage, 'alice', { cursor, limit: 2, clientId: 'c1' });
      seen.push(...(page.changes.todos?.upserted.map((r) => r.id) ?? []));
      deleted.push(...(page.changes.todos?.deleted ?? []));
      expect(page.lastAppliedSeq).toBe(6);
      ({ cursor, hasMore } = page);
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(['r-1', 'r-3', 'r-4', 'r-5']);
    expect(deleted).toEqual(['r-2']);
    const after = await pullChanges(storage, 'alice', { cursor, clientId: 'c1' });
    expect(after.changes).toEqual({});
    await expect(pullChanges(storage, 'alice', { cursor: 'forged' })).rejects.toMatchObject({ code: 'invalid_body' });
  });

  it('counts a skip as processed and applies nothing, mid-batch and when re-sent', async () => {
    const skip: Mutation = {
      seq: 2,
      id: 'm\u0000'.repeat(100),
      collection: 'not a collection\u0000',
      op: 'skip',
      recordId: 'y'.repeat(10_000),
      data: { bad: '\u0000' },
      baseVersion: -1,
      at: Number.NaN,
    };
    const answer = await push({ clientId: 'c1', mutations: [mutation(1), skip, mutation(3)] });
    expect(answer.results).toEqual([
      { seq: 1, status: 'applied', record: { id: 'r-1', title: 'todo 1', _version: 1 } },
      { seq: 2, status: 'applied' },
      { seq: 3, status: 'applied', record: { id: 'r-3', title: 'todo 3', _version: 1 } },
    ]);
    expect(answer.lastAppliedSeq).toBe(3);
    expect(await count('syncworker_records')).toBe(2);
    const ledger = await storage.query<{ op: string; status: string; long: number }>(
      `SELECT op, status, length(record_id) + length(mutation_id) + length(collection) AS long
       FROM syncworker_mutations WHERE seq = 2`,
    );
    expect(ledger).toEqual([{ op: 'skip', status: 'applied', long: expect.any(Number) }]);
    expect(ledger[0]?.long).toBeLessThanOrEqual(128 + 64 + 200);

    const again = await push({ clientId: 'c1', mutations: [skip, mutation(3), { ...skip, seq: 4 }] });
    expect(again.results.map((r) => [r.status, r.record])).toEqual([
      ['duplicate', undefined],
      ['duplicate', { id: 'r-3', title: 'todo 3', _version: 1 }],
      ['applied', undefined],
    ]);
    expect(again.lastAppliedSeq).toBe(4);
    expect(await count('syncworker_records')).toBe(2);
    expect(await count('syncworker_mutations')).toBe(4);
  });

  it('answers a skip re-sent for a seq applied as the real mutation with that record', async () => {
    await push({ clientId: 'c1', mutations: [mutation(1)] });
    // The push committed but its answer was lost; the user discarded the write meanwhile.
    const answer = await push({ clientId: 'c1', mutations: [{ ...mutation(1), op: 'skip' }, mutation(2)] });
    expect(answer.results.map((r) => [r.status, r.record])).toEqual([
      ['duplicate', { id: 'r-1', title: 'todo 1', _version: 1 }],
      ['applied', { id: 'r-2', title: 'todo 2', _version: 1 }],
    ]);
  });

  it('scopes ids to their user: missing ids leave no tombstone, and no user blocks another', async () => {
    const alice = await push({
      clientId: 'a',
      mutations: [
        mutation(1, { op: 'delete', recordId: 'never-existed' }),
        mutation(2, { recordId: 'shared' }),
        mutation(3, { op: 'delete', recordId: 'shared' }),
        mutation(4, { recordId: 'taken', data: { title: 'alice' } }),
      ],
    });
    expect(alice.results.map((r) => [r.status, r.record])).toEqual([
      ['applied', null],
      ['applied', { id: 'shared', title: 'todo 2', _version: 1 }],
      ['applied', null],
      ['applied', { id: 'taken', title: 'alice', _version: 1 }],
    ]);
    expect(await count("syncworker_records WHERE id = 'never-existed'")).toBe(0);

    const bob = await push(
      {
        clientId: 'b',
        mutations: ['never-existed', 'shared', 'taken'].map((recordId, index) =>
          mutation(index + 1, { recordId, data: { title: 'bob' } }),
        ),
      },
      'bob',
    );
    expect(bob.results.map((r) => [r.status, r.record?.id, r.record?._version])).toEqual([
      ['applied', 'never-existed', 1],
      ['applied', 'shared', 1],
      ['applied', 'taken', 1],
    ]);
    const bobsDelete = await push(
      { clientId: 'b', mutations: [mutation(4, { op: 'delete', recordId: 'taken' })] },
      'bob',
    );
    expect(bobsDelete.results[0]?.status).toBe('applied');

    const alicesPull = await pullChanges(storage, 'alice', { cursor: null });
    expect(alicesPull.changes.todos).toEqual({
      upserted: [{ id: 'taken', title: 'alice', _version: 1 }],
      deleted: ['shared'],
    });
    const bobsPull = await pullChanges(storage, 'bob', { cursor: null });
    expect(bobsPull.changes.todos?.upserted.map((r) => r.id)).toEqual(['never-existed', 'shared']);
    expect(bobsPull.changes.todos?.deleted).toEqual(['taken']);
  });

  it('leaves a client’s settled writes out of its pulls, still moving the cursor past them', async () => {
    await push({ clientId: 'a', mutations: [mutation(1), mutation(2), mutation(3)] });
    await push({
      clientId: 'b',
      mutations: [
        mutation(1, { recordId: 'from-b' }),
        mutation(2, { op: 'update', recordId: 'r-1', data: { done: true }, baseVersion: 1 }),
      ],
    });
    await push({ clientId: 'a', mutations: [mutation(4, { op: 'delete', recordId: 'r-2' })] });
    const ids = (page: Awaited<ReturnType<typeof pullChanges>>) => [
      ...(page.changes.todos?.upserted.map((r) => r.id) ?? []),
      ...(page.changes.todos?.deleted.map((id) => `-${id}`) ?? []),
    ];

    const everything = await pullChanges(storage, 'alice', { cursor: null, clientId: 'a' });
    expect(ids(everything).sort()).toEqual(['-r-2', 'from-b', 'r-1', 'r-3']);
    const settled = await pullChanges(storage, 'alice', { cursor: null, clientId: 'a', settledSeq: 4 });
    expect(ids(settled).sort()).toEqual(['from-b', 'r-1']);
    expect(settled.changes.todos?.upserted.find((r) => r.id === 'r-1')).toEqual({
      id: 'r-1',
      title: 'todo 1',
      done: true,
      _version: 2,
    });
    expect([settled.cursor, settled.hasMore, settled.lastAppliedSeq]).toEqual([everything.cursor, false, 4]);
    // Writes past settledSeq (their push answers not adopted yet) still come.
    const partly = await pullChanges(storage, 'alice', { cursor: null, clientId: 'a', settledSeq: 2 });
    expect(ids(partly).sort()).toEqual(['-r-2', 'from-b', 'r-1', 'r-3']);
    const forB = await pullChanges(storage, 'alice', { cursor: null, clientId: 'b', settledSeq: 2 });
    expect(ids(forB).sort()).toEqual(['-r-2', 'r-3']);

    const pages: string[][] = [];
    let cursor: string | null = null;
    for (let hasMore = true; hasMore; ) {
      const page = await pullChanges(storage, 'alice', { cursor, clientId: 'a', settledSeq: 4, limit: 2 });
      pages.push(ids(page));
      ({ cursor, hasMore } = page);
    }
    // Change order: r-3 (a), from-b (b), r-1 (b), r-2 deleted (a); r-1 and r-2's first writes were overwritten.
    expect(pages).toEqual([['from-b'], ['r-1']]);
    expect(cursor).toBe(everything.cursor);
  });
});
