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
});
