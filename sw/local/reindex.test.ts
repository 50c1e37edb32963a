import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { SyncDatabase } from './database.ts';
import { reindexIfChanged } from './reindex.ts';
import { parseIndexes } from './stored-record.ts';

const open = (name: string, indexes: string[]) =>
  new SyncDatabase(name, new Map([['todos', parseIndexes('todos', indexes)]]));

describe('reindexIfChanged', () => {
  it('re-keys every record when a new version declares other indexes, keeping records and outbox', async () => {
    const name = `reindex-${crypto.randomUUID()}`;
    const before = open(name, ['done']);
    await reindexIfChanged(before);
    const records = Array.from({ length: 4500 }, (_, index) => ({
      id: `t${index}`,
      done: index % 2 === 0,
      rank: index,
    }));
    await before.records('todos').bulkPut(records);
    await before.outbox.add({
      seq: 1,
      mutationId: 'm',
      collection: 'todos',
      recordId: 't1',
      op: 'create',
      baseVersion: null,
      at: 0,
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
      before: null,
    });
    before.close();

    const after = open(name, ['[done+rank]']);
    await reindexIfChanged(after);
    expect(after.tables.find((table) => table.name === 'todos')?.schema.indexes.map((index) => index.name)).toEqual([
      '[$k.done+$k.rank]',
    ]);
    const open_ = await after
      .table('todos')
      .where('[$k.done+$k.rank]')
      .between([[1], 10], [[1], 20], true, true)
      .primaryKeys();
    expect(open_).toEqual(['t10', 't12', 't14', 't16', 't18', 't20']);
    expect(await after.table('todos').count()).toBe(4500);
    expect(await after.outbox.count()).toBe(1);
    expect(await after.records('todos').get('t3')).toEqual({ id: 't3', done: false, rank: 3 });
    await after.delete();
  });
});
