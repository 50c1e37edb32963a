import { afterEach, describe, expect, it } from 'vitest';
import type { Mutation } from '../protocol/index.ts';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';
import { signHs256, validClaims } from './test-tokens.ts';

const SECRET = 'events-test-secret';
const auth = { mode: 'jwt', secret: SECRET } as const;
const bearer = (user: string) => ({ Authorization: `Bearer ${signHs256(validClaims(user), SECRET)}` });
const create = (seq: number): Mutation => ({
  seq,
  id: `m${seq}`,
  collection: 'todos',
  op: 'create',
  recordId: `${Math.random()}`,
  data: { title: 'poke me' },
  baseVersion: null,
  at: Date.now(),
});

/** An open `GET /sync/events` stream that counts the pokes it receives. */
async function openEvents(url: string, headers: Record<string, string>) {
  const abort = new AbortController();
  const response = await fetch(`${url}/sync/events`, { headers, signal: abort.signal });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  let text = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk);
  })().catch(() => undefined);
  return {
    pokes: () => text.split('event: poke').length - 1,
    close: async () => {
      abort.abort();
      await reading;
    },
  };
}

const waitFor = async (condition: () => boolean, timeoutMs = 5000) => {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe.each(TEST_BACKENDS)('realtime pokes on $name', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });
  const start = async (database: TestDatabase): Promise<TestServer> => {
    const api = await startTestServer(database.location, { auth });
    cleanups.push(() => api.close());
    return api;
  };

  it('pokes the user’s streams after a commit, and only that user’s', async () => {
    const database = await backend.create();
    cleanups.push(() => database.drop());
    const api = await start(database);
    const alice = await openEvents(api.url, bearer('alice'));
    const bob = await openEvents(api.url, bearer('bob'));
    cleanups.push(alice.close, bob.close);

    await api.request('POST', '/sync/push', { clientId: 'a1', mutations: [create(1)] }, bearer('alice'));
    await waitFor(() => alice.pokes() === 1);
    await api.request('POST', '/sync/pull', { cursor: null }, bearer('alice'));
    await api.request('POST', '/sync/push', { clientId: 'a1', mutations: [create(1)] }, bearer('alice'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alice.pokes()).toBe(1);
    expect(bob.pokes()).toBe(0);
  });

  it.runIf(backend.name === 'postgres')(
    'pokes streams held by another server instance on the same database',
    async () => {
      const database = await backend.create();
      cleanups.push(() => database.drop());
      const first = await start(database);
      const second = await start(database);
      const stream = await openEvents(first.url, bearer('alice'));
      cleanups.push(stream.close);

      const pushed = await second.request(
        'POST',
        '/sync/push',
        { clientId: 'a1', mutations: [create(1), create(2)] },
        bearer('alice'),
      );
      expect(pushed.status).toBe(200);
      await waitFor(() => stream.pokes() === 1);
    },
  );

  it('accepts the token in the URL for EventSource, which cannot send headers', async () => {
    const database = await backend.create();
    cleanups.push(() => database.drop());
    const api = await start(database);
    const token = bearer('alice').Authorization.slice('Bearer '.length);
    const response = await fetch(`${api.url}/sync/events?access_token=${token}`);
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });
});
