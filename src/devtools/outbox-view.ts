import { dataTable } from './data-table.ts';
import { button, h } from './dom.ts';
import { act, type ViewContext } from './view-context.ts';

/** Pending mutations, oldest first: open one to read or copy it; retry or discard. */
export async function outboxView(context: ViewContext): Promise<HTMLElement> {
  const { client } = context;
  const pending = await client.outbox();
  return h(
    'div',
    {},
    pending.length > 0
      ? h(
          'p',
          { class: 'toolbar' },
          `${pending.length} pending`,
          button(
            'Retry all now',
            act(context, () => client.retryPending()),
            'Push the outbox now, ignoring backoff',
          ),
        )
      : null,
    dataTable(
      ['seq', { label: 'change', fill: true }, 'tries', ''],
      pending.map((entry) => ({
        key: `outbox:${entry.seq}`,
        label: `mutation ${entry.seq}`,
        cells: [
          entry.seq,
          // Stacked lines, so the data gets the row's whole width (cut with an ellipsis; open the row for all of it).
          h(
            'span',
            {},
            h('span', { class: 'line' }, `${entry.op} ${entry.collection}/${entry.recordId}`),
            entry.data ? h('code', { class: 'line muted' }, JSON.stringify(entry.data)) : null,
            entry.lastError
              ? h('span', { class: 'line problem' }, `${entry.lastError.code}: ${entry.lastError.message}`)
              : null,
          ),
          entry.attempts,
          h(
            'span',
            { class: 'actions' },
            button(
              'Retry',
              act(context, () => client.retryPending()),
            ),
            button(
              'Discard',
              act(context, () => client.discardPending(entry.seq)),
              'Drop this change (and later ones on the record)',
            ),
          ),
        ],
        details: entry,
      })),
      context,
      'The outbox is empty: every change reached the server.',
    ),
  );
}
