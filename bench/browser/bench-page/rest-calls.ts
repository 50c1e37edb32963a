// The app's REST calls the figures time, as an app makes them: `fetch`, answered by the worker.
import { LIST_PATH, type Todo } from '../todo-records.ts';

/** An id no todo has: its `GET` is answered 404 after one lookup, the cheapest round trip to the worker. */
const MISSING_TODO_PATH = '/api/todos/bench-no-such-todo';

/** `POST /api/todos`; the body is sent as given (a string is prepared JSON). */
export async function postTodo(todo: Todo | string): Promise<void> {
  const response = await fetch('/api/todos', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof todo === 'string' ? todo : JSON.stringify(todo),
  });
  await expectStatus(response, 201);
}

export async function getTodo(id: string): Promise<void> {
  await expectStatus(await fetch(`/api/todos/${encodeURIComponent(id)}`), 200);
}

/** The list request of figure 1; resolves to the listed ids. */
export async function listOpenTodos(): Promise<string[]> {
  const response = await fetch(LIST_PATH);
  const body = (await expectStatus(response, 200)) as Todo[];
  return body.map((todo) => todo.id);
}

/** A round trip to the worker that touches no record: a 404. */
export async function emptyRoundTrip(): Promise<void> {
  await expectStatus(await fetch(MISSING_TODO_PATH), 404);
}

/** Reads the body (JSON when there is one) and fails unless the status is `status`. */
async function expectStatus(response: Response, status: number): Promise<unknown> {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`${response.url} answered ${response.status} instead of ${status}: ${text.slice(0, 200)}`);
  }
  return text ? JSON.parse(text) : null;
}
