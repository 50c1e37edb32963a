// The demo app: plain fetch() against a REST API. The service worker answers it from IndexedDB,
// so the app works offline; syncworker syncs the changes with the server. The page client's
// events (changed, status, outcomes, progress) keep every mark on screen true, without polling.
import { connect, type PageSyncStatus, type SyncClient, SyncError } from 'syncworker';
import { installDevtoolsTriggers } from 'syncworker/devtools';
import { offerInstall } from './install-button.ts';
import { renderList } from './item-rows.ts';
import { noteKind } from './note-list.ts';
import type { Note, Todo } from './schema.ts';
import { renderStatus } from './status-line.ts';
import { describeConnectFailure } from './status-text.ts';
import { SyncMarks } from './sync-marks.ts';
import { renderProgress } from './sync-progress.ts';
import { todoKind } from './todo-list.ts';

declare global {
  interface Window {
    /** For the console and the end-to-end tests. */
    syncClient: SyncClient;
  }
}

const element = <T extends HTMLElement>(selector: string): T => {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`The page lacks ${selector}`);
  return found;
};
const todoList = element<HTMLUListElement>('#todos');
const noteList = element<HTMLUListElement>('#notes');
const statusLine = element('#status');
const notices = element('#notices');
const writeError = element('#write-error');

/** Runs `work` now, or once more after the run in progress: bursts of events cost one run each. */
function coalesce(work: () => Promise<void>): () => void {
  let running: Promise<void> | null = null;
  let isQueued = false;
  const run = (): void => {
    if (running) {
      isQueued = true;
      return;
    }
    running = work()
      .catch((error: unknown) => console.error('demo: cannot show the lists', error))
      .finally(() => {
        running = null;
        if (isQueued) {
          isQueued = false;
          run();
        }
      });
  };
  return run;
}

/** Tells the user a write was refused by the worker at once (bad input), in words; nothing was saved. */
async function reportWrite(response: Response): Promise<void> {
  writeError.hidden = response.ok;
  if (response.ok) return;
  const error = SyncError.fromWire(await response.json().catch(() => null), 'The change could not be saved');
  writeError.textContent = `Not saved: ${error.message}`;
}

offerInstall(element<HTMLButtonElement>('#install'));

try {
  const client = await connect({ serviceWorkerUrl: '/sw.js' });
  window.syncClient = client;
  // The debug panel: open with ?syncworker-devtools or Alt+Shift+D.
  installDevtoolsTriggers(client);
  start(client);
} catch (error) {
  // Without a worker (no support, a blocked or failed install) the server answers the same routes:
  // the lists work online, and the status line says why they cannot work offline.
  statusLine.dataset.tone = 'warning';
  const words = statusLine.querySelector('.status-text');
  if (words) {
    words.textContent = describeConnectFailure(error);
  }
  console.error('demo: connect failed', error);
  start(null);
}

/** Draws the lists and keeps them true; `client` null: no worker, online only, no sync marks. */
function start(client: SyncClient | null): void {
  const marks = new SyncMarks(client);
  const lists = { todos: [] as Todo[], notes: [] as Note[] };
  const stale = new Set<keyof typeof lists>(['todos', 'notes']);
  let status: PageSyncStatus | null = null;

  const draw = coalesce(async () => {
    const reload = [...stale];
    stale.clear();
    await marks.refresh();
    showStatus();
    // Each list shows as soon as it is read: a slow network-first read of the notes never holds up the todos.
    await Promise.all([showTodos(reload.includes('todos')), showNotes(reload.includes('notes'))]);
  });

  async function showTodos(isStale: boolean): Promise<void> {
    if (isStale) lists.todos = await getJson<Todo[]>('/api/todos?_sort=createdAt');
    const { todos } = lists;
    element('#todos-empty').hidden = renderList(todoList, todos, todoListKind, marks, changeActions) > 0;
    element('#todos-count').textContent = todos.length ? `${todos.filter((todo) => !todo.done).length} open` : '';
  }

  async function showNotes(isStale: boolean): Promise<void> {
    if (isStale) lists.notes = await getJson<Note[]>('/api/notes?_sort=-createdAt');
    const { notes } = lists;
    element('#notes-empty').hidden = renderList(noteList, notes, noteListKind, marks, changeActions) > 0;
    element('#notes-count').textContent = notes.length
      ? `${notes.length} ${notes.length === 1 ? 'note' : 'notes'}`
      : '';
  }

  /** Sends a write through the worker; the answer's X-Sync-Pending marks the record at once (`act` redraws). */
  async function write(collection: keyof typeof lists, method: string, url: string, body?: object): Promise<void> {
    const init: RequestInit = { method, headers: { 'Content-Type': 'application/json' } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(url, init);
    await reportWrite(response);
    const id = response.status === 201 ? ((await response.clone().json()) as { id: string }).id : url.split('/').pop();
    if (id) marks.noteWrite(collection, decodeURIComponent(id), response);
    stale.add(collection);
  }

  /** Runs a user's action, then redraws; a failure is told in words (the worker may be restarting). */
  const act = (work: Promise<unknown>): void => {
    work.then(
      () => draw(),
      (error: unknown) => {
        writeError.hidden = false;
        writeError.textContent = `That did not work: ${error instanceof SyncError ? error.message : 'please try again'}`;
      },
    );
  };
  // Marks that offer these only come from a client.
  const changeActions = {
    undoPending: (seq: number) => act(client?.discardPending(seq) ?? Promise.resolve()),
    undo: (letter: { id: string }) => act(client?.discardDeadLetter(letter.id) ?? Promise.resolve()),
    retry: (letter: { id: string }) => act(client?.retryDeadLetter(letter.id) ?? Promise.resolve()),
  };
  const todoListKind = todoKind({
    toggle: (todo: Todo, done: boolean) =>
      act(write('todos', 'PATCH', `/api/todos/${encodeURIComponent(todo.id)}`, { done })),
    remove: (todo: Todo) => act(write('todos', 'DELETE', `/api/todos/${encodeURIComponent(todo.id)}`)),
  });
  const noteListKind = noteKind((note: Note) =>
    act(write('notes', 'DELETE', `/api/notes/${encodeURIComponent(note.id)}`)),
  );

  const showStatus = (): void => {
    if (status) renderStatus(statusLine, notices, status, navigator.onLine);
  };

  onSubmit('#add', 'title', (title) =>
    act(write('todos', 'POST', '/api/todos', { title, done: false, createdAt: Date.now() })),
  );
  onSubmit('#add-note', 'text', (text) => act(write('notes', 'POST', '/api/notes', { text, createdAt: Date.now() })));

  if (client) follow(client);
  draw();

  /** Redraws on the page client's events. */
  function follow(client: SyncClient): void {
    client.on('changed', ({ collections }) => {
      for (const collection of collections) if (collection === 'todos' || collection === 'notes') stale.add(collection);
      draw();
    });
    client.on('status', (next) => {
      const haveCountsChanged = next.pending !== status?.pending || next.deadLetters !== status.deadLetters;
      status = next;
      // A pull that failed half-way sends no last page: the bar goes with the run.
      if (!next.isSyncing) element('#first-sync').hidden = true;
      // The outbox or the dead letters changed: the marks follow, and the status line once they are read.
      if (haveCountsChanged) draw();
      else showStatus();
    });
    client.on('outcomes', (outcomes) => {
      marks.noteOutcomes(outcomes);
      draw();
    });
    client.on('progress', ({ pulled, hasMore }) =>
      renderProgress(element('#first-sync'), element('#first-sync-text'), pulled, hasMore),
    );
    addEventListener('online', showStatus);
    addEventListener('offline', showStatus);
    void client.status().then((first) => {
      status ??= first;
      showStatus();
    });
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw SyncError.fromWire(await response.json().catch(() => null), `GET ${url} failed`);
  return (await response.json()) as T;
}

/** Calls `add` with a form's trimmed text field and clears it. */
function onSubmit(selector: string, field: string, add: (value: string) => void): void {
  const form = element<HTMLFormElement>(selector);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = form.elements.namedItem(field) as HTMLInputElement;
    const value = input.value.trim();
    if (!value) return;
    input.value = '';
    add(value);
  });
}
