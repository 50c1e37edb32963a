import type { RecordChanges, SyncRecord } from '../protocol/index.ts';
import type { RecordQuery } from '../protocol/query.ts';
import { compareRecords, matchesQuery } from '../protocol/query-match.ts';

/**
 * A live query's result kept on the page and updated from the changes the worker announces,
 * without asking the worker again whenever the change alone settles the new result. It asks
 * (an indexed query) only when records beyond what it holds may now belong in it: a full
 * window lost a record, or the query skips records (`offset`) it cannot see.
 */
export class LiveQuery<T extends SyncRecord> {
  readonly #query: RecordQuery;
  readonly #fetch: () => Promise<T[]>;
  readonly #deliver: (records: T[]) => void;
  #records: T[] | null = null;
  #isFetching = false;
  #isStale = false;
  #isActive = true;

  /** `fetch` runs the query in the worker; `deliver` hears every new result. */
  constructor(query: RecordQuery, fetch: () => Promise<T[]>, deliver: (records: T[]) => void) {
    this.#query = query;
    this.#fetch = fetch;
    this.#deliver = deliver;
    this.refresh();
  }

  /** Applies a collection's announced changes; `undefined` means too many to list: run the query again. */
  apply(changes: RecordChanges | undefined): void {
    if (!this.#isActive) return;
    const next =
      changes && this.#records !== null && !this.#isFetching ? this.#merge(this.#records, changes) : 'unknown';
    if (next === 'unknown') this.refresh();
    else if (next !== 'unchanged') {
      this.#records = next;
      this.#deliver(next);
    }
  }

  /** Runs the query in the worker again; changes announced meanwhile make it run once more. */
  refresh(): void {
    if (!this.#isActive) return;
    if (this.#isFetching) {
      this.#isStale = true;
      return;
    }
    this.#isFetching = true;
    this.#isStale = false;
    this.#fetch()
      .then((records) => {
        this.#isFetching = false;
        if (!this.#isActive) return;
        if (this.#isStale) {
          this.refresh();
          return;
        }
        this.#records = records;
        this.#deliver(records);
      })
      .catch((error: unknown) => {
        this.#isFetching = false;
        console.warn('syncworker: a live query failed', error);
      });
  }

  stop(): void {
    this.#isActive = false;
  }

  #merge(current: T[], { upserted, deleted }: RecordChanges): T[] | 'unchanged' | 'unknown' {
    const { limit, offset, sort } = this.#query;
    const touched = new Set([...deleted, ...upserted.map((record) => record.id)]);
    const retained = current.filter((record) => !touched.has(record.id));
    const added = (upserted as T[]).filter((record) => matchesQuery(record, this.#query));
    if (retained.length === current.length && added.length === 0) return 'unchanged';
    // Records skipped by the offset are not held here: any change may move the window.
    if (offset > 0) return 'unknown';
    const merged = [...retained, ...added].sort((a, b) => compareRecords(a, b, sort));
    if (limit === null) return merged;
    // A window that was not full held every match.
    const last = current[limit - 1];
    if (!last) return merged.slice(0, limit);
    // A full one knows every match up to its old last record, and nothing beyond.
    const known = merged.filter((record) => compareRecords(record, last, sort) <= 0).length;
    return known >= limit ? merged.slice(0, limit) : 'unknown';
  }
}
