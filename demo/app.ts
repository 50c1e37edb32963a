// The demo todo app: plain fetch() against a REST API. The service worker answers it from
// IndexedDB, so the app works offline; syncworker syncs the changes with the server.
import { connect, type SyncClient } from 'syncworker';
import { installDevtoolsTriggers } from 'syncworker/devtools';
import type { Todo } from './schema.ts';

declare global {
  interface Window {
    /** For the console and the end-to-end tests. */
    syncClient: SyncClient;
  }
}

const list = document.querySelector<HTMLUListElement>('#todos');
const form = document.querySelector<HTMLFormElement>('#add');
const statusLine = document.querySelector<HTMLParagraphElement>('#status');

async function render(): Promise<void> {
  const todos = (await (await fetch('/api/todos?_sort=createdAt')).json()) as Todo[];
  list?.replaceChildren(...todos.map(renderTodo));
}

function renderTodo(todo: Todo): HTMLLIElement {
  const item = document.createElement('li');
  item.className = todo.done ? 'done' : '';
  item.dataset.id = todo.id;
  const done = document.createElement('input');
  done.type = 'checkbox';
  done.checked = todo.done === true;
  done.addEventListener('change', () =>
    send('PATCH', `/api/todos/${encodeURIComponent(todo.id)}`, { done: done.checked }),
  );
  const title = document.createElement('span');
  title.textContent = todo.title;
  const remove = document.createElement('button');
  remove.textContent = 'Delete';
  remove.addEventListener('click', () => send('DELETE', `/api/todos/${encodeURIComponent(todo.id)}`));
  item.append(done, title, remove);
  return item;
}

async function send(method: string, url: string, body?: unknown): Promise<void> {
  const init: RequestInit = { method, headers: { 'Content-Type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  await fetch(url, init);
  await render();
}

form?.addEventListener('submit', (event) => {
  event.preventDefault();
  const input = form.elements.namedItem('title') as HTMLInputElement;
  void send('POST', '/api/todos', { title: input.value, done: false, createdAt: Date.now() });
  input.value = '';
});

// Without a service worker (no support, a blocked or failed install) the server answers the same
// routes: the app works online, and says why it cannot work offline.
const client = await connect({ serviceWorkerUrl: '/sw.js' }).catch(async (error: unknown) => {
  if (statusLine) statusLine.textContent = `Online only: ${error instanceof Error ? error.message : String(error)}`;
  await render();
  throw error;
});
window.syncClient = client;
// The debug panel: open with ?syncworker-devtools or Alt+Shift+D.
installDevtoolsTriggers(client);
client.on('changed', () => void render());
client.on('status', (status) => {
  if (statusLine) {
    const synced = status.lastSyncAt ? new Date(status.lastSyncAt).toLocaleTimeString() : 'never';
    statusLine.textContent = `${status.pending} change(s) waiting · last sync ${synced}${status.lastError ? ` · ${status.lastError.message}` : ''}${status.isControlled ? '' : ` · ${ONLINE_ONLY}`}`;
  }
});
// After a hard reload the worker may not control the page: the list then comes from the server.
const ONLINE_ONLY = 'online only: reload to work offline';
if (statusLine) statusLine.textContent = (await client.status()).isControlled ? 'Ready' : `Ready · ${ONLINE_ONLY}`;
await render();
