/** Wire shapes of the sync protocol. */

/** A record as stored and synced: a JSON object with a string `id`. */
export interface SyncRecord {
  id: string;
  /** Server-owned version, absent on records never acknowledged by the server. */
  _version?: number;
  [field: string]: unknown;
}

/**
 * `skip` stands in for a mutation the client discarded before sending it: the server counts its
 * `seq` as processed and does nothing else, so a discard never leaves a hole in the sequence.
 */
export type MutationOp = 'create' | 'update' | 'delete' | 'skip';

export interface Mutation {
  seq: number;
  id: string;
  collection: string;
  op: MutationOp;
  recordId: string;
  /** Full record for `create`, changed fields for `update`, absent for `delete`. */
  data?: Record<string, unknown>;
  /** On an `update`: `data` is the whole new record (a REST `PUT`), so fields it lacks are removed. */
  replace?: boolean;
  baseVersion: number | null;
  at: number;
}

export interface PushRequest {
  clientId: string;
  mutations: Mutation[];
}

export type MutationStatus = 'applied' | 'duplicate' | 'conflict' | 'rejected';

export interface MutationResult {
  seq: number;
  status: MutationStatus;
  /** The record as the server now holds it (`null` once deleted). */
  record?: SyncRecord | null;
  /** Why it was rejected; `field` and `reason` say where a record failed its schema. */
  error?: { code: string; message: string; field?: string; reason?: string };
}

export interface PushResponse {
  lastAppliedSeq: number;
  results: MutationResult[];
}

export interface PullRequest {
  cursor: string | null;
  /** Lets the server report this client's `lastAppliedSeq`. */
  clientId?: string;
  /**
   * With `clientId`: every mutation of this client up to this `seq` has had its push result
   * adopted locally. The pull then leaves out records whose latest write is one of those
   * mutations (the client holds that state and its `_version` already); the cursor still moves
   * past them. An entry dropped because a pull's `lastAppliedSeq` covered it, without its push
   * result, is not settled: keep `settledSeq` below it until a pull started after the drop has
   * run to `hasMore: false` (that pull brought the record); then `settledSeq` may rise to the
   * `lastAppliedSeq` of that pull's first page. Omit to receive every change.
   */
  settledSeq?: number;
  collections?: string[];
  limit?: number;
}

export interface CollectionChanges {
  upserted: SyncRecord[];
  deleted: string[];
}

export interface PullResponse {
  changes: Record<string, CollectionChanges>;
  cursor: string;
  hasMore: boolean;
  lastAppliedSeq: number;
}
