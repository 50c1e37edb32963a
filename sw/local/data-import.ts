import type { ExportedMutation, ImportSummary } from '../../protocol/data-export.ts';
import { SyncError, type SyncRecord } from '../../protocol/index.ts';
import { type ChangeSet, noteChange, writeChanges } from './change-set.ts';
import type { ImportedMutation, SyncDatabase } from './database.ts';
import { parseExportFile } from './export-file.ts';
import { recordKey } from './outbox.ts';

/**
 * Imports an export file (`exportLocalData`) into this database, in one transaction:
 * - its unsent mutations of other clients are queued under their original client id and `seq`,
 *   so the server applies each once however often the file is imported, on whichever device
 *   (the server counts processed `seq`s per client); those already queued or already sent
 *   from here are skipped, and so are this database's own;
 * - its records are written where they are newer than the local ones, or carry an unsent
 *   mutation of the file; records with unsent local changes are never overwritten;
 * - its pull cursor is adopted by a database that has never pulled, when the file covers every
 *   collection this worker syncs.
 * @throws {SyncError} `invalid_export`, `unsupported_export_version`, or `export_user_mismatch`
 *   when the file holds another user's data.
 */
export async function importLocalData(
  db: SyncDatabase,
  userId: string | null,
  text: string,
): Promise<{ summary: ImportSummary; changes: ChangeSet }> {
  const file = parseExportFile(text);
  if (file.user !== userId) {
    throw new SyncError(
      'export_user_mismatch',
      `This export holds the data of ${describeUser(file.user)}, and ${describeUser(userId)} is signed in: sign in as its user to import it`,
    );
  }
  const stores = db.collections.map((name) => db.records(name));
  const skippedCollections = Object.keys(file.collections).filter((name) => !db.collections.includes(name));
  const tables = [...stores.map((store) => store.table), db.outbox, db.importedOutbox, db.meta];
  return db.transaction('rw', tables, async () => {
    const ownClientId = await db.getMeta<string>('clientId');
    const appliedSeqs = (await db.getMeta<Record<string, number>>('importedAppliedSeqs')) ?? {};
    const unsent = new Map<string, ExportedMutation>();
    for (const mutation of file.outbox) {
      if (mutation.clientId === ownClientId || mutation.seq <= (appliedSeqs[mutation.clientId] ?? 0)) continue;
      unsent.set(`${mutation.clientId}\u0000${mutation.seq}`, mutation);
    }
    const queued = await db.importedOutbox.bulkGet(
      [...unsent.values()].map((mutation) => [mutation.clientId, mutation.seq]),
    );
    const fresh = [...unsent.values()].filter((_mutation, index) => queued[index] === undefined);
    await db.importedOutbox.bulkAdd(fresh.map(importedMutation));

    const changes = await importRecords(db, file.collections, [...unsent.values()]);
    await writeChanges(db, changes);

    const cursor = await db.getMeta<string | null>('cursor');
    const isCursorAdopted =
      (cursor ?? null) === null && file.cursor !== null && db.collections.every((name) => name in file.collections);
    if (isCursorAdopted) await db.setMeta('cursor', file.cursor);
    const summary: ImportSummary = {
      records: [...changes.values()].reduce((sum, { upserted, deleted }) => sum + upserted.size + deleted.size, 0),
      mutations: fresh.length,
      knownMutations: file.outbox.length - fresh.length,
      skippedCollections,
      isCursorAdopted,
    };
    return { summary, changes };
  });
}

/**
 * The record changes an import makes: a record an unsent mutation of the file touches takes the
 * file's state (present or deleted); any other takes it if newer (`_version`) or absent here.
 * Records with unsent local changes of this database keep them.
 */
async function importRecords(
  db: SyncDatabase,
  collections: Record<string, SyncRecord[]>,
  unsent: ExportedMutation[],
): Promise<ChangeSet> {
  const changes: ChangeSet = new Map();
  for (const name of db.collections) {
    const fromFile = new Map((collections[name] ?? []).map((record) => [record.id, record]));
    const touched = new Set(
      unsent.filter((mutation) => mutation.collection === name && mutation.op !== 'skip').map((m) => m.recordId),
    );
    const ids = [...new Set([...fromFile.keys(), ...touched])];
    if (ids.length === 0) continue;
    const ownPending = new Set(
      (
        (await db.outbox
          .where('[collection+recordId]')
          .anyOf(ids.map((id) => [name, id]))
          .keys()) as unknown as [string, string][]
      ).map(([collection, id]) => recordKey(collection, id)),
    );
    const locals = await db.records(name).bulkGet(ids);
    ids.forEach((id, index) => {
      if (ownPending.has(recordKey(name, id))) return;
      const record = fromFile.get(id) ?? null;
      const local = locals[index];
      if (touched.has(id)) {
        // Unchanged (the same file imported again) is left alone, so pages hear of no change.
        if ((record || local) && JSON.stringify(record) !== JSON.stringify(local ?? null)) {
          noteChange(changes, name, id, record);
        }
      } else if (record && (!local || (record._version ?? 0) > (local._version ?? 0))) {
        noteChange(changes, name, id, record);
      }
    });
  }
  return changes;
}

function importedMutation(mutation: ExportedMutation): ImportedMutation {
  const { clientId, seq, id, collection, op, recordId, data, replace, baseVersion, at } = mutation;
  return {
    clientId,
    seq,
    mutationId: id,
    collection,
    op,
    recordId,
    ...(data === undefined ? {} : { data }),
    ...(replace === undefined ? {} : { replace }),
    baseVersion,
    at,
    attempts: 0,
    lastError: null,
  };
}

function describeUser(userId: string | null): string {
  return userId === null ? 'the anonymous user' : `user "${userId}"`;
}
