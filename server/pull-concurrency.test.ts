import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Mutation, PullResponse } from '../protocol/index.ts';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';

const WRITERS = 4;
const BATCHES = 8;
const BATCH_SIZE = 15;

describe.each(TEST_BACKENDS)('pull under concurrent writers on $name', (backend) => {
  let database: TestDatabase;
  let api: TestServer;
  beforeEach(async () => {
    database = await backend.create();
    api = await startTestServer(database.location);
  });
  afterEach(async () => {
    await api.close();
    await database.drop();
  });

  it('never skips a change, however pushes and pulls interleave', async () => {
    const write = async (writer: number) => {
      for (let batch = 0; batch < BATCHES; batch++) {
        const mutations: Mutation[] = Array.from({ length: BATCH_SIZE }, (_, i) => ({
          seq: batch * BATCH_SIZE + i + 1,
          id: `w${writer}-${batch}-${i}`,
          collection: 'todos',
          op: 'create',
          recordId: `w${writer}-${batch}-${i}`,
          data: { writer },
          baseVersion: null,
          at: Date.now(),
        }));
        const answer = await api.request('POST', '/sync/push', { clientId: `writer-${writer}`, mutations });
        expect(answer.status).toBe(200);
      }
    };
    const seen = new Set<string>();
    let cursor: string | null = null;
    const pullPage = async (): Promise<PullResponse> => {
      const page = (await api.request('POST', '/sync/pull', { cursor, limit: 7 })).body as PullResponse;
      for (const record of page.changes.todos?.upserted ?? []) seen.add(record.id);
      cursor = page.cursor;
      return page;
    };
    let isWriting = true;
    const reader = (async () => {
      while (isWriting) await pullPage();
    })();
    await Promise.all(Array.from({ length: WRITERS }, (_, writer) => write(writer)));
    isWriting = false;
    await reader;
    while ((await pullPage()).hasMore);

    expect(seen.size).toBe(WRITERS * BATCHES * BATCH_SIZE);
  });
});
