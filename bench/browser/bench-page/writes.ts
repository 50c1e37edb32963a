// Figures 2 and 3: writes one at a time and in bulk, through the worker and on the raw database.
import type { Measurement, SampleBudget } from '../page-protocol.ts';
import { toRawTodo } from '../todo-records.ts';
import { rawDatabase } from './raw-database.ts';
import { emptyRoundTrip, postTodo } from './rest-calls.ts';
import { medianLatency, runConcurrently, timeOnce } from './timing.ts';
import { missingCollectionMethod, todoCollection } from './worker-client.ts';
import { nextTodo, nextTodos } from './written-todos.ts';

export async function putViaCollection(budget: SampleBudget): Promise<Measurement> {
  const todos = todoCollection();
  return { ms: await medianLatency(budget, () => todos.put(nextTodo('single-put', 'ours', false))) };
}

export async function putRaw(budget: SampleBudget): Promise<Measurement> {
  const todos = rawDatabase().todos;
  return { ms: await medianLatency(budget, () => todos.put(toRawTodo(nextTodo('single-put', 'baseline', false)))) };
}

export async function postViaFetch(budget: SampleBudget): Promise<Measurement> {
  return { ms: await medianLatency(budget, () => postTodo(nextTodo('single-post', 'ours', false))) };
}

export async function emptyFetch(budget: SampleBudget): Promise<Measurement> {
  return { ms: await medianLatency(budget, emptyRoundTrip) };
}

export async function postManyViaFetch(count: number, inFlight: number): Promise<Measurement> {
  // Bodies are prepared first: the figure times the worker, not JSON.stringify.
  const bodies = nextTodos('many-post', 'ours', count).map((todo) => JSON.stringify(todo));
  return { ms: await timeOnce(() => runConcurrently(count, inFlight, (i) => postTodo(bodies[i] ?? ''))) };
}

export async function emptyFetchMany(count: number, inFlight: number): Promise<Measurement> {
  return { ms: await timeOnce(() => runConcurrently(count, inFlight, emptyRoundTrip)) };
}

/** Ids of the last bulk put of each side, for the bulk delete that follows it. */
const lastBulkPut = { ours: [] as string[], baseline: [] as string[] };

export async function bulkPutViaCollection(count: number): Promise<Measurement> {
  const missing = missingCollectionMethod('bulkPut');
  if (missing) return { missing };
  const todos = nextTodos('bulk', 'ours', count);
  lastBulkPut.ours = todos.map((todo) => todo.id);
  const collection = todoCollection();
  return { ms: await timeOnce(() => collection.bulkPut(todos)) };
}

export async function bulkPutRaw(count: number): Promise<Measurement> {
  const todos = nextTodos('bulk', 'baseline', count).map(toRawTodo);
  lastBulkPut.baseline = todos.map((todo) => todo.id);
  const table = rawDatabase().todos;
  return { ms: await timeOnce(() => table.bulkPut(todos)) };
}

export async function bulkDeleteViaCollection(): Promise<Measurement> {
  const missing = missingCollectionMethod('bulkDelete');
  if (missing) return { missing };
  const collection = todoCollection();
  const ids = lastBulkPut.ours;
  if (ids.length === 0) return { missing: 'a bulkPut to delete (collection.bulkPut)' };
  return { ms: await timeOnce(() => collection.bulkDelete(ids)) };
}

export async function bulkDeleteRaw(): Promise<Measurement> {
  const table = rawDatabase().todos;
  const ids = lastBulkPut.baseline;
  return { ms: await timeOnce(() => table.bulkDelete(ids)) };
}
