import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { SyncError } from '../protocol/index.ts';

/** The NOTIFY channel carrying the user whose data a commit changed. */
export const POKE_CHANNEL = 'syncworker_poke';

/** Runs SQL; the same statements serve PGlite and PostgreSQL. */
export interface Sql {
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
}

export interface TransactionOptions {
  /** Serialises transactions sharing this key (e.g. one user's writers), so they need no retries. */
  lockKey?: string;
}

/** The server's database: PGlite (a folder or memory) or PostgreSQL. */
export interface Storage extends Sql {
  /**
   * Runs `work` in one REPEATABLE READ transaction, retrying serialization failures.
   * Transactions with the same `lockKey` run one at a time, the lock taken before the snapshot.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Calls `onPayload` for each NOTIFY on `channel` (from any server sharing the database); returns the unsubscribe. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS syncworker_records (
  owner text NOT NULL,
  collection text NOT NULL,
  id text NOT NULL,
  data jsonb NOT NULL,
  version bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  change_seq bigint NOT NULL,
  created_seq bigint NOT NULL,
  written_by text NOT NULL,
  written_at bigint NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE INDEX IF NOT EXISTS syncworker_records_by_change ON syncworker_records (owner, change_seq);
CREATE TABLE IF NOT EXISTS syncworker_owners (
  owner text PRIMARY KEY,
  change_seq bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS syncworker_clients (
  client_id text PRIMARY KEY,
  owner text NOT NULL,
  last_applied_seq bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS syncworker_mutations (
  client_id text NOT NULL,
  seq bigint NOT NULL,
  mutation_id text NOT NULL,
  collection text NOT NULL,
  record_id text NOT NULL,
  op text NOT NULL,
  status text NOT NULL,
  error jsonb,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, seq)
);
`;

/** Serialization failure and deadlock: the transaction can simply run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
const MAX_TRANSACTION_ATTEMPTS = 10;

/**
 * Opens the database named by `--db`: `memory`, a folder path for PGlite, or `postgres://…`.
 * Creates the schema if missing.
 */
export async function openStorage(location: string): Promise<Storage> {
  const storage = /^postgres(ql)?:\/\//.test(location) ? openPostgres(location) : await openPglite(location);
  await storage.transaction((tx) =>
    tx.query('SELECT pg_advisory_xact_lock(7231)').then(() => runStatements(tx, SCHEMA)),
  );
  return storage;
}

async function runStatements(tx: Sql, script: string): Promise<void> {
  for (const statement of script
    .split(';')
    .map((text) => text.trim())
    .filter(Boolean))
    await tx.query(statement);
}

async function openPglite(location: string): Promise<Storage> {
  const db = await PGlite.create(location === 'memory' ? undefined : location);
  const sql = (runner: Pick<PGlite, 'query'>): Sql => ({
    query: async <Row>(text: string, params: unknown[] = []) => (await runner.query<Row>(text, params)).rows,
  });
  return {
    ...sql(db),
    transaction: (work) =>
      db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        return work(sql(tx));
      }),
    listen: (channel, onPayload) => db.listen(channel, onPayload).then((unlisten) => () => unlisten()),
    close: () => db.close(),
  };
}

function openPostgres(url: string): Storage {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection closed by PostgreSQL (restart, failover) is replaced on next use;
  // without a listener the pool's error event would crash the process.
  pool.on('error', (error) =>
    console.warn(JSON.stringify({ level: 'warn', msg: 'postgres connection lost', error: error.message })),
  );
  const sql = (runner: pg.Pool | pg.PoolClient): Sql => ({
    query: async <Row>(text: string, params: unknown[] = []) => (await runner.query(text, params)).rows as Row[],
  });
  return {
    ...sql(pool),
    async transaction(work, options = {}) {
      const client = await pool.connect();
      let isBroken = false;
      try {
        // A session lock taken before BEGIN: the snapshot then already sees the previous holder's commit.
        if (options.lockKey) await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [options.lockKey]);
        try {
          return await retrySerializationFailures(client, work);
        } finally {
          if (options.lockKey)
            await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [options.lockKey]);
        }
      } catch (error) {
        // Anything but a domain error may have left the connection unusable: drop it from the pool.
        isBroken = !(error instanceof SyncError);
        throw error;
      } finally {
        client.release(isBroken);
      }
    },
    listen: (channel, onPayload) => listenPostgres(url, channel, onPayload),
    close: () => pool.end(),
  };
}

async function retrySerializationFailures<T>(client: pg.PoolClient, work: (tx: Sql) => Promise<T>): Promise<T> {
  const tx: Sql = {
    query: async <Row>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as Row[],
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code ?? '';
      if (!RETRYABLE_SQLSTATES.has(code) || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 8)));
    }
  }
}

/** Delay before a lost LISTEN connection is opened again. */
const RELISTEN_DELAY_MS = 1000;

/** LISTEN on a dedicated connection, reopened whenever it is lost, until unsubscribed. */
async function listenPostgres(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let isClosed = false;
  const reconnect = () => {
    if (!isClosed) setTimeout(() => void connect().catch(reconnect), RELISTEN_DELAY_MS);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => message.channel === channel && onPayload(message.payload ?? ''));
    next.on('error', () => undefined);
    next.on('end', () => {
      if (client !== next) return;
      client = null;
      reconnect();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    client = next;
  };
  await connect();
  return async () => {
    isClosed = true;
    await client?.end();
  };
}
