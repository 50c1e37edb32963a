import type { SyncClient } from '../sync-client.ts';
import { button, h, table, time } from './dom.ts';

/** The panel's views, in tab order. */
export const VIEWS = ['status', 'outbox', 'dead letters', 'collections', 'log', 'conflicts'] as const;
export type View = (typeof VIEWS)[number];

export interface ViewContext {
  client: SyncClient;
  /** Re-renders the panel (after an action). */
  refresh(): void;
  /** The collection shown by the collection browser. */
  collection: string | null;
  selectCollection(name: string): void;
}

/** Renders one view's content from fresh data. */
export async function renderView(view: View, context: ViewContext): Promise<HTMLElement> {
  switch (view) {
    case 'status':
      return statusView(context);
    case 'outbox':
      return outboxView(context);
    case 'dead letters':
      return deadLettersView(context);
    case 'collections':
      return collectionsView(context);
    case 'log':
      return logView(context, null);
    case 'conflicts':
      return logView(context, 'conflict');
  }
}

async function statusView({ client }: ViewContext): Promise<HTMLElement> {
  const status = await client.status();
  const { storage } = status;
  const megabytes = (bytes: number | null) =>
    bytes === null ? '—' : h('span', { volatile: true }, `${(bytes / 1e6).toFixed(1)} MB`);
  return table(
    [],
    [
      ['browser online', String(navigator.onLine)],
      ['user', status.userId ?? 'anonymous'],
      ['pending mutations', status.pending],
      ['queued requests', status.queuedRequests],
      ['dead letters', status.deadLetters],
      ['syncing', String(status.isSyncing)],
      ['paused', status.pausedReason ?? 'no'],
      ['last sync', time(status.lastSyncAt)],
      ['next attempt', time(status.nextAttemptAt)],
      ['last error', status.lastError ? `${status.lastError.code}: ${status.lastError.message}` : '—'],
      ['storage used', megabytes(storage.usage)],
      ['storage quota', megabytes(storage.quota)],
      [
        'storage persisted',
        storage.isPersisted === null ? '—' : h('span', { volatile: true }, String(storage.isPersisted)),
      ],
      ['storage error', storage.error ? `${storage.error.code}: ${storage.error.message}` : '—'],
    ],
    '',
  );
}

async function outboxView({ client, refresh }: ViewContext): Promise<HTMLElement> {
  const pending = await client.outbox();
  const act = (work: () => Promise<unknown>) => () => void work().finally(refresh);
  return h(
    'div',
    {},
    pending.length > 0
      ? h(
          'p',
          {},
          button(
            'Retry all now',
            act(() => client.retryPending()),
            'Push the outbox now, ignoring backoff',
          ),
        )
      : null,
    table(
      ['seq', 'op', 'record', 'data', 'attempts', 'last error', ''],
      pending.map((entry) => [
        entry.seq,
        entry.op,
        `${entry.collection}/${entry.recordId}`,
        h('code', {}, entry.data ? JSON.stringify(entry.data) : ''),
        entry.attempts,
        entry.lastError ? entry.lastError.code : '',
        h(
          'span',
          { class: 'actions' },
          button(
            'Retry',
            act(() => client.retryPending()),
          ),
          button(
            'Discard',
            act(() => client.discardPending(entry.seq)),
            'Drop this change (and later ones on the record)',
          ),
        ),
      ]),
      'The outbox is empty: every change reached the server.',
    ),
  );
}

async function deadLettersView({ client, refresh }: ViewContext): Promise<HTMLElement> {
  const letters = await client.deadLetters();
  const act = (work: () => Promise<unknown>) => () => void work().finally(refresh);
  return table(
    ['what', 'error', 'when', ''],
    letters.map((letter) => [
      letter.mutation
        ? `${letter.mutation.op} ${letter.mutation.collection}/${letter.mutation.recordId}`
        : `${letter.request?.method} ${letter.request?.url} → ${letter.request?.status}`,
      `${letter.error.code}: ${letter.error.message}`,
      time(letter.rejectedAt),
      h(
        'span',
        { class: 'actions' },
        button(
          'Retry',
          act(() => client.retryDeadLetter(letter.id)),
        ),
        button(
          'Discard',
          act(() => client.discardDeadLetter(letter.id)),
        ),
      ),
    ]),
    'No dead letters: the server refused nothing.',
  );
}

async function collectionsView(context: ViewContext): Promise<HTMLElement> {
  const names = await context.client.collections();
  const current = context.collection && names.includes(context.collection) ? context.collection : (names[0] ?? null);
  const picker = h(
    'select',
    { attrs: { 'aria-label': 'collection' } },
    ...names.map((name) => h('option', { attrs: { value: name } }, name)),
  );
  if (current) picker.value = current;
  picker.addEventListener('change', () => context.selectCollection(picker.value));
  const records = current ? await context.client.collection(current).list({ limit: 200 }) : [];
  return h(
    'div',
    {},
    h('p', {}, picker, ` ${records.length} record(s)`),
    table(
      ['id', 'fields', 'version'],
      records.map(({ id, _version, ...fields }) => [id, h('code', {}, JSON.stringify(fields)), _version ?? 'unsynced']),
      'No records.',
    ),
  );
}

async function logView({ client }: ViewContext, kind: 'conflict' | null): Promise<HTMLElement> {
  const entries = (await client.log(200)).filter((entry) => kind === null || entry.kind === kind).reverse();
  return table(
    ['time', 'kind', 'what happened'],
    entries.map((entry) => [time(entry.at), h('span', { class: `kind ${entry.kind}` }, entry.kind), entry.message]),
    kind === 'conflict' ? 'No conflicts so far.' : 'The log is empty.',
  );
}
