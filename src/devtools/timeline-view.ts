import type { SyncLogEntry } from '../../protocol/index.ts';
import { dataTable } from './data-table.ts';
import { clockTime, duration, h, time } from './dom.ts';
import { durationChart, type LoggedRun, runChart, sparkline } from './run-chart.ts';
import type { ViewContext } from './view-context.ts';

/** Runs drawn in the charts; the table lists the latest of them. */
const CHARTED_RUNS = 60;
const LISTED_RUNS = 30;

const isRun = (entry: SyncLogEntry): entry is LoggedRun => entry.kind === 'run' && entry.run !== undefined;

/**
 * Sync runs over time: a bar per run (pushed, pulled, failed), how long each took, the outbox
 * depth before and after each run up to now, and a table of the latest runs.
 */
export async function timelineView(context: ViewContext): Promise<HTMLElement> {
  const [log, status] = await Promise.all([context.client.log(500), context.client.status()]);
  const runs = log.filter(isRun).slice(-CHARTED_RUNS);
  const depth = [...runs.flatMap(({ run }) => [run.outboxBefore, run.outboxAfter]), status.pending];
  const describe = ({ at, run }: LoggedRun) =>
    `${clockTime(at)} · ${run.durationMs} ms · pushed ${run.pushed}, pulled ${run.pulled}, failed ${run.failed}${run.error ? ` · ${run.error.code}` : ''}`;
  const totals = runs.reduce(
    (sum, { run }) => ({
      pushed: sum.pushed + run.pushed,
      pulled: sum.pulled + run.pulled,
      failed: sum.failed + run.failed,
    }),
    { pushed: 0, pulled: 0, failed: 0 },
  );
  const first = runs[0];
  const last = runs.at(-1);
  return h(
    'div',
    { class: 'timeline' },
    h(
      'section',
      { class: 'chart' },
      h(
        'h3',
        {},
        `Sync runs (${runs.length})`,
        h(
          'span',
          { class: 'legend' },
          swatch('pushed', totals.pushed),
          swatch('pulled', totals.pulled),
          swatch('failed', totals.failed),
        ),
      ),
      runs.length === 0
        ? h('p', { class: 'empty' }, 'No sync runs yet: a run that pushes, pulls or fails shows up here.')
        : h(
            'div',
            {},
            runChart(runs, describe),
            h('div', { class: 'axis-labels' }, first ? time(first.at) : '', last ? time(last.at) : ''),
          ),
    ),
    runs.length === 0
      ? null
      : h(
          'section',
          { class: 'chart' },
          h(
            'h3',
            {},
            'Duration',
            h('span', { class: 'legend' }, 'longest ', duration(Math.max(...runs.map(({ run }) => run.durationMs)))),
          ),
          volatile(durationChart(runs)),
        ),
    h(
      'section',
      { class: 'chart' },
      h('h3', {}, 'Outbox depth', h('span', { class: 'legend' }, `now ${status.pending} · most ${Math.max(...depth)}`)),
      sparkline(depth, 'Outbox entries before and after each run, and now'),
    ),
    runs.length === 0
      ? null
      : dataTable(
          ['when', 'took', 'pushed', 'pulled', 'failed', 'outbox', { label: 'result', fill: true }],
          runs
            .slice(-LISTED_RUNS)
            .reverse()
            .map((entry) => ({
              key: `log:${entry.id ?? entry.at}`,
              label: `run ${entry.id ?? ''}`.trim(),
              cells: [
                time(entry.at),
                duration(entry.run.durationMs),
                entry.run.pushed,
                entry.run.pulled,
                entry.run.failed,
                `${entry.run.outboxBefore} → ${entry.run.outboxAfter}`,
                entry.run.error
                  ? h('span', { class: 'problem', title: entry.run.error.message }, entry.run.error.code)
                  : 'done',
              ],
              details: entry,
            })),
          context,
          '',
        ),
  );
}

/** Marks a chart whose drawing changes from run to run (durations), e.g. for screenshot masks. */
function volatile(chart: SVGSVGElement): SVGSVGElement {
  chart.dataset.volatile = '';
  return chart;
}

function swatch(part: 'pushed' | 'pulled' | 'failed', total: number): HTMLElement {
  return h('span', { class: `swatch ${part}` }, `${part} ${total}`);
}
