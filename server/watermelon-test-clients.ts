import { createRequire } from 'node:module';
import { type AppSchema, Database, Model } from '@nozbe/watermelondb';
import * as lokiAdapterModule from '@nozbe/watermelondb/adapters/lokijs';
import { type SchemaMigrations, schemaMigrations } from '@nozbe/watermelondb/Schema/migrations';
import { synchronize } from '@nozbe/watermelondb/sync';
import * as loggerModule from '@nozbe/watermelondb/utils/common/logger';

/**
 * A test client of the sync server: a real WatermelonDB database (LokiJS in memory) synced with
 * `synchronize()` through `/sync/watermelon`, exactly as WatermelonDB's docs write `pullChanges`
 * and `pushChanges`. Its syncworker counterpart is in `watermelon-test-native-client.ts`.
 */

type Fields = Record<string, unknown>;
/** A client's records of one table: id -> fields. */
export type Records = Map<string, Fields>;

const { LokiMemoryAdapter } = createRequire(import.meta.url)('lokijs') as { LokiMemoryAdapter: new () => object };
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
      // In memory: Node has no IndexedDB. Kept across `upgrade()`, as an app's storage is.
      _testLokiAdapter: new LokiMemoryAdapter(),
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
   * One `synchronize()`. `beforePush` runs between the pull and the push (to let others write then).
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
