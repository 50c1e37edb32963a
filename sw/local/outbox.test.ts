import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyncDatabase } from './database.ts';
import { createRecord, deleteRecord, patchRecord, putRecord, replaceRecord } from './local-writes.ts';
import { countPendingFor, discardPending, peekOutbox, removeAcknowledged } from './outbox.ts';
import { WriteBatcher } from './write-batcher.ts';

let db: SyncDatabase;
let writer: WriteBatcher;

beforeEach(() => {
  db = new SyncDatabase(`test-${crypto.randomUUID()}`, new Map([['todos', []]]));
  writer = new WriteBatcher(db, () => {});
});

afterEach(async () => {
  await db.delete();
});

describe('local writes and the outbox', () => {
  it('numbers mutations 1, 2, 3… and stores each with its record', async () => {
    const created = await createRecord(writer, 'todos', { title: 'milk', _version: 7 });
    const id = created.record?.id ?? '';
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    await patchRecord(writer, 'todos', id, { done: true });
    await replaceRecord(writer, 'todos', id, { title: 'oat milk' });
    await deleteRecord(writer, 'todos', id);

    const entries = await peekOutbox(db, 10);
    expect(entries.map((entry) => [entry.seq, entry.op, entry.data])).toEqual([
      [1, 'create', { id, title: 'milk' }],
      [2, 'update', { done: true }],
      [3, 'update', { id, title: 'oat milk' }],
      [4, 'delete', undefined],
    ]);
    expect(new Set(entries.map((entry) => entry.mutationId)).size).toBe(4);
    expect(await db.records('todos').get(id)).toBeUndefined();
    expect(await countPendingFor(db, 'todos', id)).toBe(4);
  });

  it('keeps the server version as the base of later changes', async () => {
    await db.records('todos').bulkPut([{ id: 't', title: 'synced', _version: 5 }]);
    const patched = await patchRecord(writer, 'todos', 't', { title: 'edited' });
    expect(patched.record).toEqual({ id: 't', title: 'edited', _version: 5 });
    expect((await peekOutbox(db, 1))[0]?.baseVersion).toBe(5);
  });

  it('writes neither the record nor an outbox entry when the write is refused', async () => {
    await createRecord(writer, 'todos', { id: 'a', title: 'first' });
    await expect(createRecord(writer, 'todos', { id: 'a', title: 'again' })).rejects.toMatchObject({
      code: 'already_exists',
    });
    await expect(patchRecord(writer, 'todos', 'nope', { title: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(patchRecord(writer, 'todos', 'a', { id: 'b' })).rejects.toMatchObject({ code: 'invalid_id' });
    await expect(createRecord(writer, 'lists', { title: 'x' })).rejects.toMatchObject({ code: 'unknown_collection' });
    expect(await db.outbox.count()).toBe(1);
    expect(await db.records('todos').get('a')).toEqual({ id: 'a', title: 'first' });
  });

  it('puts: creates a missing record, replaces an existing one', async () => {
    await putRecord(writer, 'todos', 'p', { title: 'first' });
    await putRecord(writer, 'todos', 'p', { title: 'second' });
    expect((await peekOutbox(db, 10)).map((entry) => [entry.op, entry.replace])).toEqual([
      ['create', undefined],
      ['update', true],
    ]);
    expect(await db.records('todos').get('p')).toEqual({ id: 'p', title: 'second' });
  });

  it('continues numbering after acknowledged entries are removed', async () => {
    await createRecord(writer, 'todos', { id: 'a' });
    await createRecord(writer, 'todos', { id: 'b' });
    expect((await removeAcknowledged(db, 1)).map((entry) => entry.recordId)).toEqual(['a']);
    await createRecord(writer, 'todos', { id: 'c' });
    expect((await peekOutbox(db, 10)).map((entry) => entry.seq)).toEqual([2, 3]);
  });

  it('refuses collection names that clash with its own tables', () => {
    expect(() => new SyncDatabase('x', new Map([['outbox', []]]))).toThrow(/cannot be a collection name/);
  });

  it('discards a pending write and the later ones on its record as skips, restoring the record', async () => {
    await createRecord(writer, 'todos', { id: 'a', title: 'kept' });
    await createRecord(writer, 'todos', { id: 'b', title: 'first' });
    await patchRecord(writer, 'todos', 'b', { title: 'second' });
    await createRecord(writer, 'todos', { id: 'c', title: 'later' });
    await discardPending(db, 2);
    expect((await peekOutbox(db, 10)).map((entry) => [entry.seq, entry.op, entry.recordId])).toEqual([
      [1, 'create', 'a'],
      [2, 'skip', ''],
      [3, 'skip', ''],
      [4, 'create', 'c'],
    ]);
    expect(await db.records('todos').get('b')).toBeUndefined();
    expect(await countPendingFor(db, 'todos', 'b')).toBe(0);
    expect((await createRecord(writer, 'todos', { id: 'd' })).pending).toBe(1);
    expect((await peekOutbox(db, 10)).at(-1)?.seq).toBe(5);
  });
});
