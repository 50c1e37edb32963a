// Figure 5: from a local write to the live query callback that sees it, in this tab or another.
import type { LiveQueryTab, Measurement, SampleBudget, Side } from '../page-protocol.ts';
import { toRawTodo } from '../todo-records.ts';
import { rawDatabase, rawOpenTodosPage } from './raw-database.ts';
import { medianSample, now, withTimeout } from './timing.ts';
import { todoCollection } from './worker-client.ts';
import { nextTodo } from './written-todos.ts';

/** Where a watching tab announces what its callbacks saw, and when. */
const ARRIVALS_CHANNEL = 'syncworker-bench-live-arrivals';
/** The longest a write may wait for its callback before the figure fails. */
const ARRIVAL_TIMEOUT_MS = 120_000;

/** A todo first seen by a live query callback. */
interface Arrival {
  tab: LiveQueryTab;
  side: Side;
  id: string;
  /** `now()` in the tab whose callback saw it. */
  at: number;
}

const seen = new Set<string>();
const arrivals = new Map<string, number>();
const waiting = new Map<string, (at: number) => void>();
let subscriptions: (() => void)[] = [];
let channel: BroadcastChannel | null = null;

export async function startLiveQueries(isWatcher: boolean): Promise<void> {
  stopLiveQueries();
  const announce = (side: Side, records: { id: string }[]) => {
    const at = now();
    for (const { id } of records) {
      const key = `${side}/${id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (isWatcher) arrivalsChannel().postMessage({ tab: 'other-tab', side, id, at } satisfies Arrival);
      else settle({ tab: 'same-tab', side, id, at });
    }
  };
  let markOursReady = () => {};
  let markBaselineReady = () => {};
  const ready = Promise.all([
    new Promise<void>((resolve) => (markOursReady = resolve)),
    new Promise<void>((resolve) => (markBaselineReady = resolve)),
  ]);
  subscriptions.push(
    todoCollection().subscribe({ where: { done: false }, sort: '-createdAt', limit: 50 }, (records) => {
      announce('ours', records);
      markOursReady();
    }),
  );
  const raw = Dexie.liveQuery(rawOpenTodosPage).subscribe({
    next: (records) => {
      announce('baseline', records);
      markBaselineReady();
    },
    error: (error: unknown) => console.error('bench: the raw liveQuery failed', error),
  });
  subscriptions.push(() => raw.unsubscribe());
  await withTimeout(ready, ARRIVAL_TIMEOUT_MS, 'the first results of the live queries');
}

export function stopLiveQueries(): void {
  for (const stop of subscriptions) stop();
  subscriptions = [];
}

/**
 * Writes one fresh todo at a time on `side` and resolves to the median time until the live query
 * of that side in `tab` delivered it. The other tab's times come from its clock: both tabs share
 * the browser's `performance.timeOrigin` base.
 */
export async function liveQueryLatency(side: Side, tab: LiveQueryTab, budget: SampleBudget): Promise<Measurement> {
  arrivalsChannel();
  const todos = todoCollection();
  const raw = rawDatabase().todos;
  const ms = await medianSample(budget, async () => {
    const todo = nextTodo('live', side, true);
    const arrival = arrivalOf(tab, side, todo.id);
    const started = now();
    if (side === 'ours') await todos.put(todo);
    else await raw.put(toRawTodo(todo));
    return (await withTimeout(arrival, ARRIVAL_TIMEOUT_MS, `the live query callback (${side}, ${tab})`)) - started;
  });
  return { ms };
}

function arrivalOf(tab: LiveQueryTab, side: Side, id: string): Promise<number> {
  const key = `${tab}/${side}/${id}`;
  const at = arrivals.get(key);
  if (at !== undefined) return Promise.resolve(at);
  return new Promise((resolve) => waiting.set(key, resolve));
}

function settle({ tab, side, id, at }: Arrival): void {
  const key = `${tab}/${side}/${id}`;
  const resolve = waiting.get(key);
  waiting.delete(key);
  if (resolve) resolve(at);
  else arrivals.set(key, at);
}

function arrivalsChannel(): BroadcastChannel {
  if (!channel) {
    channel = new BroadcastChannel(ARRIVALS_CHANNEL);
    channel.onmessage = (message: MessageEvent<Arrival>) => settle(message.data);
  }
  return channel;
}
