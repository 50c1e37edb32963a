import { dataTable } from './data-table.ts';
import { button, facts, h, time } from './dom.ts';
import { logView } from './log-view.ts';
import { outboxView } from './outbox-view.ts';
import { timelineView } from './timeline-view.ts';
import { act, type ViewContext } from './view-context.ts';

/** The panel's views, in tab order. */
export const VIEWS = ['status', 'outbox', 'dead letters', 'collections', 'log', 'timeline', 'conflicts'] as const;
export type View = (typeof VIEWS)[number];

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
    case 'timeline':
      return timelineView(context);
    case 'conflicts':
      return logView(context, 'conflict');
  }
}

async function statusView({ client }: ViewContext): Promise<HTMLElement> {
  const status = await client.status();
  const { storage } = status;
  const megabytes = (bytes: number | null) =>
    bytes === null ? '—' : h('span', { volatile: true }, `${(bytes / 1e6).toFixed(1)} MB`);
  return facts([
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
  ]);
}

async function deadLettersView(context: ViewContext): Promise<HTMLElement> {
  const { client } = context;
  const letters = await client.deadLetters();
  return dataTable(
    [{ label: 'refused change', fill: true }, 'when', ''],
    letters.map((letter) => ({
      key: `dead:${letter.id}`,
      label: `dead letter ${letter.mutation ? `mutation ${letter.mutation.seq}` : letter.id}`,
      cells: [
        h(
          'span',
          {},
          h(
            'span',
            { class: 'line' },
            letter.mutation
              ? `${letter.mutation.op} ${letter.mutation.collection}/${letter.mutation.recordId}`
              : `${letter.request?.method} ${letter.request?.url} → ${letter.request?.status}`,
          ),
          h('span', { class: 'line problem' }, `${letter.error.code}: ${letter.error.message}`),
        ),
        time(letter.rejectedAt),
        h(
          'span',
          { class: 'actions' },
          button(
            'Retry',
            act(context, () => client.retryDeadLetter(letter.id)),
          ),
          button(
            'Discard',
            act(context, () => client.discardDeadLetter(letter.id)),
          ),
        ),
      ],
      details: letter,
    })),
    context,
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
    h('p', { class: 'toolbar' }, picker, `${records.length} record(s)`),
    dataTable(
      ['id', { label: 'fields', fill: true }, 'version'],
      records.map((record) => {
        const { id, _version, ...fields } = record;
        return {
          key: `record:${current}/${id}`,
          label: `record ${id}`,
          cells: [id, h('code', {}, JSON.stringify(fields)), _version ?? 'unsynced'],
          details: record,
        };
      }),
      context,
      'No records.',
    ),
  );
}
