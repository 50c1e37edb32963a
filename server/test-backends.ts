import pg from 'pg';
import { createServer, type ServerOptions, type SyncServer } from './create-server.ts';
import { jsonLogger, silentLogger } from './logger.ts';
import { openStorage, type Storage, type StorageOptions } from './storage.ts';

/** The PostgreSQL server tests create their throwaway databases on. */
export const POSTGRES_ADMIN_URL = process.env.SYNCWORKER_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** What `--db` takes. */
  location: string;
  drop(): Promise<void>;
}

export interface TestBackend {
  name: 'pglite' | 'postgres';
  /** A fresh, empty database. */
  create(): Promise<TestDatabase>;
}

/** Every storage backend the server supports: each server test runs against all of them. */
export const TEST_BACKENDS: TestBackend[] = [
  { name: 'pglite', create: async () => ({ location: 'memory', drop: async () => {} }) },
  {
    name: 'postgres',
    async create() {
      const name = `syncworker_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      await adminQuery(`CREATE DATABASE ${name}`);
      const url = new URL(POSTGRES_ADMIN_URL);
      url.pathname = `/${name}`;
      return { location: url.href, drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
    },
  },
];

/** Opens storage on a fresh database; `drop` closes and removes it. */
export async function openTestStorage(
  backend: TestBackend,
  options: StorageOptions = {},
): Promise<{ storage: Storage; location: string; drop(): Promise<void> }> {
  const database = await backend.create();
  const storage = await openStorage(database.location, options);
  return {
    storage,
    location: database.location,
    async drop() {
      await storage.close();
      await database.drop();
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answered.
type AnyJson = any;

export interface TestServer {
  server: SyncServer;
  url: string;
  /** Sends a request; JSON bodies are encoded unless given as a string. */
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: AnyJson }>;
  close(): Promise<void>;
}

/** A listening server on `location`, logging nothing. */
export async function startTestServer(location: string, options: ServerOptions = {}): Promise<TestServer> {
  const server = await createServer({
    logger: process.env.SYNCWORKER_TEST_LOGS ? jsonLogger : silentLogger,
    ...options,
    db: location,
  });
  const url = `http://127.0.0.1:${await server.listen(0)}`;
  return {
    server,
    url,
    async request(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { 'Content-Type': 'application/json', ...headers } };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      const response = await fetch(url + path, init);
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    close: () => server.close(),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
