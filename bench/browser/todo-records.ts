/**
 * The records every figure reads and writes, built the same way in Node (to seed the server)
 * and in the page (to write), so the worker's database and the raw Dexie one hold the same data.
 */

interface TodoFields {
  id: string;
  title: string;
  createdAt: number;
  priority: number;
  /** A record pulled from the server carries `_version` too. */
  [field: string]: unknown;
}

/** A todo as the app stores it through the worker. */
export interface Todo extends TodoFields {
  done: boolean;
}

/** The same todo in the raw Dexie database: IndexedDB cannot index booleans, so `done` is 0 or 1. */
export interface RawTodo extends TodoFields {
  done: 0 | 1;
}

/** Seeded todos are created one second apart from this instant. */
const SEED_EPOCH = 1_700_000_000_000;
/** Todos written by the figures that must show up first in the list (newest, not done). */
const FRESH_EPOCH = 2_000_000_000_000;
/** Todos written by the figures that must stay out of the list (done, and older than any seed). */
const STALE_EPOCH = 1_000_000_000_000;

/** The list every list figure runs: open todos, newest first, a page of 50. */
export const LIST_PATH = '/api/todos?done=false&_sort=-createdAt&_limit=50';

/** The `i`-th seeded todo; a third of them are done. */
export function seedTodo(i: number): Todo {
  return {
    id: seedTodoId(i),
    title: `Todo ${i}: water the plants on the balcony`,
    done: i % 3 === 0,
    createdAt: SEED_EPOCH + i * 1000,
    priority: i % 5,
  };
}

export function seedTodoId(i: number): string {
  return `seed-${String(i).padStart(7, '0')}`;
}

/**
 * The `k`-th todo a figure writes under `tag`. `fresh` ones are open and newer than every other
 * todo (they enter the list's first page); the others are done and old (the list never shows them).
 */
export function writtenTodo(tag: string, k: number, isFresh: boolean): Todo {
  return {
    id: `${tag}-${String(k).padStart(7, '0')}`,
    title: `Todo ${tag} ${k}: call the plumber about the kitchen sink`,
    done: !isFresh,
    createdAt: (isFresh ? FRESH_EPOCH : STALE_EPOCH) + k,
    priority: k % 5,
  };
}

/** The raw-Dexie form of a todo (a record pulled from the server keeps its other fields, `_version` too). */
export function toRawTodo(todo: Todo): RawTodo {
  return { ...todo, done: todo.done ? 1 : 0 };
}
