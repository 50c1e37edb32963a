// The figures measured on a dataset of one size: bootstrap (6), list (1), get (4), link calls (7),
// single writes (3) and live queries (5). The bootstrap also seeds the databases the others read.
import { BenchBackend } from './bench-backend.ts';
import type { BenchSite } from './bench-site.ts';
import { type BenchTab, BrowserProfile } from './browser-profile.ts';
import { isInterrupted } from './cleanup.ts';
import { describe, emptyRow, failedRow, median, type Pair, type Row, record, runInterleaved } from './figure-runner.ts';
import type { SampleBudget } from './page-protocol.ts';
import { formatMs, sizeLabel } from './report.ts';
import { seedServer } from './server-seed.ts';
import { seedTodoId } from './todo-records.ts';

/** A local write every 20 ms while the bootstrap runs (figure 6). */
const WRITE_EVERY_MS = 20;
const LIST_BUDGET: SampleBudget = { min: 3, max: 30, budgetMs: 2000 };
const GET_BUDGET: SampleBudget = { min: 10, max: 200, budgetMs: 1000 };
const WRITE_BUDGET: SampleBudget = { min: 10, max: 100, budgetMs: 1500 };
const CALL_BUDGET: SampleBudget = { min: 20, max: 300, budgetMs: 800 };
const LIVE_BUDGET: SampleBudget = { min: 3, max: 20, budgetMs: 3000 };

export interface DatasetOptions {
  site: BenchSite;
  size: number;
  repeats: number;
}

/** Measures every per-size figure on `size` seeded todos. */
export async function runDatasetFigures({ site, size, repeats }: DatasetOptions): Promise<Row[]> {
  const label = sizeLabel(size);
  const backend = await BenchBackend.start(site.dir);
  const rows: Row[] = [];
  try {
    console.log(`[${label}] seeding the server with ${label} todos`);
    const lastId = await seedServer(backend.serverUrl, size);
    const bootstrap = emptyRow(
      '6. bootstrap (vs fetch + parse + raw bulkPut)',
      label,
      { kind: 'ratio', max: 1.3 },
      true,
    );
    rows.push(bootstrap);
    const dataset = await bootstrapRepeatedly(backend, lastId, repeats, bootstrap, label);
    try {
      await dataset.tab.call('pauseSync');
      rows.push(...(await runLocalFigures(dataset.tab, dataset.profile, backend.pageUrl, size, repeats)));
    } finally {
      await dataset.profile.close();
    }
    const ourBootstrap = 'samples' in bootstrap.ours ? median(bootstrap.ours.samples) : 0;
    rows.push(...(await bootstrapWhileWriting(backend, lastId, ourBootstrap, label)));
  } catch (error) {
    if (!isInterrupted()) console.error(`[${label}] ${describe(error)}`);
    rows.push(failedRow('(dataset figures stopped)', label, error));
  } finally {
    await backend.close();
  }
  return rows;
}

/**
 * Figure 6, interleaved: each repeat bootstraps a fresh profile from the server, first the raw
 * way, then through the worker. The last profile, holding both databases, is returned for the
 * other figures.
 */
async function bootstrapRepeatedly(
  backend: BenchBackend,
  lastId: string,
  repeats: number,
  row: Row,
  label: string,
): Promise<{ profile: BrowserProfile; tab: BenchTab }> {
  let profile: BrowserProfile | null = null;
  try {
    for (let round = 0; round < repeats; round++) {
      await profile?.close();
      profile = await BrowserProfile.launch();
      const tab = await profile.open(backend.pageUrl);
      console.log(`[${label}] bootstrap ${round + 1}/${repeats}`);
      row.baseline = await record(row.baseline ?? { samples: [] }, () => tab.call('bootstrapRaw'));
      // The worker pulls as soon as it starts: that pull waits at the proxy until the page times it.
      backend.proxy.closePullGate();
      await tab.call('connect');
      row.ours = await record(row.ours, () => tab.call('bootstrapWorker', lastId));
      backend.proxy.openPullGate();
      if (!('samples' in row.ours)) throw new Error('the worker did not bootstrap: no dataset to measure on');
      if (round === repeats - 1) return { profile, tab };
    }
  } catch (error) {
    await profile?.close();
    throw error;
  }
  throw new Error('BENCH_REPEATS must be at least 1');
}

/**
 * Figure 6, the writes: one more bootstrap in a fresh profile while the page writes every
 * 20 ms. Writing stops after max(5 s, the plain bootstrap's time) if the bootstrap is still
 * running by then, so a worker that starves its pull cannot hold the run forever.
 */
async function bootstrapWhileWriting(
  backend: BenchBackend,
  lastId: string,
  plainBootstrapMs: number,
  label: string,
): Promise<Row[]> {
  const maxWritingMs = Math.max(5000, Math.round(plainBootstrapMs));
  const waits = emptyRow(
    `6. longest wait of a local write during a bootstrap (a POST every ${WRITE_EVERY_MS} ms; one run)`,
    label,
    { kind: 'absolute', maxMs: 50 },
    false,
  );
  const duration = emptyRow(
    `6. bootstrap while writing every ${WRITE_EVERY_MS} ms (vs without writes; one run)`,
    label,
    { kind: 'none' },
    true,
  );
  duration.baseline = { samples: [plainBootstrapMs] };
  const profile = await BrowserProfile.launch();
  try {
    console.log(`[${label}] bootstrap while writing`);
    const tab = await profile.open(backend.pageUrl);
    backend.proxy.closePullGate();
    await tab.call('connect');
    const measured = await tab.call('bootstrapWhileWriting', lastId, WRITE_EVERY_MS, maxWritingMs);
    waits.ours = { samples: [measured.writes.max] };
    waits.note = `${measured.writes.count} writes, p50 ${formatMs(measured.writes.p50)}`;
    duration.ours = { samples: [measured.ms] };
    if (measured.stoppedWritingAfterMs !== null) {
      duration.note = `writing stopped after ${formatMs(measured.stoppedWritingAfterMs)} with the bootstrap unfinished`;
    }
  } catch (error) {
    waits.ours = { error: describe(error) };
    duration.ours = { error: describe(error) };
  } finally {
    backend.proxy.openPullGate();
    await profile.close();
  }
  return [duration, waits];
}

/** Figures 1, 4, 7, 3 and 5 on a bootstrapped profile, with network sync paused. */
async function runLocalFigures(
  tab: BenchTab,
  profile: BrowserProfile,
  pageUrl: string,
  size: number,
  repeats: number,
): Promise<Row[]> {
  const label = sizeLabel(size);
  const rows: Row[] = [];
  const difference = await tab.call('compareLists');
  if (difference) console.warn(`[${label}] the list figure compares different lists: ${difference}`);
  const ids = sampleIds(size, 200);
  console.log(`[${label}] list, get, link calls, single writes`);
  const pairs: Pair[] = [
    {
      figure: `1. list query through fetch (vs the same query on a raw Dexie index)${difference ? ' — lists differ!' : ''}`,
      size: label,
      target: { kind: 'ratio', max: 2 },
      baseline: () => tab.call('listRaw', LIST_BUDGET),
      ours: () => tab.call('listViaFetch', LIST_BUDGET),
    },
    {
      figure: '1. the same list query through the collection API (vs the raw Dexie index)',
      size: label,
      target: { kind: 'ratio', max: 2 },
      baseline: () => tab.call('listRaw', LIST_BUDGET),
      ours: () => tab.call('listViaCollection', LIST_BUDGET),
    },
    {
      figure: '4. warm GET /api/todos/:id p50 (vs raw Dexie get)',
      size: label,
      target: { kind: 'plus', maxMs: 2 },
      baseline: () => tab.call('getRaw', ids, GET_BUDGET),
      ours: () => tab.call('getViaFetch', ids, GET_BUDGET),
    },
    {
      figure: '7. client.status() p50 (vs a bare port round trip)',
      size: label,
      target: { kind: 'ratio', max: 1.5 },
      baseline: () => tab.call('rawEcho', CALL_BUDGET),
      ours: () => tab.call('statusCall', CALL_BUDGET),
    },
    {
      figure: '7. client.collections() p50 (vs a bare port round trip)',
      size: label,
      target: { kind: 'ratio', max: 1.5 },
      baseline: () => tab.call('rawEcho', CALL_BUDGET),
      ours: () => tab.call('collectionsCall', CALL_BUDGET),
    },
    {
      figure: '3. single collection.put p50 (vs raw Dexie put)',
      size: label,
      target: { kind: 'plus', maxMs: 1 },
      baseline: () => tab.call('putRaw', WRITE_BUDGET),
      ours: () => tab.call('putViaCollection', WRITE_BUDGET),
    },
    {
      figure: '3. single fetch POST p50 (vs an empty fetch round trip)',
      size: label,
      target: { kind: 'plus', maxMs: 1 },
      baseline: () => tab.call('emptyFetch', WRITE_BUDGET),
      ours: () => tab.call('postViaFetch', WRITE_BUDGET),
    },
  ];
  rows.push(...(await runInterleaved(repeats, pairs)));

  console.log(`[${label}] live queries, same tab`);
  await tab.call('startLiveQueries', false);
  rows.push(...(await runInterleaved(repeats, [livePair(tab, label, 'same-tab')])));
  await tab.call('stopLiveQueries');

  console.log(`[${label}] live queries, other tab`);
  const watcher = await profile.open(pageUrl);
  await watcher.call('connect');
  await watcher.call('startLiveQueries', true);
  rows.push(...(await runInterleaved(repeats, [livePair(tab, label, 'other-tab')])));
  return rows;
}

function livePair(tab: BenchTab, label: string, where: 'same-tab' | 'other-tab'): Pair {
  return {
    figure: `5. local write → live query callback p50, ${where === 'same-tab' ? 'same tab' : 'other tab'} (vs Dexie liveQuery)`,
    size: label,
    target: { kind: 'absolute', maxMs: 5 },
    baseline: () => tab.call('liveQueryLatency', 'baseline', where, LIVE_BUDGET),
    ours: () => tab.call('liveQueryLatency', 'ours', where, LIVE_BUDGET),
  };
}

/** `count` seeded ids spread over the dataset, the same every run. */
function sampleIds(size: number, count: number): string[] {
  let state = 20_240_601;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seedTodoId(state % size);
  });
}
