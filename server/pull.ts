import type { CollectionChanges, PullRequest, PullResponse } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import { toRecord } from './records.ts';
import type { Storage } from './storage.ts';

/** Records per page when the client does not ask for a limit, and the most it may ask for. */
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 5000;

/**
 * Returns the user's changes after `cursor`, oldest first. The cursor is the user's change
 * number; pushes commit their change numbers in order (see `claimClient` in push.ts), so none
 * is skipped. Records whose latest write is a mutation the asking client has settled
 * (`settledSeq`) are left out but still counted in the page, so the cursor moves past them.
 */
export async function pullChanges(storage: Storage, owner: string, request: PullRequest): Promise<PullResponse> {
  const after = decodeCursor(request.cursor ?? null);
  const limit = Math.min(request.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const clientId = request.clientId ?? null;
  const settledSeq = clientId === null ? null : (request.settledSeq ?? null);
  return storage.transaction(async (tx) => {
    const rows = await tx.query<{
      collection: string;
      id: string;
      data: Record<string, unknown> | null;
      version: number;
      deleted: boolean;
      change_seq: number;
      is_settled: boolean;
    }>(
      `SELECT collection, id, version, deleted, change_seq, is_settled,
              CASE WHEN is_settled OR deleted THEN NULL ELSE data END AS data
       FROM (SELECT *, coalesce(written_by = $5 AND written_seq <= $6, false) AS is_settled
             FROM syncworker_records
             WHERE owner = $1 AND change_seq > $2 AND ($3::text[] IS NULL OR collection = ANY($3::text[]))
             ORDER BY change_seq LIMIT $4) AS page
       ORDER BY change_seq`,
      [owner, after, request.collections ?? null, limit + 1, clientId, settledSeq],
    );
    const page = rows.slice(0, limit);
    // A Map, not an object: a collection named `constructor` or `__proto__` must stay a plain key.
    const changes = new Map<string, CollectionChanges>();
    for (const row of page) {
      if (row.is_settled) continue;
      let collection = changes.get(row.collection);
      if (!collection) {
        collection = { upserted: [], deleted: [] };
        changes.set(row.collection, collection);
      }
      if (row.deleted) collection.deleted.push(row.id);
      else collection.upserted.push(toRecord(row.id, row.data ?? {}, Number(row.version)));
    }
    const last = page.at(-1);
    const [client] = clientId
      ? await tx.query<{ last_applied_seq: number }>(
          'SELECT last_applied_seq FROM syncworker_clients WHERE client_id = $1 AND owner = $2',
          [clientId, owner],
        )
      : [];
    return {
      changes: jsonObject(changes),
      cursor: encodeCursor(last ? Number(last.change_seq) : after),
      hasMore: rows.length > limit,
      lastAppliedSeq: Number(client?.last_applied_seq ?? 0),
    };
  });
}

/** A Map as an object for JSON, without a prototype whose names could shadow or swallow keys. */
function jsonObject<T>(map: Map<string, T>): Record<string, T> {
  const object: Record<string, T> = Object.create(null);
  for (const [key, value] of map) object[key] = value;
  return object;
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
