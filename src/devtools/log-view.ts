import type { SyncLogEntry } from '../../protocol/index.ts';
import { dataTable } from './data-table.ts';
import { duration, h, time } from './dom.ts';
import type { ViewContext } from './view-context.ts';

/** Entries read for the log views. */
const LOG_READ_LIMIT = 500;

/** The sync log, newest first, through the panel's filter; or only the conflicts. */
export async function logView(context: ViewContext, only: 'conflict' | null): Promise<HTMLElement> {
  const all = (await context.client.log(LOG_READ_LIMIT)).reverse();
  const entries = all.filter((entry) => (only ? entry.kind === only : context.logFilter.matches(entry)));
  const table = dataTable(
    ['time', 'kind', { label: 'what happened', fill: true }],
    entries.map((entry) => ({
      key: `log:${entry.id ?? entry.at}`,
      label: `log entry ${entry.id ?? ''}`.trim(),
      cells: [time(entry.at), h('span', { class: `kind ${entry.kind}` }, entry.kind), describe(entry)],
      details: entry,
    })),
    context,
    only === 'conflict'
      ? 'No conflicts so far.'
      : all.length === 0
        ? 'The log is empty.'
        : 'No entry matches the filter.',
  );
  if (only) return table;
  return h('div', {}, h('p', { class: 'count' }, `${entries.length} of ${all.length} entries`), table);
}

function describe(entry: SyncLogEntry): HTMLElement {
  const message = h('span', { title: entry.message }, entry.message);
  // The duration varies from run to run: kept apart from the message, so it can be masked.
  return entry.run ? h('span', {}, message, ' · ', duration(entry.run.durationMs)) : message;
}
