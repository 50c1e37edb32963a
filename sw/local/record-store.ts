import type { Table } from 'dexie';
import type { SyncRecord } from '../../protocol/index.ts';
import { fromStored, type IndexSpec, indexedFields, toStored } from './stored-record.ts';

/**
 * One collection's records, read and written in their app form; the stored form (with the
 * index keys of `stored-record.ts`) never leaves this class. Works inside a caller's transaction.
 */
export class RecordStore {
  readonly name: string;
  /** The raw table, for the query planner. */
  readonly table: Table<SyncRecord, string>;
  readonly indexes: readonly IndexSpec[];
  readonly #fields: string[];
  #version = 0;

  constructor(name: string, table: Table<SyncRecord, string>, indexes: readonly IndexSpec[]) {
    this.name = name;
    this.table = table;
    this.indexes = indexes;
    this.#fields = indexedFields(indexes);
  }

  async get(id: string): Promise<SyncRecord | undefined> {
    const stored = await this.table.get(id);
    return stored && fromStored(stored);
  }

  /** The records of `ids`, in order; undefined where absent. */
  async bulkGet(ids: string[]): Promise<(SyncRecord | undefined)[]> {
    const stored = await this.table.bulkGet(ids);
    return stored.map((record) => record && fromStored(record));
  }

  /** Moves on with every write to the collection (the worker is its only writer): what was counted at a version still holds. */
  get version(): number {
    return this.#version;
  }

  async bulkPut(records: SyncRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.#version += 1;
    await this.table.bulkPut(records.map((record) => toStored(record, this.#fields)));
  }

  async bulkDelete(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    this.#version += 1;
    await this.table.bulkDelete(ids);
  }
}
