// The page: plain fetch() against /api/todos. Once connect() resolves, the service worker
// answers those requests from local data, online or offline.
import { connect, type SyncRecord, type SyncStatus } from 'syncworker';

interface Todo extends SyncRecord {
  title: string;
  createdAt: number;
}

const list = element<HTMLUListElement>('#todos');
const form = element<HTMLFormElement>('#add');
const statusLine = element<HTMLParagraphElement>('#status');

function element<T extends Element>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`index.html has no ${selector}`);
  return found;
}

async function render(): Promise<void> {
  const todos = (await (await fetch('/api/todos?_sort=createdAt')).json()) as Todo[];
  list.replaceChildren(
    ...todos.map((todo) => {
      const item = document.createElement('li');
      item.textContent = todo.title;
      return item;
    }),
  );
}

function showStatus(status: SyncStatus): void {
  const problem = status.lastError ? ` · ${status.lastError.message}` : '';
  statusLine.textContent = `Connected · ${status.pending} change(s) waiting${problem}`;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = form.elements.namedItem('title') as HTMLInputElement;
  const body = JSON.stringify({ title: input.value, createdAt: Date.now() });
  input.value = '';
  await fetch('/api/todos', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  await render();
});

try {
  // `vite dev` serves the worker as an ES module at vite-plugin-pwa's dev URL; the build emits a classic /sw.js.
  const client = await connect(
    import.meta.env.DEV
      ? { serviceWorkerUrl: '/dev-sw.js?dev-sw', serviceWorkerType: 'module' }
      : { serviceWorkerUrl: '/sw.js' },
  );
  client.on('changed', () => void render());
  client.on('status', showStatus);
  showStatus(await client.status());
  await render();
} catch (error) {
  // A SyncError says what went wrong and what to change (e.g. worker_registration_failed).
  statusLine.textContent = `Offline mode unavailable: ${error instanceof Error ? error.message : String(error)}`;
}
