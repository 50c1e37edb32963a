import type { DeadLetterInfo, MutationOutcome, SyncClient } from 'syncworker';

/**
 * Where a record stands with the server:
 * - `pending`: changed on this device, not yet acknowledged by the server;
 * - `synced`: the server has this version;
 * - `merged`: the server had a newer version; the stored record is the server's resolution of both;
 * - `rejected`: the server refused a change of it for good (the reason is in its dead letter).
 */
export type SyncMark = 'pending' | 'synced' | 'merged' | 'rejected';

/** Words shown for each mark. */
export const MARK_LABELS: Record<SyncMark, string> = {
  pending: 'Waiting to sync',
  synced: 'Synced',
  merged: 'Merged',
  rejected: 'Rejected',
};

/** Most outbox entries read at once; beyond it, records are shown waiting from their writes' headers. */
const OUTBOX_READ_LIMIT = 1000;

const keyOf = (collection: string, id: string) => `${collection}/${id}`;

/**
 * Each record's sync mark, kept from the page client's events: the outbox and the dead letters
 * are read again when the worker announces a new status (their counts changed), and conflicts
 * come from the pushed mutations' outcomes. No polling.
 */
export class SyncMarks {
  /** Null without a worker: nothing waits or is refused, everything shown is the server's. */
  readonly #client: SyncClient | null;
  /** Records with changes waiting -> the seq of the oldest (null while known only from a write's header). */
  #pending = new Map<string, number | null>();
  #rejected = new Map<string, DeadLetterInfo>();
  readonly #merged = new Set<string>();

  constructor(client: SyncClient | null) {
    this.#client = client;
  }

  /** Reads the outbox and the dead letters again. */
  async refresh(): Promise<void> {
    if (!this.#client) return;
    const [outbox, deadLetters] = await Promise.all([
      this.#client.outbox(OUTBOX_READ_LIMIT),
      this.#client.deadLetters(),
    ]);
    this.#pending = new Map();
    // Oldest first: the first entry of a record is where undoing its waiting changes starts.
    for (const entry of outbox) {
      const key = keyOf(entry.collection, entry.recordId);
      if (!this.#pending.has(key)) this.#pending.set(key, entry.seq);
    }
    // Oldest first: a record refused twice shows its latest refusal.
    this.#rejected = new Map(
      deadLetters.flatMap((letter) =>
        letter.mutation ? [[keyOf(letter.mutation.collection, letter.mutation.recordId), letter] as const] : [],
      ),
    );
  }

  /** Notes a local write's answer at once (its `X-Sync-Pending` header), before the next status arrives. */
  noteWrite(collection: string, id: string, response: Response): void {
    const key = keyOf(collection, id);
    if (Number(response.headers.get('X-Sync-Pending')) > 0 && !this.#pending.has(key)) this.#pending.set(key, null);
  }

  /** Remembers which records the server resolved as conflicts; a later clean push clears it. */
  noteOutcomes(outcomes: MutationOutcome[]): void {
    for (const outcome of outcomes) {
      const key = keyOf(outcome.collection, outcome.recordId);
      if (outcome.status === 'conflict') this.#merged.add(key);
      else if (outcome.status === 'applied') this.#merged.delete(key);
    }
  }

  markOf(collection: string, id: string): SyncMark {
    const key = keyOf(collection, id);
    if (this.#rejected.has(key)) return 'rejected';
    if (this.#pending.has(key)) return 'pending';
    if (this.#merged.has(key)) return 'merged';
    return 'synced';
  }

  /** The seq of the oldest change of this record still waiting to be sent (for `discardPending`), if known. */
  oldestPendingSeq(collection: string, id: string): number | undefined {
    return this.#pending.get(keyOf(collection, id)) ?? undefined;
  }

  /** The server's refusal of a change of this record, if it has one. */
  rejectionOf(collection: string, id: string): DeadLetterInfo | undefined {
    return this.#rejected.get(keyOf(collection, id));
  }

  /** Refusals of records no longer stored (a refused create leaves none): lists show them from the letter. */
  refusalsOfAbsent(collection: string, presentIds: Set<string>): DeadLetterInfo[] {
    return [...this.#rejected.values()].filter(
      ({ mutation }) => mutation?.collection === collection && !presentIds.has(mutation.recordId),
    );
  }
}
