import type { Collection, SyncClient, SyncWorkerConfig } from '../../../src/index.ts';
import type { Todo } from '../todo-records.ts';

/** The ready-made worker's configuration: the todos route with the indexes the list figure needs. */
const BENCH_WORKER_CONFIG: SyncWorkerConfig = {
  routes: { '/api/todos': { collection: 'todos', indexes: ['done', 'createdAt', '[done+createdAt]'] } },
  appShell: [],
};

let client: SyncClient | null = null;

/** Registers the ready-made worker with the bench configuration and opens the page's link to it. */
export async function connectWorker(): Promise<void> {
  client = await SyncWorker.connect({ config: BENCH_WORKER_CONFIG });
}

/** The page's client; `connectWorker` must have run. */
export function syncClient(): SyncClient {
  if (!client) throw new Error('The bench page is not connected to the worker: call connect() first');
  return client;
}

/** The todos collection through the collection API. */
export function todoCollection(): Collection<Todo> {
  return syncClient().collection<Todo>('todos');
}

/**
 * Names a collection method this build lacks (`collection.bulkPut`), or null when it has it:
 * the bench runs against builds that predate some of the API it measures.
 */
export function missingCollectionMethod(name: 'bulkPut' | 'bulkDelete'): string | null {
  const method: unknown = (todoCollection() as unknown as Record<string, unknown>)[name];
  return typeof method === 'function' ? null : `collection.${name}`;
}
