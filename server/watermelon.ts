import { SyncError } from '../protocol/index.ts';
import { printable } from '../protocol/storable-values.ts';
import type { Collections } from './collections.ts';
import {
  keyOf,
  latestChangeSeq,
  nextState,
  readRecords,
  reserveChangeSeqs,
  type StoredRecord,
  writeRecords,
} from './records.ts';
import { dataExceptionCode, POKE_CHANNEL, type Storage } from './storage.ts';
import { clientFields, mutationProblem } from './validation.ts';

/**
 * WatermelonDB's published sync backend protocol over syncworker's data, so WatermelonDB
 * apps and syncworker clients share one backend. Its `timestamp` is the user's change number.
 */

type RawRecord = { id: string; [column: string]: unknown };

interface TableChanges {
  created: RawRecord[];
  updated: RawRecord[];
  deleted: string[];
}

export type WatermelonChanges = Record<string, TableChanges>;

export interface WatermelonContext {
  storage: Storage;
  owner: string;
  collections: Collections;
  maxRecordBytes: number;
}

/** Writer name recorded for changes pushed through this protocol. */
const WATERMELON_WRITER = 'watermelon';

/** `GET /sync/watermelon?last_pulled_at=` -> `{ changes, timestamp }`. */
export async function pullWatermelon(
  context: WatermelonContext,
  lastPulledAt: number | null,
): Promise<{ changes: WatermelonChanges; timestamp: number }> {
  const since = lastPulledAt ?? 0;
  return context.storage.transaction(async (tx) => {
    const rows = await tx.query<{
      collection: string;
      id: string;
      data: Record<string, unknown>;
      deleted: boolean;
      created_seq: number;
    }>(
      `SELECT collection, id, data, deleted, created_seq FROM syncworker_records
       WHERE owner = $1 AND change_seq > $2 ORDER BY change_seq`,
      [context.owner, since],
    );
    // No prototype: a collection named `constructor` or `__proto__` is just a key.
    const changes: WatermelonChanges = Object.create(null);
    for (const row of rows) {
      const table = changes[row.collection] ?? { created: [], updated: [], deleted: [] };
      changes[row.collection] = table;
      const isNew = Number(row.created_seq) > since;
      if (row.deleted) {
        if (!isNew) table.deleted.push(row.id);
      } else {
        (isNew ? table.created : table.updated).push({ ...row.data, id: row.id });
      }
    }
    return { changes, timestamp: await latestChangeSeq(tx, context.owner) };
  });
}

/**
 * `POST /sync/watermelon?last_pulled_at=` with the changes as body. All or nothing: the push
 * aborts with `409 conflict` if any record it touches changed on the server after `lastPulledAt`,
 * and with a 400 if any value cannot be stored.
 */
export async function pushWatermelon(context: WatermelonContext, lastPulledAt: number, body: unknown): Promise<void> {
  const changes = parseChanges(context, body);
  await applyChanges(context, lastPulledAt, changes).catch((error: unknown) => {
    const sqlState = dataExceptionCode(error);
    if (!sqlState) throw error;
    throw new SyncError('invalid_record', `The database cannot store a record of this push (SQLSTATE ${sqlState})`);
  });
}

function applyChanges(context: WatermelonContext, lastPulledAt: number, changes: RecordChange[]): Promise<void> {
  return context.storage.transaction(
    async (tx) => {
      const records = await readRecords(tx, context.owner, changes);
      let changeSeq = await reserveChangeSeqs(tx, context.owner, changes.length);
      const written = new Map<string, StoredRecord>();
      for (const change of changes) {
        const previous = records.get(keyOf(change)) ?? null;
        if (previous && previous.changeSeq > lastPulledAt && !written.has(keyOf(change))) {
          throw new SyncError(
            'conflict',
            `${change.collection}/${change.id} changed on the server after ${lastPulledAt}; pull, then push again`,
          );
        }
        if (change.data === null && (!previous || previous.isDeleted)) continue;
        changeSeq += 1;
        const data =
          change.data && previous && !previous.isDeleted ? { ...previous.data, ...change.data } : change.data;
        const state = nextState(previous, {
          ...change,
          data,
          changeSeq,
          writtenBy: WATERMELON_WRITER,
          writtenSeq: null,
          writtenAt: Date.now(),
        });
        records.set(keyOf(state), state);
        written.set(keyOf(state), state);
      }
      await writeRecords(tx, context.owner, [...written.values()]);
      if (written.size > 0) await tx.query('SELECT pg_notify($1, $2)', [POKE_CHANNEL, context.owner]);
    },
    { lockKey: `owner:${context.owner}` },
  );
}

interface RecordChange {
  collection: string;
  id: string;
  /** Fields to write, null to delete. */
  data: Record<string, unknown> | null;
}

/** Validates a whole push before anything is written; any bad record fails it with a 400. */
function parseChanges(context: WatermelonContext, body: unknown): RecordChange[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SyncError(
      'invalid_body',
      'The body must be the changes object: { table: { created, updated, deleted } }',
    );
  }
  const writes: RecordChange[] = [];
  for (const [collection, table] of Object.entries(body as Record<string, Partial<TableChanges>>)) {
    const { created = [], updated = [], deleted = [] } = table ?? {};
    if (![created, updated, deleted].every(Array.isArray)) {
      throw new SyncError('invalid_body', `${printable(collection)}: created, updated and deleted must be arrays`);
    }
    for (const [op, records] of [
      ['create', created],
      ['update', updated],
    ] as const) {
      for (const record of records) {
        const id = (record as Partial<RawRecord>)?.id;
        const problem = mutationProblem(
          { seq: 1, id: 'watermelon', collection, op, recordId: id as string, data: record, baseVersion: null, at: 0 },
          context.collections,
          context.maxRecordBytes,
        );
        if (problem) throw problem;
        writes.push({ collection, id: id as string, data: clientFields(record) });
      }
    }
    for (const id of deleted) {
      const problem = mutationProblem(
        { seq: 1, id: 'watermelon', collection, op: 'delete', recordId: id, baseVersion: null, at: 0 },
        context.collections,
        context.maxRecordBytes,
      );
      if (problem) throw problem;
      writes.push({ collection, id, data: null });
    }
  }
  return writes;
}
