import type { SyncRecord } from '../protocol/index.ts';
import type { Sql } from './storage.ts';

/**
 * Identifies a record within one user's data: ids are unique per user and collection, so no
 * user can take, block or even see an id of another user's.
 */
export interface RecordKey {
  collection: string;
  id: string;
}

/** One of a user's records as the server stores it (a tombstone when `isDeleted`). */
export interface StoredRecord extends RecordKey {
  data: Record<string, unknown>;
  version: number;
  isDeleted: boolean;
  /** The client id (or protocol) that last wrote it, the `seq` of that client's mutation (null if none), and its timestamp. */
  writtenBy: string;
  writtenSeq: number | null;
  writtenAt: number;
  /** Change numbers of its creation and of its latest change. */
  createdSeq: number;
  changeSeq: number;
  /** The writer that created it (null for records stored before creators were kept). */
  createdBy: string | null;
}

/** Map key of a record within a batch. */
export const keyOf = ({ collection, id }: RecordKey): string => `${collection}\u0000${id}`;

interface RecordRow {
  collection: string;
  id: string;
  data: Record<string, unknown>;
  version: number;
  deleted: boolean;
  written_by: string;
  written_seq: number | null;
  written_at: number;
  created_seq: number;
  change_seq: number;
  created_by: string | null;
}

/**
 * Reads `owner`'s records of a batch in one query: one primary-key lookup per key, so the cost
 * follows the batch, never the size of the user's data (a plain join lets the planner hash all
 * of the user's records; `LIMIT 1` keeps the LATERAL subquery from being flattened into one).
 */
export async function readRecords(tx: Sql, owner: string, keys: RecordKey[]): Promise<Map<string, StoredRecord>> {
  if (keys.length === 0) return new Map();
  const rows = await tx.query<RecordRow>(
    `SELECT r.* FROM unnest($2::text[], $3::text[]) AS k(collection, id)
     CROSS JOIN LATERAL (
       SELECT collection, id, data, version, deleted, written_by, written_seq, written_at, created_seq, change_seq,
              created_by
       FROM syncworker_records WHERE owner = $1 AND collection = k.collection AND id = k.id LIMIT 1
     ) AS r`,
    [owner, keys.map((key) => key.collection), keys.map((key) => key.id)],
  );
  return new Map(
    rows.map((row) => [
      keyOf(row),
      {
        collection: row.collection,
        id: row.id,
        data: row.data,
        version: Number(row.version),
        isDeleted: row.deleted,
        writtenBy: row.written_by,
        writtenSeq: row.written_seq === null ? null : Number(row.written_seq),
        writtenAt: Number(row.written_at),
        createdSeq: Number(row.created_seq),
        changeSeq: Number(row.change_seq),
        createdBy: row.created_by,
      },
    ]),
  );
}

/**
 * The state after writing `data` (null deletes) over `previous`, at change number `changeSeq`.
 * A tombstone keeps the record's last fields, so that a conflict strategy letting a later update
 * win over the deletion brings back the whole record, not just the update's fields.
 */
export function nextState(
  previous: StoredRecord | null,
  change: RecordKey & {
    data: Record<string, unknown> | null;
    changeSeq: number;
    writtenBy: string;
    writtenSeq: number | null;
    writtenAt: number;
  },
): StoredRecord {
  const isCreation = !previous || previous.isDeleted;
  return {
    collection: change.collection,
    id: change.id,
    data: change.data ?? previous?.data ?? {},
    version: (previous?.version ?? 0) + 1,
    isDeleted: change.data === null,
    writtenBy: change.writtenBy,
    writtenSeq: change.writtenSeq,
    writtenAt: change.writtenAt,
    createdSeq: isCreation ? change.changeSeq : (previous?.createdSeq ?? change.changeSeq),
    changeSeq: change.changeSeq,
    createdBy: isCreation ? change.writtenBy : (previous?.createdBy ?? null),
  };
}

/** Writes the final states of `owner`'s records with one statement. */
export async function writeRecords(tx: Sql, owner: string, records: StoredRecord[]): Promise<void> {
  if (records.length === 0) return;
  const column = <T>(pick: (record: StoredRecord) => T) => records.map(pick);
  await tx.query(
    `INSERT INTO syncworker_records
       (owner, collection, id, data, version, deleted, change_seq, created_seq, written_by, written_seq, written_at,
        created_by)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::bigint[], $6::boolean[],
                              $7::bigint[], $8::bigint[], $9::text[], $10::bigint[], $11::bigint[], $12::text[])
     ON CONFLICT (owner, collection, id) DO UPDATE SET data = EXCLUDED.data, version = EXCLUDED.version,
       deleted = EXCLUDED.deleted, change_seq = EXCLUDED.change_seq, created_seq = EXCLUDED.created_seq,
       written_by = EXCLUDED.written_by, written_seq = EXCLUDED.written_seq, written_at = EXCLUDED.written_at,
       created_by = EXCLUDED.created_by`,
    [
      owner,
      column((r) => r.collection),
      column((r) => r.id),
      column((r) => JSON.stringify(r.data)),
      column((r) => r.version),
      column((r) => r.isDeleted),
      column((r) => r.changeSeq),
      column((r) => r.createdSeq),
      column((r) => r.writtenBy),
      column((r) => r.writtenSeq),
      column((r) => r.writtenAt),
      column((r) => r.createdBy),
    ],
  );
}

/**
 * Reserves `count` change numbers for this user. The row lock is held until commit, so a
 * user's changes commit in change-number order and a pull cursor can never skip one.
 * Returns the number before the first reserved one.
 */
export async function reserveChangeSeqs(tx: Sql, owner: string, count: number): Promise<number> {
  const [row] = await tx.query<{ change_seq: number }>(
    `INSERT INTO syncworker_owners (owner, change_seq) VALUES ($1, $2)
     ON CONFLICT (owner) DO UPDATE SET change_seq = syncworker_owners.change_seq + $2
     RETURNING change_seq`,
    [owner, count],
  );
  return Number(row?.change_seq) - count;
}

/** The user's latest change number (0 before any change). */
export async function latestChangeSeq(tx: Sql, owner: string): Promise<number> {
  const [row] = await tx.query<{ change_seq: number }>('SELECT change_seq FROM syncworker_owners WHERE owner = $1', [
    owner,
  ]);
  return Number(row?.change_seq ?? 0);
}

/** The record as clients see it: its fields, `id` and the server's `_version`. */
export function toRecord(id: string, data: Record<string, unknown>, version: number): SyncRecord {
  return { ...data, id, _version: version };
}
