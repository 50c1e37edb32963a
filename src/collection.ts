import type { CollectionQuery, LocalWriteResult, SyncRecord } from '../protocol/index.ts';
import { fromCollectionQuery } from '../protocol/query-params.ts';
import { LiveQuery } from './live-query.ts';
import type { SyncClient } from './sync-client.ts';
import type { WorkerLink } from './worker-link.ts';

/**
 * One synced collection, read and written through the worker (the single writer of the local
 * database). Writes are local first: they resolve once stored and queued, online or not.
 */
export class Collection<T extends { id: string } = SyncRecord> {
  readonly name: string;
  readonly #link: WorkerLink;
  readonly #client: SyncClient;

  constructor(name: string, link: WorkerLink, client: SyncClient) {
    this.name = name;
    this.#link = link;
    this.#client = client;
  }

  /** The record, or null. */
  get(id: string): Promise<T | null> {
    return this.#link.call((api) => api.get(this.name, id)) as Promise<T | null>;
  }

  /**
   * Records matching `query`: `where` filters, `sort` as `field` or `-field` (or an array of them),
   * `limit`, `offset`. With a record type, only its fields are accepted (`FieldPath<T>`).
   */
  list(query: CollectionQuery<T> = {}): Promise<T[]> {
    return this.#link.call((api) => api.list(this.name, query as CollectionQuery)) as Promise<T[]>;
  }

  /**
   * Creates or replaces a record. Give it an `id` (UUIDv7 recommended) so a retried call stays one
   * record. Throws `invalid_record` (with `field` and `reason`) if the collection's schema refuses it.
   */
  put(record: Omit<T, '_version'> & { id: string }): Promise<LocalWriteResult> {
    const { id, ...fields } = record;
    return this.#link.call((api) => api.write(this.name, 'put', id, fields));
  }

  /** Merges `fields` into the record; throws `not_found` if it does not exist, `invalid_record` if the result fails the schema. */
  patch(id: string, fields: Partial<Omit<T, 'id' | '_version'>>): Promise<LocalWriteResult> {
    return this.#link.call((api) => api.write(this.name, 'patch', id, fields as Record<string, unknown>));
  }

  /** Deletes the record; throws `not_found` if it does not exist. */
  delete(id: string): Promise<LocalWriteResult> {
    return this.#link.call((api) => api.write(this.name, 'delete', id));
  }

  /**
   * Creates or replaces many records in one local transaction (one outbox entry each).
   * Every id and record is checked first: one bad record (`invalid_id`, `invalid_record`) fails the
   * call and writes nothing.
   */
  bulkPut(records: (Omit<T, '_version'> & { id: string })[]): Promise<number> {
    return this.#link.call((api) =>
      api.writeMany(
        this.name,
        records.map((record) => ({ op: 'put', record: record as SyncRecord })),
      ),
    );
  }

  /** Deletes many records in one local transaction; ids that do not exist are skipped. Resolves to how many were given. */
  bulkDelete(ids: string[]): Promise<number> {
    return this.#link.call((api) =>
      api.writeMany(
        this.name,
        ids.map((id) => ({ op: 'delete', id })),
      ),
    );
  }

  /**
   * A live query: calls `callback` with the matching records now and after every change to
   * this collection, made in any tab or brought by a sync. Changes are applied on the page from
   * what the worker announces; the worker is asked again only when they cannot settle the result.
   * Returns the function that stops it.
   */
  subscribe(query: CollectionQuery<T>, callback: (records: T[]) => void): () => void {
    const live = new LiveQuery<T>(fromCollectionQuery(query as CollectionQuery), () => this.list(query), callback);
    const stop = this.#client.on('changed', ({ collections, changes }) => {
      if (collections.includes(this.name)) live.apply(changes[this.name]);
    });
    return () => {
      live.stop();
      stop();
    };
  }
}
