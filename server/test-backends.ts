import pg from 'pg';
import { openStorage, type Storage } from './storage.ts';

/** The PostgreSQL server tests create their throwaway databases on. */
export const POSTGRES_ADMIN_URL = process.env.SYNCWORKER_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestBackend {
  name: string;
  /** Opens a fresh, empty database; `drop` removes it. */
  open(): Promise<{ storage: Storage; drop(): Promise<void> }>;
}

/** Every storage backend the server supports: each server test runs against all of them. */
export const TEST_BACKENDS: TestBackend[] = [
  {
    name: 'pglite',
    async open() {
      const storage = await openStorage('memory');
      return { storage, drop: () => storage.close() };
    },
  },
  {
    name: 'postgres',
    async open() {
      const name = `syncworker_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      await adminQuery(`CREATE DATABASE ${name}`);
      const url = new URL(POSTGRES_ADMIN_URL);
      url.pathname = `/${name}`;
      const storage = await openStorage(url.href);
      return {
        storage,
        async drop() {
          await storage.close();
          await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        },
      };
    },
  },
];

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
