import type { CollectionChanges, PullRequest, PullResponse } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import { toRecord } from './records.ts';
import type { Storage } from './storage.ts';

/** Records per page when the client does not ask for a limit, and the most it may ask for. */
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 5000;

/**
 * Returns the user's changes after `cursor`, oldest first. The cursor is the user's change
 * number; pushes commit their change numbers in order (see `reserveChangeSeqs`), so none is skipped.
 */
export async function pullChanges(storage: Storage, owner: string, request: PullRequest): Promise<PullResponse> {
  const after = decodeCursor(request.cursor ?? null);
  const limit = Math.min(request.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  return storage.transaction(async (tx) => {
    const rows = await tx.query<{
      collection: string;
      id: string;
      data: Record<string, unknown>;
      version: number;
      deleted: boolean;
      change_seq: number;
    }>(
      `SELECT collection, id, data, version, deleted, change_seq FROM syncworker_records
       WHERE owner = $1 AND change_seq > $2 AND ($3::text[] IS NULL OR collection = ANY($3::text[]))
       ORDER BY change_seq LIMIT $4`,
      [owner, after, request.collections ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const changes: Record<string, CollectionChanges> = {};
    for (const row of page) {
      const collection = changes[row.collection] ?? { upserted: [], deleted: [] };
      changes[row.collection] = collection;
      if (row.deleted) collection.deleted.push(row.id);
      else collection.upserted.push(toRecord(row.id, row.data, Number(row.version)));
    }
    const last = page.at(-1);
    const [client] = request.clientId
      ? await tx.query<{ last_applied_seq: number }>(
          'SELECT last_applied_seq FROM syncworker_clients WHERE client_id = $1 AND owner = $2',
          [request.clientId, owner],
        )
      : [];
    return {
      changes,
      cursor: encodeCursor(last ? Number(last.change_seq) : after),
      hasMore: rows.length > limit,
      lastAppliedSeq: Number(client?.last_applied_seq ?? 0),
    };
  });
}

function encodeCursor(changeSeq: number): string {
  return Buffer.from(JSON.stringify({ v: 1, s: changeSeq })).toString('base64url');
}

function decodeCursor(cursor: string | null): number {
  if (cursor === null) return 0;
  try {
    const { v, s } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: number; s?: number };
    if (v === 1 && Number.isSafeInteger(s) && (s as number) >= 0) return s as number;
  } catch {}
  throw new SyncError('invalid_body', 'cursor is not one this server issued; pull again with cursor null');
}
