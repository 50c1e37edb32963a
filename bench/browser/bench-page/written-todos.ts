import type { Side } from '../page-protocol.ts';
import { type Todo, writtenTodo } from '../todo-records.ts';

const counters = new Map<string, number>();

/**
 * The next todo a figure writes under `tag`. Each side counts on its own, so the baseline's k-th
 * write and ours are the same todo and both databases keep holding the same data.
 */
export function nextTodo(tag: string, side: Side, isFresh: boolean): Todo {
  const key = `${tag}/${side}`;
  const k = counters.get(key) ?? 0;
  counters.set(key, k + 1);
  return writtenTodo(tag, k, isFresh);
}

/** The next `count` todos of `tag` for `side` (done and old: they stay out of the list). */
export function nextTodos(tag: string, side: Side, count: number): Todo[] {
  return Array.from({ length: count }, () => nextTodo(tag, side, false));
}
