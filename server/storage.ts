import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { busy, TurnQueue } from './turn-queue.ts';

/** The NOTIFY channel carrying the user whose data a commit changed. */
export const POKE_CHANNEL = 'syncworker_poke';

/** Runs SQL; the same statements serve PGlite and PostgreSQL. */
export interface Sql {
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
}

export interface TransactionOptions {
  /**
   * Serialises transactions sharing this key (one user's writes), so they need no retries:
   * in this process through a `TurnQueue` (waiting holds no connection), across server
   * instances through a PostgreSQL advisory lock tried without blocking. A wait longer than
   * the storage's `maxTurnWaitMs` is refused with `rate_limited`.
   */
  lockKey?: string;
}

/** The server's database: PGlite (a folder or memory) or PostgreSQL. */
export interface Storage extends Sql {
  /** Runs `work` in one REPEATABLE READ transaction, retrying serialization failures. */
  transaction<T>(work: (tx: Sql) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Calls `onPayload` for each NOTIFY on `channel` (from any server sharing the database); returns the unsubscribe. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface StorageOptions {
  /** Longest a transaction waits for its `lockKey` turn. Default: 10 s. */
  maxTurnWaitMs?: number;
  /** Most transactions waiting for one `lockKey` in this process. Default: 64. */
  maxTurnWaiting?: number;
  /** Most connections to PostgreSQL. Default: 10. */
  maxConnections?: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS syncworker_records (
    owner text NOT NULL,
    collection text NOT NULL,
    id text NOT NULL,
    data jsonb NOT NULL,
    version bigint NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    change_seq bigint NOT NULL,
    created_seq bigint NOT NULL,
    written_by text NOT NULL,
    written_seq bigint,
    written_at bigint NOT NULL,
    created_by text,
    PRIMARY KEY (owner, collection, id)
  )`,
  // Databases created before ids were scoped to their user, before written_seq, and before created_by.
  'ALTER TABLE syncworker_records ADD COLUMN IF NOT EXISTS written_seq bigint',
  'ALTER TABLE syncworker_records ADD COLUMN IF NOT EXISTS created_by text',
  `DO $$ BEGIN
    IF (SELECT indnatts FROM pg_index WHERE indrelid = 'syncworker_records'::regclass AND indisprimary) = 2 THEN
      ALTER TABLE syncworker_records DROP CONSTRAINT syncworker_records_pkey, ADD PRIMARY KEY (owner, collection, id);
    END IF;
  END $$`,
  'CREATE INDEX IF NOT EXISTS syncworker_records_by_change ON syncworker_records (owner, change_seq)',
  `CREATE TABLE IF NOT EXISTS syncworker_owners (
    owner text PRIMARY KEY,
    change_seq bigint NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS syncworker_clients (
    client_id text PRIMARY KEY,
    owner text NOT NULL,
    last_applied_seq bigint NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS syncworker_mutations (
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
  )`,
  // The first answer to each REST write sent with an Idempotency-Key, written in the write's transaction.
  `CREATE TABLE IF NOT EXISTS syncworker_rest_receipts (
    owner text NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    status integer NOT NULL,
    body jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, key)
  )`,
];

/** Serialization failure and deadlock: the transaction can simply run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
const MAX_TRANSACTION_ATTEMPTS = 10;

/**
 * The SQLSTATE of an error PostgreSQL raised because of a value (class 22, data exception, e.g.
 * 22P05 untranslatable character or 22003 numeric out of range) or its size (class 54, e.g.
 * 54001 too deeply nested), or null for any other error. Running the same input again fails again.
 */
export function dataExceptionCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(code) ? code : null;
}

/**
 * Opens the database named by `--db`: `memory`, a folder path for PGlite, or `postgres://…`.
 * Creates the schema if missing.
 */
export async function openStorage(location: string, options: StorageOptions = {}): Promise<Storage> {
  const turns = new TurnQueue({
    maxWaitMs: options.maxTurnWaitMs ?? 10_000,
    maxWaiting: options.maxTurnWaiting ?? 64,
  });
  const storage = /^postgres(ql)?:\/\//.test(location)
    ? openPostgres(location, turns, options.maxConnections ?? 10)
    : await openPglite(location, turns);
  await storage.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7231)');
    for (const statement of SCHEMA) await tx.query(statement);
  });
  return storage;
}

async function openPglite(location: string, turns: TurnQueue): Promise<Storage> {
  const db = await PGlite.create(location === 'memory' ? undefined : location);
  const sql = (runner: Pick<PGlite, 'query'>): Sql => ({
    query: async <Row>(text: string, params: unknown[] = []) => (await runner.query<Row>(text, params)).rows,
  });
  // One connection runs every transaction in turn: the queue only bounds a user's wait.
  const transaction = <T>(work: (tx: Sql) => Promise<T>) =>
    db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      return work(sql(tx));
    });
  return {
    ...sql(db),
    transaction: (work, options = {}) =>
      options.lockKey ? turns.run(options.lockKey, () => transaction(work)) : transaction(work),
    listen: (channel, onPayload) => db.listen(channel, onPayload).then((unlisten) => () => unlisten()),
    close: () => db.close(),
  };
}

function openPostgres(url: string, turns: TurnQueue, maxConnections: number): Storage {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle connection closed by PostgreSQL (restart, failover) is replaced on next use;
  // without a listener the pool's error event would crash the process.
  pool.on('error', (error) =>
    console.warn(JSON.stringify({ level: 'warn', msg: 'postgres connection lost', error: error.message })),
  );
  return {
    query: async <Row>(text: string, params: unknown[] = []) => (await pool.query(text, params)).rows as Row[],
    transaction: (work, options = {}) => {
      const { lockKey } = options;
      return lockKey
        ? turns.run(lockKey, (deadline) => runTransaction(pool, work, { key: advisoryKey(lockKey), deadline }))
        : runTransaction(pool, work, null);
    },
    listen: (channel, onPayload) => listenPostgres(url, channel, onPayload),
    close: () => pool.end(),
  };
}

/** A positive 63-bit advisory lock key for `lockKey`, as a SQL literal (so it can share a round trip with BEGIN). */
function advisoryKey(lockKey: string): string {
  return (createHash('sha256').update(lockKey).digest().readBigUInt64BE(0) >> 1n).toString();
}

/**
 * Runs `work` in a REPEATABLE READ transaction, retrying serialization failures. With a lock,
 * its first statement tries the advisory lock; while another server instance holds it, the
 * transaction is rolled back and the connection returned before waiting, until `deadline`.
 */
async function runTransaction<T>(
  pool: pg.Pool,
  work: (tx: Sql) => Promise<T>,
  lock: { key: string; deadline: number } | null,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    const tx: Sql = {
      query: async <Row>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as Row[],
    };
    let isBroken = false;
    let isLocked = true;
    try {
      if (lock) {
        const [, locked] = (await client.query(
          `BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_try_advisory_xact_lock(${lock.key}) AS locked`,
        )) as unknown as pg.QueryResult<{ locked: boolean }>[];
        isLocked = locked?.rows[0]?.locked === true;
      } else {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      }
      if (isLocked) {
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      }
      await client.query('ROLLBACK');
    } catch (error) {
      // A connection that cannot even roll back is dropped from the pool.
      isBroken = !(await client.query('ROLLBACK').then(
        () => true,
        () => false,
      ));
      const code = (error as { code?: string }).code ?? '';
      if (!RETRYABLE_SQLSTATES.has(code) || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
    } finally {
      client.release(isBroken);
    }
    if (!isLocked && lock && Date.now() > lock.deadline) throw busy('another server instance holds its turn');
    const backoffMs = isLocked ? 2 ** Math.min(attempt, 8) : 5 * 2 ** Math.min(attempt, 5);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * backoffMs));
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
