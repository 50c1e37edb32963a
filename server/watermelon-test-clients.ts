import { type AppSchema, Database, Model } from '@nozbe/watermelondb';
import * as lokiAdapterModule from '@nozbe/watermelondb/adapters/lokijs';
import { type SchemaMigrations, schemaMigrations } from '@nozbe/watermelondb/Schema/migrations';
import { synchronize } from '@nozbe/watermelondb/sync';
import * as loggerModule from '@nozbe/watermelondb/utils/common/logger';
import type { Mutation, PullResponse, PushResponse, SyncRecord } from '../protocol/index.ts';

/**
 * Test clients of one sync server: a real WatermelonDB database (LokiJS in memory) synced with
 * `synchronize()` through `/sync/watermelon`, exactly as WatermelonDB's docs write `pullChanges`
 * and `pushChanges`; and a client of the browser runtime's protocol (`/sync/push` + `/sync/pull`)
 * that keeps its records and outbox the way the service worker does.
 */

type Fields = Record<string, unknown>;
/** A client's records of one table: id -> fields. */
export type Records = Map<string, Fields>;

// The package is CommonJS: its default exports arrive wrapped, however the test runner loads it.
const unwrap = <T>(module: unknown): T => ((module as { default?: T }).default ?? module) as T;
// biome-ignore lint/suspicious/noExplicitAny: the adapter's options type lacks the test-only fields used here.
const LokiJSAdapter = unwrap<new (options: any) => any>(lokiAdapterModule);
const logger = unwrap<{ log(...messages: unknown[]): void; warn(...m: unknown[]): void; error(...m: unknown[]): void }>(
  loggerModule,
);

/**
 * What WatermelonDB logs as errors ("this could be a serious bug", "most likely server bug"):
 * a server following its backend rules gives it none to log. Warnings and logs are dropped.
 */
export const watermelonErrors: string[] = [];
logger.log = () => {};
logger.warn = () => {};
logger.error = (...messages: unknown[]) => {
  watermelonErrors.push(
    messages.map((message) => (message instanceof Error ? message.message : String(message))).join(' '),
  );
};

/** Every model is plain: fields are read and written raw, by column name. */
function modelClassesOf(schema: AppSchema): (typeof Model)[] {
  return Object.keys(schema.tables).map((table) => {
    const modelClass = class extends Model {};
    (modelClass as unknown as { table: string }).table = table;
    return modelClass;
  });
}

export interface WatermelonClientOptions {
  url: string;
  token?: string;
  schema: AppSchema;
  migrations?: SchemaMigrations;
  /** Sent as `client_id` on pulls and pushes when set. */
  clientId?: string;
}

let databases = 0;

export class WatermelonTestClient {
  // biome-ignore lint/suspicious/noExplicitAny: WatermelonDB's adapter is untyped here.
  #adapter: any;
  #database: Database;
  readonly #options: WatermelonClientOptions;

  // biome-ignore lint/suspicious/noExplicitAny: as above.
  private constructor(options: WatermelonClientOptions, adapter: any) {
    this.#options = options;
    this.#adapter = adapter;
    this.#database = new Database({ adapter, modelClasses: modelClassesOf(options.schema) });
  }

  static open(options: WatermelonClientOptions): WatermelonTestClient {
    databases += 1;
    const adapter = new LokiJSAdapter({
      schema: options.schema,
      migrations: options.migrations ?? schemaMigrations({ migrations: [] }),
      useWebWorker: false,
      useIncrementalIndexedDB: true,
      dbName: `watermelon-test-${databases}`,
      extraLokiOptions: { verbose: false },
    });
    return new WatermelonTestClient(options, adapter);
  }

  /** The same local database opened by a newer version of the app, migrated to `schema`. */
  async upgrade(schema: AppSchema, migrations: SchemaMigrations): Promise<WatermelonTestClient> {
    const adapter = await this.#adapter.testClone({ schema, migrations });
    return new WatermelonTestClient({ ...this.#options, schema, migrations }, adapter);
  }

  get database(): Database {
    return this.#database;
  }

  /**
   * One `synchronize()`. `beforePush` runs between the pull and the push (to let others write
   * then); `pushBody` may rewrite the body before it is sent.
   */
  async sync(hooks: { beforePush?: () => Promise<void> } = {}): Promise<void> {
    const { url, token, clientId } = this.#options;
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    const client = clientId ? `&client_id=${clientId}` : '';
    await synchronize({
      database: this.#database,
      pullChanges: async ({ lastPulledAt, schemaVersion, migration }) => {
        const urlParams = `last_pulled_at=${lastPulledAt}&schema_version=${schemaVersion}&migration=${encodeURIComponent(
          JSON.stringify(migration),
        )}${client}`;
        const response = await fetch(`${url}/sync/watermelon?${urlParams}`, { headers });
        if (!response.ok) throw new Error(await response.text());
        // biome-ignore lint/suspicious/noExplicitAny: whatever the server answered goes to WatermelonDB as is.
        const { changes, timestamp } = (await response.json()) as any;
        return { changes, timestamp };
      },
      pushChanges: async ({ changes, lastPulledAt }) => {
        await hooks.beforePush?.();
        // As in WatermelonDB's docs: no Content-Type.
        const response = await fetch(`${url}/sync/watermelon?last_pulled_at=${lastPulledAt}${client}`, {
          method: 'POST',
          body: JSON.stringify(changes),
          headers,
        });
        if (!response.ok) throw new Error(await response.text());
      },
      migrationsEnabledAtVersion: 1,
    });
  }

  /** Creates a record with these fields; returns its id (WatermelonDB's own). */
  async create(table: string, fields: Fields): Promise<string> {
    let id = '';
    await this.#database.write(async () => {
      const record = await this.#database.get(table).create((created) => {
        for (const [column, value] of Object.entries(fields)) created._setRaw(column, value as never);
      });
      id = record.id;
    });
    return id;
  }

  /** Creates many records in one batch (offline, as an app importing data would). */
  async createMany(table: string, list: Fields[]): Promise<void> {
    await this.#database.write(async () => {
      const collection = this.#database.get(table);
      await this.#database.batch(
        list.map((fields) =>
          collection.prepareCreate((created) => {
            for (const [column, value] of Object.entries(fields)) created._setRaw(column, value as never);
          }),
        ),
      );
    });
  }

  async update(table: string, id: string, fields: Fields): Promise<void> {
    await this.#database.write(async () => {
      const record = await this.#database.get(table).find(id);
      await record.update((updated) => {
        for (const [column, value] of Object.entries(fields)) updated._setRaw(column, value as never);
      });
    });
  }

  /** Deletes a record the syncable way (WatermelonDB's `markAsDeleted`). */
  async delete(table: string, id: string): Promise<void> {
    await this.#database.write(async () => {
      await (await this.#database.get(table).find(id)).markAsDeleted();
    });
  }

  /** The live records of `table`, as their columns. */
  async records(table: string): Promise<Records> {
    const records = await this.#database.get(table).query().fetch();
    return new Map(
      records.map((record) => {
        const { id, _status, _changed, ...fields } = record._raw as unknown as Fields;
        return [record.id, fields];
      }),
    );
  }

  /** Stops LokiJS's autosave timer. */
  close(): void {
    this.#adapter._driver?.loki?.close();
  }
}

/** An outbox entry of the native client. */
type PendingMutation = Mutation;

/**
 * A client of the browser runtime's protocol with the service worker's rules: every local write
 * is queued with the record's `_version` as its base; a push result's record is adopted unless
 * later local writes of it still wait; a pull never overwrites a record with waiting writes.
 */
export class NativeTestClient {
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #clientId: string;
  readonly #records = new Map<string, SyncRecord>();
  #outbox: PendingMutation[] = [];
  #seq = 0;
  #cursor: string | null = null;

  constructor(url: string, clientId: string, token?: string) {
    this.#url = url;
    this.#clientId = clientId;
    this.#headers = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  }

  create(collection: string, id: string, fields: Fields): void {
    this.#records.set(`${collection}/${id}`, { ...fields, id });
    this.#enqueue(collection, 'create', id, fields, null);
  }

  update(collection: string, id: string, fields: Fields): void {
    const record = this.#records.get(`${collection}/${id}`);
    if (!record) throw new Error(`${collection}/${id} is not here`);
    this.#records.set(`${collection}/${id}`, { ...record, ...fields });
    this.#enqueue(collection, 'update', id, fields, record._version ?? null);
  }

  delete(collection: string, id: string): void {
    const record = this.#records.get(`${collection}/${id}`);
    if (!record) throw new Error(`${collection}/${id} is not here`);
    this.#records.delete(`${collection}/${id}`);
    this.#enqueue(collection, 'delete', id, undefined, record._version ?? null);
  }

  /** Pushes the outbox, then pulls until there is no more. */
  async sync(): Promise<void> {
    if (this.#outbox.length > 0) {
      const sent = this.#outbox;
      const answer = await this.#post<PushResponse>('/sync/push', { clientId: this.#clientId, mutations: sent });
      this.#outbox = this.#outbox.filter((mutation) => mutation.seq > answer.lastAppliedSeq);
      for (const result of answer.results) {
        const mutation = sent.find((entry) => entry.seq === result.seq);
        if (!mutation || result.record === undefined || this.#isPending(mutation.collection, mutation.recordId))
          continue;
        this.#adopt(mutation.collection, mutation.recordId, result.record);
      }
    }
    for (let hasMore = true; hasMore; ) {
      const page = await this.#post<PullResponse>('/sync/pull', { clientId: this.#clientId, cursor: this.#cursor });
      for (const [collection, { upserted, deleted }] of Object.entries(page.changes)) {
        for (const record of upserted)
          if (!this.#isPending(collection, record.id)) this.#adopt(collection, record.id, record);
        for (const id of deleted) if (!this.#isPending(collection, id)) this.#adopt(collection, id, null);
      }
      this.#cursor = page.cursor;
      hasMore = page.hasMore;
    }
  }

  /** The live records of `collection`, as their fields. */
  records(collection: string): Records {
    const records: Records = new Map();
    for (const [key, { id, _version, ...fields }] of this.#records) {
      if (key.startsWith(`${collection}/`)) records.set(id, fields);
    }
    return records;
  }

  get pending(): number {
    return this.#outbox.length;
  }

  #enqueue(
    collection: string,
    op: Mutation['op'],
    recordId: string,
    data: Fields | undefined,
    baseVersion: number | null,
  ) {
    this.#seq += 1;
    this.#outbox.push({
      seq: this.#seq,
      id: `${this.#clientId}-${this.#seq}`,
      collection,
      op,
      recordId,
      ...(data ? { data } : {}),
      baseVersion,
      at: Date.now(),
    });
  }

  #isPending(collection: string, id: string): boolean {
    return this.#outbox.some((mutation) => mutation.collection === collection && mutation.recordId === id);
  }

  #adopt(collection: string, id: string, record: SyncRecord | null): void {
    if (record) this.#records.set(`${collection}/${id}`, record);
    else this.#records.delete(`${collection}/${id}`);
  }

  async #post<T>(path: string, body: object): Promise<T> {
    const response = await fetch(this.#url + path, {
      method: 'POST',
      headers: this.#headers,
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
}
