import type { Mutation, PushResponse } from '../../protocol/index.ts';
import { seedTodo, seedTodoId } from './todo-records.ts';

/** The most mutations the server takes in one push (its default limit). */
const PUSH_BATCH = 500;

/**
 * Pushes `count` seeded todos straight to the server, as another device of the same user would,
 * in order: a pull hands them out in the same order, so the last one tells a finished bootstrap.
 * Resolves to the id of that last todo.
 */
export async function seedServer(serverUrl: string, count: number): Promise<string> {
  const clientId = `bench-seeder-${Date.now()}`;
  for (let first = 0; first < count; first += PUSH_BATCH) {
    const mutations: Mutation[] = [];
    for (let i = first; i < Math.min(first + PUSH_BATCH, count); i++) {
      mutations.push({
        seq: i + 1,
        id: `${clientId}-${i}`,
        collection: 'todos',
        op: 'create',
        recordId: seedTodoId(i),
        data: seedTodo(i),
        baseVersion: null,
        at: Date.now(),
      });
    }
    const response = await fetch(`${serverUrl}/sync/push`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId, mutations }),
    });
    const body = (await response.json()) as PushResponse;
    const refused = body.results?.find((result) => result.status !== 'applied');
    if (!response.ok || refused) {
      throw new Error(`seeding the server failed: ${response.status} ${JSON.stringify(refused ?? body).slice(0, 300)}`);
    }
  }
  return seedTodoId(count - 1);
}
