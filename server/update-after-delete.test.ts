import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mutation } from '../protocol/index.ts';
import { type CollectionSchemas, Collections } from './collections.ts';
import type { ConflictStrategy } from './conflicts.ts';
import { pullChanges } from './pull.ts';
import { applyPush } from './push.ts';
import type { Storage } from './storage.ts';
import { openTestStorage, TEST_BACKENDS } from './test-backends.ts';

const SCHEMA: CollectionSchemas = {
  todos: {
    schema: {
      type: 'object',
      properties: { title: { type: 'string' }, done: { type: 'boolean' } },
      required: ['title'],
      additionalProperties: false,
    },
  },
};

const create = (seq: number, recordId: string): Mutation => ({
  seq,
  id: `m-${seq}`,
  collection: 'todos',
  op: 'create',
  recordId,
  data: { title: 'write the report', done: false },
  baseVersion: null,
  at: 1000,
});

describe.each(TEST_BACKENDS)('an update of a record another client deleted, on $name', (backend) => {
  let storage: Storage;
  let drop: () => Promise<void>;
  let owners = 0;

  beforeAll(async () => {
    ({ storage, drop } = await openTestStorage(backend));
  });
  afterAll(() => drop());

  /** A fresh user on which `deleter` created then deleted record `r` (version 2), at time 2000. */
  async function deletedByAnotherClient(strategy: ConflictStrategy) {
    owners += 1;
    const context = {
      storage,
      owner: `user-${owners}`,
      collections: new Collections(SCHEMA, strategy),
      maxRecordBytes: 10_000,
    };
    await applyPush(context, {
      clientId: `deleter-${owners}`,
      mutations: [
        create(1, 'r'),
        { ...create(2, 'r'), op: 'delete', data: undefined as never, baseVersion: 1, at: 2000 },
      ],
    });
    const update = (at: number, baseVersion: number | null = 1) =>
      applyPush(context, {
        clientId: `editor-${owners}`,
        mutations: [{ ...create(1, 'r'), op: 'update', data: { done: true }, baseVersion, at }],
      });
    const pull = async () => (await pullChanges(storage, context.owner, { cursor: null })).changes.todos;
    return { update, pull };
  }

  it('keeps the deletion by default (merge) and reports the server state as a conflict', async () => {
    const { update, pull } = await deletedByAnotherClient('merge');
    const answer = await update(3000);
    expect(answer.results).toEqual([{ seq: 1, status: 'conflict', record: null }]);
    expect(await pull()).toEqual({ upserted: [], deleted: ['r'] });
    // Also when the update names no base version (its record was created offline and never acknowledged).
    const unversioned = await deletedByAnotherClient('merge');
    expect((await unversioned.update(3000, null)).results).toEqual([{ seq: 1, status: 'conflict', record: null }]);
    expect(await unversioned.pull()).toEqual({ upserted: [], deleted: ['r'] });
  });

  it('keeps the deletion with server-wins, and with lww when the update is older', async () => {
    const serverWins = await deletedByAnotherClient('server-wins');
    expect((await serverWins.update(3000)).results[0]).toMatchObject({ status: 'conflict', record: null });
    expect(await serverWins.pull()).toEqual({ upserted: [], deleted: ['r'] });

    const lww = await deletedByAnotherClient('lww');
    expect((await lww.update(1500)).results[0]).toMatchObject({ status: 'conflict', record: null });
    expect(await lww.pull()).toEqual({ upserted: [], deleted: ['r'] });
  });

  it('brings back the whole record, required fields included, when the strategy lets the update win', async () => {
    const restored = { id: 'r', title: 'write the report', done: true, _version: 3 };
    const clientWins = await deletedByAnotherClient('client-wins');
    expect((await clientWins.update(3000)).results).toEqual([{ seq: 1, status: 'conflict', record: restored }]);
    expect(await clientWins.pull()).toEqual({ upserted: [restored], deleted: [] });

    const lww = await deletedByAnotherClient('lww');
    expect((await lww.update(2500)).results[0]).toMatchObject({ status: 'conflict', record: restored });
  });

  it('lets a custom resolver decide, showing it the deletion and the whole would-be record', async () => {
    const seen: unknown[] = [];
    const { update } = await deletedByAnotherClient((conflict) => {
      seen.push({ server: conflict.server, client: conflict.client });
      return null;
    });
    expect((await update(3000)).results[0]).toMatchObject({ status: 'conflict', record: null });
    expect(seen).toEqual([{ server: null, client: { title: 'write the report', done: true } }]);
  });
});
