import { SyncError } from '../protocol/index.ts';
import type { Collections } from './collections.ts';
import type { Storage } from './storage.ts';

/**
 * What WatermelonDB's sync protocol (`/sync/watermelon`) shares between its pull and its push:
 * the request, the changes object, timestamps, and which ids and column names WatermelonDB takes.
 */

export type Fields = Record<string, unknown>;
export type RawRecord = { id: string } & Fields;

export interface TableChanges {
  created: RawRecord[];
  updated: RawRecord[];
  deleted: string[];
}

/** `{ table: { created, updated, deleted } }`, without a prototype: a table named `constructor` is just a key. */
export type WatermelonChanges = Record<string, TableChanges>;

export interface WatermelonContext {
  storage: Storage;
  owner: string;
  collections: Collections;
  maxRecordBytes: number;
}

/** What WatermelonDB's `synchronize()` sends, as the query of both requests. */
export interface WatermelonQuery {
  /** The `timestamp` of the client's previous pull; null (or 0) before its first one. */
  lastPulledAt: number | null;
  schemaVersion: number | null;
  migration: Migration | null;
  /** Optional, chosen by the app: lets a pull tell the client's own new records from other clients'. */
  clientId: string | null;
}

/** What a local migration added since the client's last sync (WatermelonDB's `migration` argument). */
export interface Migration {
  from: number;
  tables: string[];
  columns: { table: string; columns: string[] }[];
}

/**
 * A `timestamp` is the user's change number plus one: "every change from this number on is new
 * to you". It is never 0 (WatermelonDB refuses 0), not even before the user's first change.
 */
export const timestampAfter = (latestChangeSeq: number): number => latestChangeSeq + 1;

/**
 * The change number a client that pulled at `lastPulledAt` has seen everything up to, or null
 * when this server never issued that timestamp to this user (it is above all it issued).
 */
export function seenThrough(lastPulledAt: number, latestChangeSeq: number): number | null {
  return lastPulledAt >= 1 && lastPulledAt <= timestampAfter(latestChangeSeq) ? lastPulledAt - 1 : null;
}

/** Ids WatermelonDB can hold: its own are 16 letters and digits; `_`, `-` and `.` are also safe. */
const WATERMELON_ID = /^[A-Za-z0-9_.-]{1,200}$/;

export const isWatermelonId = (id: unknown): id is string => typeof id === 'string' && WATERMELON_ID.test(id);

/** Column names WatermelonDB accepts (its `checkName`): a letter, then letters, digits and `_`. */
const WATERMELON_COLUMN = /^[A-Za-z]\w*$/;
const RESERVED_COLUMNS = new Set([
  'id',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'isPrototypeOf',
  'toString',
  'toLocaleString',
  'valueOf',
  'rowid',
  'oid',
  'local_storage',
]);

export function isWatermelonColumn(name: string): boolean {
  const lowerCase = name.toLowerCase();
  return (
    WATERMELON_COLUMN.test(name) &&
    !RESERVED_COLUMNS.has(name) &&
    !RESERVED_COLUMNS.has(lowerCase) &&
    !lowerCase.startsWith('sqlite_')
  );
}

/**
 * The writer recorded for changes pushed through this protocol. The `:` keeps it apart from
 * every syncworker `clientId`, which cannot hold one.
 */
export const watermelonWriter = (clientId: string | null): string => `watermelon:${clientId ?? ''}`;

/**
 * Whether `createdBy` is known to be another writer than the asking WatermelonDB client: a
 * syncworker client, or a WatermelonDB client that named itself other than the asker. A record
 * the asker may have created itself is sent as `updated`, never `created`: WatermelonDB would
 * recreate a `created` record the user deleted locally meanwhile, losing the deletion.
 */
export function isCreatedByAnother(createdBy: string | null, asker: string | null): boolean {
  if (createdBy === null) return false;
  const prefix = watermelonWriter(null);
  if (!createdBy.startsWith(prefix)) return true;
  const creator = createdBy.slice(prefix.length);
  return creator !== '' && asker !== null && creator !== asker;
}

const CLIENT_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Most tables and columns a `migration` may name. */
const MAX_MIGRATION_NAMES = 1000;

/** Reads `last_pulled_at`, `schema_version`, `migration` and `client_id`; throws 400 `invalid_query`. */
export function parseWatermelonQuery(url: URL): WatermelonQuery {
  const parameter = (name: string) => {
    const value = url.searchParams.get(name);
    return value === null || value === '' || value === 'null' || value === 'undefined' ? null : value;
  };
  const lastPulledAt = parameter('last_pulled_at');
  const schemaVersion = parameter('schema_version');
  const migration = parameter('migration');
  const clientId = parameter('client_id');
  if (clientId !== null && !CLIENT_ID.test(clientId)) {
    throw new SyncError('invalid_query', 'client_id must be 1-128 letters, digits, "-" or "_"');
  }
  return {
    lastPulledAt: lastPulledAt === null ? null : wholeNumber(lastPulledAt, 'last_pulled_at'),
    schemaVersion: schemaVersion === null ? null : wholeNumber(schemaVersion, 'schema_version'),
    migration: migration === null ? null : parseMigration(migration),
    clientId,
  };
}

function wholeNumber(value: string, name: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number)) {
    throw new SyncError(
      'invalid_query',
      `${name} must be a whole number${name === 'last_pulled_at' ? ': the timestamp of a previous pull, or null' : ''}`,
    );
  }
  return number;
}

function parseMigration(text: string): Migration {
  const invalid = () =>
    new SyncError(
      'invalid_query',
      'migration must be null or WatermelonDB\'s { "from": n, "tables": [...], "columns": [{ "table", "columns": [...] }] } as JSON',
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid();
  }
  const { from, tables, columns } = (value ?? {}) as Partial<Record<keyof Migration, unknown>>;
  const isNames = (names: unknown): names is string[] =>
    Array.isArray(names) && names.length <= MAX_MIGRATION_NAMES && names.every((name) => typeof name === 'string');
  if (
    typeof value !== 'object' ||
    value === null ||
    !Number.isSafeInteger(from) ||
    !isNames(tables) ||
    !Array.isArray(columns) ||
    columns.length > MAX_MIGRATION_NAMES ||
    !columns.every((entry) => typeof entry?.table === 'string' && isNames(entry.columns))
  ) {
    throw invalid();
  }
  return {
    from: from as number,
    tables,
    columns: columns.map(({ table, columns }) => ({ table, columns })),
  };
}
