import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  type ExportedMutation,
  type ExportFile,
} from '../../protocol/data-export.ts';
import type { OutboxEntry, SyncDatabase } from './database.ts';
import { fromStored } from './stored-record.ts';

/**
 * A user's local data as an export file (JSON): every record of every collection, the unsent
 * mutations (own and imported) with the client that numbered each, and the pull cursor. Read
 * in one transaction, so records and outbox agree.
 */
export async function exportLocalData(db: SyncDatabase, userId: string | null, clientId: string): Promise<string> {
  const stores = db.collections.map((name) => db.records(name));
  const file = await db.transaction(
    'r',
    [...stores.map((store) => store.table), db.outbox, db.importedOutbox, db.meta],
    async () => {
      const [records, own, imported, cursor] = await Promise.all([
        Promise.all(stores.map((store) => store.table.toArray())),
        db.outbox.orderBy('seq').toArray(),
        db.importedOutbox.orderBy('[clientId+seq]').toArray(),
        db.getMeta<string>('cursor'),
      ]);
      const outbox: ExportedMutation[] = [
        // Imported mutations go out first, as they do from this database.
        ...imported.map(({ clientId: original, mutationId, attempts, lastError, ...mutation }) => ({
          ...mutation,
          id: mutationId,
          clientId: original,
        })),
        ...own.map((entry) => exportedMutation(entry, clientId)),
      ];
      return {
        format: EXPORT_FORMAT,
        version: EXPORT_FORMAT_VERSION,
        exportedAt: Date.now(),
        user: userId,
        clientId,
        cursor: cursor ?? null,
        collections: Object.fromEntries(
          stores.map((store, index) => [store.name, (records[index] ?? []).map(fromStored)]),
        ),
        outbox,
      } satisfies ExportFile;
    },
  );
  return JSON.stringify(file);
}

function exportedMutation(
  { mutationId, attempts, lastError, nextAttemptAt, before, discarded, ...mutation }: OutboxEntry,
  clientId: string,
): ExportedMutation {
  return { ...mutation, id: mutationId, clientId };
}
