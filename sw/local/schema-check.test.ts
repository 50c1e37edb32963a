import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Schema } from '../../protocol/schema.ts';
import { SyncDatabase } from './database.ts';
import { createRecord, patchRecord, putRecord, replaceRecord } from './local-writes.ts';
import { schemaCheck } from './schema-check.ts';
import { parseIndexes } from './stored-record.ts';
import { WriteBatcher } from './write-batcher.ts';

const todo = {
  type: 'object',
  properties: { title: { type: 'string', minLength: 1 }, done: { type: 'boolean' } },
  required: ['title'],
  additionalProperties: false,
} as const satisfies Schema;

let db: SyncDatabase;
let writer: WriteBatcher;

beforeEach(() => {
  db = new SyncDatabase(
    `schema-${crypto.randomUUID()}`,
    new Map([
      ['todos', parseIndexes('todos', [])],
      ['notes', parseIndexes('notes', [])],
    ]),
  );
  writer = new WriteBatcher(db, () => {}, schemaCheck(new Map([['todos', todo]])));
});
afterEach(() => db.delete());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: { code: string; field?: string; reason?: string; message: string }) => ({
      code: error.code,
      field: error.field,
      reason: error.reason,
      message: error.message,
    }),
  );

describe('writes checked against the collection schema', () => {
  it('refuses a record that fails its schema, queuing and storing nothing', async () => {
    expect(await failure(createRecord(writer, 'todos', { id: 'a', title: 3 }))).toEqual({
      code: 'invalid_record',
      field: 'title',
      reason: 'type',
      message: 'todos.title must be a string',
    });
    expect(await failure(putRecord(writer, 'todos', 'b', { done: true }))).toMatchObject({
      field: 'title',
      reason: 'required',
    });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.records('todos').get('a')).toBeUndefined();
  });

  it('checks a patch merged with the stored record, and a replacement whole', async () => {
    await createRecord(writer, 'todos', { id: 'a', title: 'milk' });
    await patchRecord(writer, 'todos', 'a', { done: true });
    expect(await failure(patchRecord(writer, 'todos', 'a', { title: '' }))).toMatchObject({
      field: 'title',
      reason: 'minLength',
    });
    expect(await failure(patchRecord(writer, 'todos', 'a', { colour: 'red' }))).toMatchObject({
      field: 'colour',
      reason: 'additionalProperties',
    });
    expect(await failure(replaceRecord(writer, 'todos', 'a', { done: false }))).toMatchObject({
      field: 'title',
      reason: 'required',
    });
    expect(await db.records('todos').get('a')).toMatchObject({ id: 'a', title: 'milk', done: true });
    expect(await db.outbox.count()).toBe(2);
  });

  it('fails only the invalid write of a batch', async () => {
    const [good, bad] = await Promise.all([
      failure(putRecord(writer, 'todos', 'g', { title: 'fine' })),
      failure(putRecord(writer, 'todos', 'b', { title: 'fine', done: 'no' })),
    ]);
    expect([good, bad?.field]).toEqual([null, 'done']);
    expect((await db.outbox.toArray()).map((entry) => entry.recordId)).toEqual(['g']);
  });

  it('leaves collections without a schema unchecked', async () => {
    expect(await failure(putRecord(writer, 'notes', 'n', { anything: [1, { deep: true }] }))).toBeNull();
  });
});
