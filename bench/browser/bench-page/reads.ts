// Figures 1 and 4: a list and a single record, through the worker and on the raw database.
import type { Measurement, SampleBudget } from '../page-protocol.ts';
import { rawDatabase, rawOpenTodosPage } from './raw-database.ts';
import { getTodo, listOpenTodos } from './rest-calls.ts';
import { medianLatency } from './timing.ts';
import { todoCollection } from './worker-client.ts';

export async function listViaFetch(budget: SampleBudget): Promise<Measurement> {
  return { ms: await medianLatency(budget, listOpenTodos) };
}

/** The same query through the collection API: the query's cost without the `fetch` transport. */
export async function listViaCollection(budget: SampleBudget): Promise<Measurement> {
  const todos = todoCollection();
  return {
    ms: await medianLatency(budget, () => todos.list({ where: { done: false }, sort: '-createdAt', limit: 50 })),
  };
}

export async function listRaw(budget: SampleBudget): Promise<Measurement> {
  return { ms: await medianLatency(budget, rawOpenTodosPage) };
}

/** Checks that both sides answer the list with the same todos in the same order. */
export async function compareLists(): Promise<string | null> {
  const ours = await listOpenTodos();
  const raw = (await rawOpenTodosPage()).map((todo) => todo.id);
  if (ours.join() === raw.join()) return null;
  const at = ours.findIndex((id, index) => raw[index] !== id);
  return `the worker listed ${ours.length} todos, raw Dexie ${raw.length}; first difference at #${at}: ${ours[at]} vs ${raw[at]}`;
}

export async function getViaFetch(ids: string[], budget: SampleBudget): Promise<Measurement> {
  return { ms: await medianLatency(budget, (run) => getTodo(pick(ids, run))) };
}

export async function getRaw(ids: string[], budget: SampleBudget): Promise<Measurement> {
  const todos = rawDatabase().todos;
  return {
    ms: await medianLatency(budget, async (run) => {
      const id = pick(ids, run);
      if (!(await todos.get(id))) throw new Error(`raw Dexie has no todo ${id}`);
    }),
  };
}

function pick(ids: string[], run: number): string {
  const id = ids[run % ids.length];
  if (id === undefined) throw new Error('no ids to read');
  return id;
}
