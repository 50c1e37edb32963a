import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyncError } from '../../protocol/index.ts';
import type { ChangeSet } from './change-set.ts';
import { SyncDatabase } from './database.ts';
import { createRecord, deleteRecord, patchRecord, putRecord } from './local-writes.ts';
import { parseIndexes } from './stored-record.ts';
import { WriteBatcher } from './write-batcher.ts';

let db: SyncDatabase;
let writer: WriteBatcher;
let commits: ChangeSet[];

beforeEach(() => {
  db = new SyncDatabase(`writes-${crypto.randomUUID()}`, new Map([['todos', parseIndexes('todos', ['done'])]]));
  commits = [];
  writer = new WriteBatcher(db, (changes) => commits.push(changes));
});
afterEach(() => db.delete());

const idempotency = (key: string, body = '{}') => ({ key, fingerprint: `POST /api/todos ${body}`, status: 201 });

describe('group commit', () => {
  it('commits writes issued together in one transaction, numbered in order, each answered after its commit', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) => putRecord(writer, 'todos', `t${index}`, { title: `todo ${index}` })),
    );
    expect(commits).toHaveLength(1);
    expect(answers.map((answer) => answer.pending)).toEqual(Array(50).fill(1));
    const outbox = await db.outbox.orderBy('seq').toArray();
    expect(outbox.map((entry) => [entry.seq, entry.recordId])).toEqual(
      Array.from({ length: 50 }, (_, index) => [index + 1, `t${index}`]),
    );
    expect(await db.getMeta('nextSeq')).toBe(51);
    expect(await db.records('todos').get('t7')).toEqual({ id: 't7', title: 'todo 7' });
  });

  it('groups writes that arrive while a transaction commits into the next one', async () => {
    const first = putRecord(writer, 'todos', 'a', { n: 1 });
    await Promise.resolve();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const later = [putRecord(writer, 'todos', 'b', { n: 2 }), putRecord(writer, 'todos', 'c', { n: 3 })];
    await Promise.all([first, ...later]);
    expect(commits.map((changes) => [...(changes.get('todos')?.upserted.keys() ?? [])])).toEqual([['a'], ['b', 'c']]);
  });

  it('fails a write whose plan throws alone, and sees earlier writes of the same batch', async () => {
    const results = await Promise.allSettled([
      createRecord(writer, 'todos', { id: 'x', title: 'one' }),
      createRecord(writer, 'todos', { id: 'x', title: 'two' }),
      patchRecord(writer, 'todos', 'x', { done: true }),
      deleteRecord(writer, 'todos', 'missing'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(((results[1] as PromiseRejectedResult).reason as SyncError).code).toBe('already_exists');
    expect(((results[3] as PromiseRejectedResult).reason as SyncError).code).toBe('not_found');
    expect(await db.records('todos').get('x')).toEqual({ id: 'x', title: 'one', done: true });
    expect((await db.outbox.toArray()).map((entry) => [entry.seq, entry.op])).toEqual([
      [1, 'create'],
      [2, 'update'],
    ]);
    expect((await patchRecord(writer, 'todos', 'x', { n: 1 })).pending).toBe(3);
  });

  it('fails only the writes of a transaction that fails', async () => {
    await putRecord(writer, 'todos', 'kept', { n: 1 });
    const bulkAdd = db.outbox.bulkAdd.bind(db.outbox);
    db.outbox.bulkAdd = () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    const failed = await Promise.allSettled([putRecord(writer, 'todos', 'a', {}), putRecord(writer, 'todos', 'b', {})]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    db.outbox.bulkAdd = bulkAdd;
    await putRecord(writer, 'todos', 'c', {});
    expect(await db.table('todos').toCollection().primaryKeys()).toEqual(['c', 'kept']);
    expect((await db.outbox.toArray()).map((entry) => [entry.seq, entry.recordId])).toEqual([
      [1, 'kept'],
      [2, 'c'],
    ]);
  });

  it('answers a write dispatched again under the same Idempotency-Key with the first answer, applying it once', async () => {
    const first = await createRecord(writer, 'todos', { title: 'milk' }, idempotency('k1'));
    const again = await createRecord(writer, 'todos', { title: 'milk' }, idempotency('k1'));
    expect(again).toEqual({ ...first, isReplay: true });
    expect(await db.outbox.count()).toBe(1);
    expect(await db.table('todos').count()).toBe(1);
  });

  it('deduplicates two dispatches of one request within one batch', async () => {
    const [first, second] = await Promise.all([
      createRecord(writer, 'todos', { title: 'milk' }, idempotency('k2')),
      createRecord(writer, 'todos', { title: 'milk' }, idempotency('k2')),
    ]);
    expect(second?.record).toEqual(first?.record);
    expect(second?.isReplay).toBe(true);
    expect(await db.outbox.count()).toBe(1);
  });

  it('refuses an Idempotency-Key reused for another request', async () => {
    await createRecord(writer, 'todos', { title: 'milk' }, idempotency('k3', 'a'));
    await expect(createRecord(writer, 'todos', { title: 'bread' }, idempotency('k3', 'b'))).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
    expect(await db.outbox.count()).toBe(1);
  });

  it('stores index keys beside the record and hides them from readers', async () => {
    await putRecord(writer, 'todos', 'a', { done: false });
    expect(await db.table('todos').get('a')).toEqual({ id: 'a', done: false, $k: { done: [0] } });
    expect(await db.records('todos').get('a')).toEqual({ id: 'a', done: false });
    expect(await db.table('todos').where('$k.done').equals([0]).primaryKeys()).toEqual(['a']);
  });

  it('refuses an unknown collection at once', async () => {
    await expect(putRecord(writer, 'nope', 'a', {})).rejects.toThrow(SyncError);
  });
});
