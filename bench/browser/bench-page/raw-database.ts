import type { Dexie as DexieDatabase, Table } from 'dexie';
import type { RawTodo } from '../todo-records.ts';

/** The raw Dexie database the baselines use: the same todos, indexed as the worker's route declares. */
export type RawDatabase = DexieDatabase & { todos: Table<RawTodo, string> };

/** Its own name, so it never meets the worker's databases. */
const RAW_DATABASE_NAME = 'bench-raw-dexie';

let database: RawDatabase | null = null;

/** Opens (once per page) the raw database. */
export function rawDatabase(): RawDatabase {
  if (!database) {
    const opened = new Dexie(RAW_DATABASE_NAME) as RawDatabase;
    opened.version(1).stores({ todos: 'id, done, createdAt, [done+createdAt]' });
    database = opened;
  }
  return database;
}

/** The list figure's query on the raw database: open todos, newest first, 50. */
export function rawOpenTodosPage(): Promise<RawTodo[]> {
  return rawDatabase()
    .todos.where('[done+createdAt]')
    .between([0, Dexie.minKey], [0, Dexie.maxKey])
    .reverse()
    .limit(50)
    .toArray();
}
