import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExportFile } from '../../protocol/data-export.ts';
import type { PushRequest, PushResponse } from '../../protocol/index.ts';
import { pushImported } from '../sync/imported-push.ts';
import type { SyncTransport } from '../sync/sync-transport.ts';
import { exportLocalData } from './data-export.ts';
import { importLocalData } from './data-import.ts';
import { SyncDatabase } from './database.ts';
import { deleteRecord, patchRecord, putRecord } from './local-writes.ts';
import { WriteBatcher } from './write-batcher.ts';

const collections = new Map([
  ['todos', []],
  ['tags', []],
]);
let source: SyncDatabase;
let target: SyncDatabase;

beforeEach(async () => {
  source = new SyncDatabase(`export-${crypto.randomUUID()}`, collections);
  target = new SyncDatabase(`import-${crypto.randomUUID()}`, collections);
  await Promise.all([source.setMeta('clientId', 'c-source'), target.setMeta('clientId', 'c-target')]);
  await source.records('todos').bulkPut([{ id: 'synced', title: 'from the server', _version: 3 }]);
  await source.setMeta('cursor', 'cursor-7');
  const writer = new WriteBatcher(source, () => {});
  await putRecord(writer, 'todos', 'a', { title: 'milk' });
  await patchRecord(writer, 'todos', 'a', { done: true });
  await putRecord(writer, 'tags', 't', { name: 'home' });
  await deleteRecord(writer, 'todos', 'synced');
});
afterEach(async () => {
  await Promise.all([source.delete(), target.delete()]);
});

/** A server that counts processed `seq`s per client, as the real one does. */
function countingServer(pushes: PushRequest[]): SyncTransport {
  const lastApplied = new Map<string, number>();
  const push = async (request: PushRequest): Promise<PushResponse> => {
    pushes.push(request);
    const last = lastApplied.get(request.clientId) ?? 0;
    const results = request.mutations.map(({ seq }) => ({
      seq,
      status: seq <= last ? ('duplicate' as const) : ('applied' as const),
    }));
    lastApplied.set(request.clientId, Math.max(last, request.mutations.at(-1)?.seq ?? 0));
    return { lastAppliedSeq: lastApplied.get(request.clientId) ?? 0, results };
  };
  return { push } as unknown as SyncTransport;
}

const hooks = { onOutcomes: () => {}, onChanged: () => {} };

describe('export and import', () => {
  it('exports records, the outbox with its client id, and the cursor', async () => {
    const file = JSON.parse(await exportLocalData(source, 'ann', 'c-source')) as ExportFile;
    expect(file).toMatchObject({ format: 'syncworker-export', version: 1, user: 'ann', clientId: 'c-source' });
    expect(file.cursor).toBe('cursor-7');
    expect(file.collections.todos).toEqual([{ id: 'a', title: 'milk', done: true }]);
    expect(file.collections.tags).toEqual([{ id: 't', name: 'home' }]);
    expect(file.outbox.map(({ clientId, seq, op, recordId }) => [clientId, seq, op, recordId])).toEqual([
      ['c-source', 1, 'create', 'a'],
      ['c-source', 2, 'update', 'a'],
      ['c-source', 3, 'create', 't'],
      ['c-source', 4, 'delete', 'synced'],
    ]);
  });

  it('imports into another database: records, the cursor, and the mutations under their original client', async () => {
    await target.records('todos').bulkPut([{ id: 'synced', title: 'from the server', _version: 3 }]);
    const { summary } = await importLocalData(target, 'ann', await exportLocalData(source, 'ann', 'c-source'));
    expect(summary).toEqual({
      records: 3,
      mutations: 4,
      knownMutations: 0,
      skippedCollections: [],
      isCursorAdopted: true,
    });
    expect(await target.records('todos').get('a')).toEqual({ id: 'a', title: 'milk', done: true });
    expect(await target.records('todos').get('synced')).toBeUndefined();
    expect(await target.getMeta('cursor')).toBe('cursor-7');
    expect(await target.outbox.count()).toBe(0);
    const queued = await target.importedOutbox.toArray();
    expect(queued.map(({ clientId, seq }) => [clientId, seq])).toEqual([
      ['c-source', 1],
      ['c-source', 2],
      ['c-source', 3],
      ['c-source', 4],
    ]);
  });

  it('sends imported mutations once, under their client, even when the file is imported twice or later again', async () => {
    const text = await exportLocalData(source, 'ann', 'c-source');
    await importLocalData(target, 'ann', text);
    const second = await importLocalData(target, 'ann', text);
    expect(second.summary).toMatchObject({ records: 0, mutations: 0, knownMutations: 4 });
    expect(await target.importedOutbox.count()).toBe(4);

    const pushes: PushRequest[] = [];
    expect(await pushImported(target, countingServer(pushes), Date.now() + 10_000, hooks)).toBe(true);
    expect(pushes.map(({ clientId, mutations }) => [clientId, mutations.map((m) => m.seq)])).toEqual([
      ['c-source', [1, 2, 3, 4]],
    ]);
    expect(await target.importedOutbox.count()).toBe(0);

    const third = await importLocalData(target, 'ann', text);
    expect(third.summary).toMatchObject({ mutations: 0, knownMutations: 4 });
    expect(await target.importedOutbox.count()).toBe(0);
  });

  it('skips its own mutations when a database imports its own export', async () => {
    const { summary } = await importLocalData(source, 'ann', await exportLocalData(source, 'ann', 'c-source'));
    expect(summary).toMatchObject({ mutations: 0, knownMutations: 4, records: 0 });
    expect(await source.importedOutbox.count()).toBe(0);
  });

  it('keeps records with unsent local changes, and newer local versions', async () => {
    const writer = new WriteBatcher(target, () => {});
    await putRecord(writer, 'tags', 't', { name: 'work' });
    await target.records('todos').bulkPut([{ id: 'old', title: 'newer here', _version: 9 }]);
    await source.records('todos').bulkPut([{ id: 'old', title: 'older there', _version: 4 }]);
    await importLocalData(target, 'ann', await exportLocalData(source, 'ann', 'c-source'));
    expect(await target.records('tags').get('t')).toEqual({ id: 't', name: 'work' });
    expect(await target.records('todos').get('old')).toEqual({ id: 'old', title: 'newer here', _version: 9 });
  });

  it('refuses files that are no export, of another version, or of another user', async () => {
    const text = await exportLocalData(source, 'ann', 'c-source');
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (error: { code: string }) => error.code,
      );
    expect(await failure(importLocalData(target, 'ann', 'not json'))).toBe('invalid_export');
    expect(await failure(importLocalData(target, 'ann', '{"format":"other"}'))).toBe('invalid_export');
    const broken = { ...JSON.parse(text), outbox: [{ clientId: 'c-x', seq: 0 }] };
    expect(await failure(importLocalData(target, 'ann', JSON.stringify(broken)))).toBe('invalid_export');
    const future = { ...JSON.parse(text), version: 2 };
    expect(await failure(importLocalData(target, 'ann', JSON.stringify(future)))).toBe('unsupported_export_version');
    expect(await failure(importLocalData(target, 'bob', text))).toBe('export_user_mismatch');
    expect(await target.importedOutbox.count()).toBe(0);
    expect(await target.records('todos').get('a')).toBeUndefined();
  });
});
