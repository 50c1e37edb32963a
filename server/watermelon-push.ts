import { SyncError } from '../protocol/index.ts';
import { type ConflictStrategy, resolveConflict } from './conflicts.ts';
import {
  keyOf,
  latestChangeSeq,
  nextState,
  readRecords,
  reserveChangeSeqs,
  type StoredRecord,
  toRecord,
  writeRecords,
} from './records.ts';
import { dataExceptionCode, POKE_CHANNEL } from './storage.ts';
import { letOthersIn, parseChanges, type RecordChange } from './watermelon-changes.ts';
import {
  type Fields,
  seenThrough,
  type WatermelonContext,
  type WatermelonQuery,
  watermelonWriter,
} from './watermelon-protocol.ts';

/** Records applied per transaction: one turn of the user's writes, short enough not to hold up anyone. */
const PUSH_CHUNK_SIZE = 500;
/** Most conflicting records a refused push lists. */
const MAX_LISTED_CONFLICTS = 100;

/** What a push does to one record, decided against the stored state. */
type Decision =
  | { kind: 'skip' }
  | { kind: 'write'; change: RecordChange; stored: StoredRecord | null; data: Fields | null }
  | { kind: 'conflict'; change: RecordChange; stored: StoredRecord };

/**
 * `POST /sync/watermelon`: applies a client's changes, following WatermelonDB's backend rules.
 * The push is refused with `409 conflict` (listing the records and their server state) when a
 * record it touches changed after `lastPulledAt`, or when it updates a record deleted on the
 * server and the collection's strategy keeps the deletion; a deletion the client has pulled
 * already is announced again, so that its next pull brings it. Deleting a deleted or unknown
 * record does nothing; creating an existing record updates it; updating an unknown one creates it.
 *
 * A push of up to `PUSH_CHUNK_SIZE` records is one transaction. A larger one is checked whole
 * first, then applied chunk by chunk, each chunk a turn of the user's writes, so it never holds
 * the database or the user's other writes for long: a write of the same user that lands between
 * two chunks and conflicts with a later one leaves the earlier chunks applied (the client pulls
 * and pushes again, which settles it).
 */
export async function pushWatermelon(context: WatermelonContext, query: WatermelonQuery, body: unknown): Promise<void> {
  const { lastPulledAt } = query;
  if (lastPulledAt === null) {
    throw new SyncError('invalid_query', 'last_pulled_at must be the timestamp of the pull made before this push');
  }
  const changes = await parseChanges(context, body);
  // 0: the client has pulled nothing, so every record it touches that exists is a conflict.
  const since =
    lastPulledAt === 0 ? 0 : seenThrough(lastPulledAt, await latestChangeSeq(context.storage, context.owner));
  if (since === null) {
    throw new SyncError(
      'unknown_timestamp',
      `last_pulled_at ${lastPulledAt} was never issued by this server to this user; pull (a full resync), then push`,
    );
  }
  const writer = watermelonWriter(query.clientId);
  const chunks: RecordChange[][] = [];
  for (let start = 0; start < changes.length; start += PUSH_CHUNK_SIZE) {
    chunks.push(changes.slice(start, start + PUSH_CHUNK_SIZE));
  }
  if (chunks.length > 1) {
    const conflicts: Conflict[] = [];
    for (const chunk of chunks) {
      conflicts.push(...(await settleChunk(context, since, chunk, writer, false)));
      await letOthersIn();
    }
    if (conflicts.length > 0) throw conflictError(conflicts, lastPulledAt, 0);
  }
  for (const [index, chunk] of chunks.entries()) {
    const conflicts = await settleChunk(context, since, chunk, writer, true);
    if (conflicts.length > 0) throw conflictError(conflicts, lastPulledAt, index * PUSH_CHUNK_SIZE);
    await letOthersIn();
  }
}

type Conflict = Extract<Decision, { kind: 'conflict' }>;

/**
 * Decides a chunk in one transaction, in the user's turn. Without conflicts it writes the chunk
 * (when `isWriting`); with conflicts it writes only the re-announced deletions and returns them.
 */
async function settleChunk(
  context: WatermelonContext,
  since: number,
  chunk: RecordChange[],
  writer: string,
  isWriting: boolean,
): Promise<Conflict[]> {
  const { owner } = context;
  const work = context.storage.transaction(
    async (tx) => {
      const records = await readRecords(tx, owner, chunk);
      const now = Date.now();
      const decisions = chunk.map((change) =>
        decide(
          change,
          records.get(keyOf(change)) ?? null,
          since,
          context.collections.strategyFor(change.collection),
          now,
        ),
      );
      const conflicts = decisions.filter((decision): decision is Conflict => decision.kind === 'conflict');
      // Each new state, given its change number. With conflicts, only a deletion this client has
      // pulled already changes: a new change number, so that its next pull brings it again.
      const states: ((changeSeq: number) => StoredRecord)[] =
        conflicts.length > 0
          ? conflicts
              .filter(({ stored }) => stored.isDeleted && stored.changeSeq <= since)
              .map(({ stored }) => (changeSeq) => ({ ...stored, version: stored.version + 1, changeSeq }))
          : decisions.flatMap((decision) =>
              isWriting && decision.kind === 'write'
                ? [
                    (changeSeq: number) =>
                      nextState(decision.stored, {
                        ...decision.change,
                        data: decision.data,
                        changeSeq,
                        writtenBy: writer,
                        writtenSeq: null,
                        writtenAt: now,
                      }),
                  ]
                : [],
            );
      if (states.length > 0) {
        const before = await reserveChangeSeqs(tx, owner, states.length);
        await writeRecords(
          tx,
          owner,
          states.map((state, index) => state(before + index + 1)),
        );
        await tx.query('SELECT pg_notify($1, $2)', [POKE_CHANNEL, owner]);
      }
      return conflicts;
    },
    { lockKey: `owner:${owner}` },
  );
  return work.catch((error: unknown) => {
    const sqlState = dataExceptionCode(error);
    if (!sqlState) throw error;
    throw new SyncError('invalid_record', `The database cannot store a record of this push (SQLSTATE ${sqlState})`);
  });
}

/** WatermelonDB's push rules for one record, against its stored state (a tombstone once deleted). */
function decide(
  change: RecordChange,
  stored: StoredRecord | null,
  since: number,
  strategy: ConflictStrategy,
  now: number,
): Decision {
  const isChangedSince = stored !== null && stored.changeSeq > since;
  if (change.op === 'delete') {
    // Deleting what is deleted or was never there is no error: the push that deleted it may have
    // lost its answer, or another client deleted it between this client's pull and push.
    if (!stored || stored.isDeleted) return { kind: 'skip' };
    return isChangedSince ? { kind: 'conflict', change, stored } : { kind: 'write', change, stored, data: null };
  }
  const fields = change.fields ?? {};
  if (!stored) return { kind: 'write', change, stored, data: fields };
  if (!stored.isDeleted) {
    return isChangedSince
      ? { kind: 'conflict', change, stored }
      : { kind: 'write', change, stored, data: { ...stored.data, ...fields } };
  }
  // A record created again under an id deleted before the client's last pull is a new record.
  if (change.op === 'create' && !isChangedSince) return { kind: 'write', change, stored, data: fields };
  // A write to a record deleted on the server: the deletion wins unless the strategy lets the write bring it back.
  const resolved = resolveConflict(strategy, {
    server: null,
    serverAt: stored.writtenAt,
    mutation: {
      seq: 0,
      id: 'watermelon',
      collection: change.collection,
      op: 'update',
      recordId: change.id,
      data: fields,
      baseVersion: null,
      at: now,
    },
    client: { ...stored.data, ...fields },
  });
  return resolved ? { kind: 'write', change, stored, data: resolved } : { kind: 'conflict', change, stored };
}

/** The refusal of a push, listing the conflicting records with their server state (null: deleted). */
function conflictError(conflicts: Conflict[], lastPulledAt: number, applied: number): SyncError {
  const [first] = conflicts;
  const names = first
    ? `${first.change.collection}/${first.change.id}${conflicts.length > 1 ? ' and others' : ''}`
    : '';
  const outcome = applied > 0 ? `its first ${applied} records were applied, the rest not` : 'nothing of it was applied';
  return new SyncError(
    'conflict',
    `${conflicts.length} record(s) of this push (${names}) changed on the server after ${lastPulledAt}; ${outcome}. Pull, then push again`,
    {
      conflicts: conflicts.slice(0, MAX_LISTED_CONFLICTS).map(({ change, stored }) => ({
        collection: change.collection,
        recordId: change.id,
        record: stored.isDeleted ? null : toRecord(stored.id, stored.data, stored.version),
      })),
    },
  );
}
