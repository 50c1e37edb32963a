import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { Mutation } from '../protocol/index.ts';
import { parseServeArgs } from './cli-options.ts';
import { createServer } from './create-server.ts';
import { silentLogger } from './logger.ts';
import { openStorage } from './storage.ts';
import { startTestServer, TEST_BACKENDS } from './test-backends.ts';

const batch = (size: number): Mutation[] =>
  Array.from({ length: size }, (_, i) => ({
    seq: i + 1,
    id: `m${i}`,
    collection: 'todos',
    op: 'create',
    recordId: `r${i}`,
    data: { i },
    baseVersion: null,
    at: 1,
  }));

describe('server lifecycle', () => {
  it('keeps its embedded data across a restart and answers /health', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syncworker-data-'));
    try {
      const first = await startTestServer(dir);
      expect(await first.request('GET', '/health')).toEqual({ status: 200, body: { status: 'ok' } });
      await first.request('POST', '/sync/push', { clientId: 'c1', mutations: batch(3) });
      await first.close();

      const second = await startTestServer(dir);
      const pulled = await second.request('POST', '/sync/pull', { cursor: null, clientId: 'c1' });
      expect(pulled.body.changes.todos.upserted).toHaveLength(3);
      expect(pulled.body.lastAppliedSeq).toBe(3);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finishes a push in flight before it shuts down: a batch is applied whole or not at all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syncworker-data-'));
    try {
      const api = await startTestServer(dir);
      const pushing = api.request('POST', '/sync/push', { clientId: 'c1', mutations: batch(300) });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const [answer] = await Promise.all([pushing.catch(() => null), api.close()]);
      const storage = await openStorage(dir);
      const [row] = await storage.query<{ n: number }>('SELECT count(*)::int AS n FROM syncworker_records');
      await storage.close();
      expect(answer?.status === 200 ? 300 : 0).toBe(Number(row?.n));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** The records table as databases created before ids were scoped to their user hold it. */
const RECORDS_BEFORE_USER_IDS = `CREATE TABLE syncworker_records (
  owner text NOT NULL, collection text NOT NULL, id text NOT NULL, data jsonb NOT NULL,
  version bigint NOT NULL, deleted boolean NOT NULL DEFAULT false, change_seq bigint NOT NULL,
  created_seq bigint NOT NULL, written_by text NOT NULL, written_at bigint NOT NULL,
  PRIMARY KEY (collection, id))`;
const OLD_ROW = `INSERT INTO syncworker_records VALUES ('alice', 'todos', 'shared', '{"title":"old"}', 1, false, 1, 1, 'c1', 1)`;

describe.each(TEST_BACKENDS)('a database from before per-user ids on $name', (backend) => {
  it('is migrated at start: rows kept, and another user may then use the same id', async () => {
    const database = await backend.create();
    const dir = backend.name === 'pglite' ? await mkdtemp(join(tmpdir(), 'syncworker-old-')) : null;
    const location = dir ?? database.location;
    try {
      if (dir) {
        const old = await PGlite.create(dir);
        await old.exec(`${RECORDS_BEFORE_USER_IDS}; ${OLD_ROW}`);
        await old.close();
      } else {
        const old = new pg.Client({ connectionString: location });
        await old.connect();
        await old.query(RECORDS_BEFORE_USER_IDS);
        await old.query(OLD_ROW);
        await old.end();
      }
      const api = await startTestServer(location);
      try {
        const pushed = await api.request('POST', '/sync/push', { clientId: 'c2', mutations: batch(1) });
        expect(pushed.body.results[0].status).toBe('applied');
        await api.server.storage.query(
          `INSERT INTO syncworker_records VALUES ('bob', 'todos', 'shared', '{}', 1, false, 1, 1, 'c9', 1, 1)`,
        );
        const rows = await api.server.storage.query<{ owner: string; id: string; written_seq: number | null }>(
          'SELECT owner, id, written_seq::int FROM syncworker_records ORDER BY owner, id',
        );
        expect(rows).toEqual([
          { owner: 'alice', id: 'shared', written_seq: null },
          { owner: 'anonymous', id: 'r0', written_seq: 1 },
          { owner: 'bob', id: 'shared', written_seq: 1 },
        ]);
      } finally {
        await api.close();
      }
    } finally {
      await database.drop();
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mounting in an existing Node server', () => {
  it('answers its own paths and leaves the others to the app', async () => {
    const sync = await createServer({ db: 'memory', logger: silentLogger });
    const app = createHttpServer((request, response) => {
      void sync.handle(request, response).then((isHandled) => {
        if (!isHandled) response.end('the app');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${url}/about`)).text()).toBe('the app');
      const pulled = await fetch(`${url}/sync/pull`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"cursor":null}',
      });
      expect(await pulled.json()).toMatchObject({ changes: {}, hasMore: false });
    } finally {
      app.close();
      await sync.close();
    }
  });
});

describe('syncworker serve arguments', () => {
  it('maps flags to options', async () => {
    const parsed = await parseServeArgs([
      'serve',
      '--port',
      '9000',
      '--db',
      'memory',
      '--auth',
      'jwt',
      '--jwt-secret',
      's',
      '--jwt-audience',
      'app',
      '--cors',
      'https://a.test,https://b.test',
    ]);
    expect(parsed?.port).toBe(9000);
    expect(parsed?.options).toMatchObject({
      db: 'memory',
      auth: { mode: 'jwt', secret: 's', audience: 'app' },
      allowedOrigins: ['https://a.test', 'https://b.test'],
    });
  });

  it('refuses incomplete or wrong flags with a message', async () => {
    await expect(parseServeArgs(['serve', '--auth', 'jwt'])).rejects.toThrow(/needs --jwt-secret/);
    await expect(parseServeArgs(['serve', '--auth', 'basic'])).rejects.toThrow(/none or jwt/);
    await expect(parseServeArgs(['serve', '--port', 'http'])).rejects.toThrow(/port/);
    await expect(parseServeArgs(['serve', '--jwt-secret', 's'])).rejects.toThrow('--jwt-secret needs --auth jwt');
    await expect(parseServeArgs(['serve', '--jwks', 'keys.json'])).rejects.toThrow('--jwks needs --auth jwt');
    await expect(parseServeArgs(['serve', '--auth', 'jwt', '--jwks', '/no/such/keys.json'])).rejects.toThrow(
      /--jwks \/no\/such\/keys.json cannot be read/,
    );
    await expect(parseServeArgs(['serve', '--static', '/no/such/folder'])).rejects.toThrow('is not a folder');
    await expect(parseServeArgs(['serve', '--static', 'package.json'])).rejects.toThrow('is not a folder');
    expect(await parseServeArgs(['--help'])).toBeNull();
  });
});
