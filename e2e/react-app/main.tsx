// A small React app over the syncworker hooks, built and exercised by e2e/react-hooks.spec.ts.
import { Component, type ReactNode, StrictMode, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { SyncError, SyncRecord } from '../../src/index.ts';
import { SyncWorkerProvider, useQuery, useRecord, useSyncClient, useSyncStatus } from '../../src/react/index.ts';

interface Todo extends SyncRecord {
  title: string;
  done: boolean;
}

/** Shows the code of an error thrown below it. */
class ErrorCode extends Component<{ id: string; children: ReactNode }, { code: string | null }> {
  override state = { code: null };
  static getDerivedStateFromError(error: SyncError) {
    return { code: error.code };
  }
  override render() {
    return this.state.code === null ? this.props.children : <p id={this.props.id}>{this.state.code}</p>;
  }
}

function OpenTodos() {
  const [renders, setRenders] = useState(0);
  const hasLoaded = useRef(false);
  const reloads = useRef(0);
  // A new query object on every render: the hook must keep its live query.
  const { records } = useQuery<Todo>('todos', { where: { done: false }, sort: 'title' });
  if (records === undefined && hasLoaded.current) reloads.current++;
  if (records !== undefined) hasLoaded.current = true;
  return (
    <section>
      <button id="rerender" type="button" onClick={() => setRenders(renders + 1)}>
        re-render ({renders})
      </button>
      <p id="reloads">{reloads.current}</p>
      <ul id="todos">
        {records?.map((todo) => (
          <li key={todo.id}>{todo.title}</li>
        ))}
      </ul>
    </section>
  );
}

function Pinned() {
  const { record, isLoading } = useRecord<Todo>('todos', 'pinned');
  return <p id="pinned">{isLoading ? 'loading' : (record?.title ?? 'no record')}</p>;
}

function Status() {
  const status = useSyncStatus();
  if (!status) return <p id="status">loading</p>;
  return <p id="status">{status.pending > 0 ? `${status.pending} pending` : status.lastSyncAt ? 'synced' : 'idle'}</p>;
}

function AddTodo() {
  const client = useSyncClient();
  window.syncClient = client;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const input = event.currentTarget.elements.namedItem('title') as HTMLInputElement;
        void client.collection<Todo>('todos').put({ id: crypto.randomUUID(), title: input.value, done: false });
        input.value = '';
      }}
    >
      <input name="title" />
    </form>
  );
}

function OutsideProvider() {
  useSyncStatus();
  return null;
}

const options = {
  serviceWorkerUrl: '/syncworker-sw.js',
  config: { routes: { '/api/todos': 'todos' }, databaseName: 'syncworker-react' },
};

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <ErrorCode id="missing">
      <OutsideProvider />
    </ErrorCode>
    <SyncWorkerProvider options={options} fallback={<p id="status">connecting</p>}>
      <Status />
      <AddTodo />
      <OpenTodos />
      <Pinned />
    </SyncWorkerProvider>
  </StrictMode>,
);
