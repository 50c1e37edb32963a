import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncError } from '../protocol/index.ts';
import { SyncDatabase } from './local/database.ts';
import { WriteBatcher } from './local/write-batcher.ts';
import { handleRestRequest } from './rest-handler.ts';
import type { RestMatch } from './rest-router.ts';
import type { UserSpace } from './user-space.ts';

let db: SyncDatabase;
let storageErrors: SyncError[];
let space: UserSpace;

beforeEach(() => {
  db = new SyncDatabase(`rest-${crypto.randomUUID()}`, new Map([['todos', []]]));
  storageErrors = [];
  const writer = new WriteBatcher(db, () => {});
  space = { db, writer, noteStorageError: (error: SyncError) => storageErrors.push(error) } as unknown as UserSpace;
});
afterEach(() => db.delete());

const collection: RestMatch = { collection: 'todos', id: null, strategy: 'local-first' };
const record = (id: string): RestMatch => ({ ...collection, id });
const send = (method: string, match: RestMatch, body?: unknown, headers: Record<string, string> = {}) =>
  handleRestRequest(
    new Request(`https://app.test/api/todos${match.id ? `/${match.id}` : ''}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
    match,
    space,
    0,
  );

describe('the REST handler', () => {
  it('answers writes with the record and X-Sync-Pending, deletes with 204', async () => {
    const created = await send('POST', collection, { id: 'a', title: 'milk' });
    expect([created.status, created.headers.get('X-Sync-Pending'), await created.json()]).toEqual([
      201,
      '1',
      { id: 'a', title: 'milk' },
    ]);
    const patched = await send('PATCH', record('a'), { done: true });
    expect([patched.status, patched.headers.get('X-Sync-Pending')]).toEqual([200, '2']);
    const replaced = await send('PUT', record('a'), { title: 'oat milk' });
    expect(await replaced.json()).toEqual({ id: 'a', title: 'oat milk' });
    const deleted = await send('DELETE', record('a'));
    expect([deleted.status, await deleted.text()]).toEqual([204, '']);
    expect((await send('GET', record('a'))).status).toBe(404);
  });

  it('answers a full disk with 507 quota_exceeded, notes it, and stores nothing', async () => {
    await send('POST', collection, { id: 'kept', title: 'fits' });
    db.records('todos').bulkPut = () =>
      Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    const answer = await send('POST', collection, { id: 'huge', title: 'too much' });
    expect([answer.status, (await answer.json()).error.code]).toEqual([507, 'quota_exceeded']);
    expect(storageErrors.map((error) => error.code)).toEqual(['quota_exceeded']);
    expect(await db.outbox.count()).toBe(1);
  });

  it('answers a write dispatched again with the same Idempotency-Key with its first answer, once applied', async () => {
    for (const method of ['POST', 'PATCH', 'DELETE']) {
      const match = method === 'POST' ? collection : record('k');
      const body = method === 'DELETE' ? undefined : { id: 'k', n: 1 };
      const headers = { 'Idempotency-Key': `key-${method}` };
      const first = await send(method, match, body, headers);
      const again = await send(method, match, body, headers);
      expect([again.status, again.headers.get('Idempotent-Replayed'), await again.text()]).toEqual([
        first.status,
        'true',
        await first.text(),
      ]);
    }
    expect((await db.outbox.toArray()).map((entry) => entry.op)).toEqual(['create', 'update', 'delete']);
    const reused = await send('POST', collection, { title: 'other' }, { 'Idempotency-Key': 'key-POST' });
    expect([reused.status, (await reused.json()).error.code]).toEqual([422, 'idempotency_key_reused']);
  });

  it('keeps X-Total-Count true across writes while paging reuses the count', async () => {
    const list = async () => {
      const answer = await handleRestRequest(
        new Request('https://app.test/api/todos?_sort=id&_limit=1'),
        collection,
        space,
        0,
      );
      return [answer.headers.get('X-Total-Count'), ((await answer.json()) as { id: string }[]).map((r) => r.id)];
    };
    await send('POST', collection, { id: 'a' });
    expect(await list()).toEqual(['1', ['a']]);
    await send('POST', collection, { id: 'b' });
    expect(await list()).toEqual(['2', ['a']]);
    expect(await list()).toEqual(['2', ['a']]);
    await send('DELETE', record('a'));
    expect(await list()).toEqual(['1', ['b']]);
  });

  it('refuses unsupported methods with 405', async () => {
    expect((await send('DELETE', collection)).status).toBe(405);
    expect((await send('POST', record('a'), {})).status).toBe(405);
  });
});
