/**
 * `npm run bench:browser`: the worker's local data engine measured in Chromium with a real
 * service worker, real IndexedDB and the real sync server, each figure as a ratio to a baseline
 * measured in the same run (issue 8, item 9). Needs `npm run build` first; builds nothing of the
 * product itself. Prints a Markdown table and writes it to bench/browser/latest.md.
 *
 * Settings (environment): BENCH_SIZES (default 1000,10000,100000), BENCH_REPEATS (default 3),
 * BENCH_WRITES (writes of figures 2 and 8, default 10000), BENCH_ONE_BY_ONE (one-mutation pushes
 * the replay baseline measures, default 200), CHROMIUM_PATH (default /usr/bin/chromium),
 * BENCH_BUILD_LABEL (names the measured build in the report instead of the git commit).
 */
import { loadavg } from 'node:os';
import { assembleSite, assertBuilt, REPOSITORY } from './bench-site.ts';
import { chromiumVersion } from './browser-profile.ts';
import { closeAll, closeAllOnSignals, closeAtExit } from './cleanup.ts';
import { runDatasetFigures } from './dataset-figures.ts';
import type { Row } from './figure-runner.ts';
import { runReplayFigures } from './replay-figures.ts';
import { describeBuild, renderReport, writeReport } from './report.ts';
import { runWriteFigures } from './write-figures.ts';

interface Settings {
  sizes: number[];
  repeats: number;
  writes: number;
  oneByOne: number;
}

function readSettings(): Settings {
  const positive = (name: string, fallback: string) =>
    (process.env[name] ?? fallback).split(',').map((value) => {
      const number = Number(value.trim());
      if (!Number.isInteger(number) || number <= 0)
        throw new Error(`${name} must list positive integers, got "${value}"`);
      return number;
    });
  const [repeats = 3] = positive('BENCH_REPEATS', '3');
  const [writes = 10_000] = positive('BENCH_WRITES', '10000');
  const [oneByOne = 200] = positive('BENCH_ONE_BY_ONE', '200');
  return { sizes: positive('BENCH_SIZES', '1000,10000,100000'), repeats, writes, oneByOne };
}

/** The figure's number, so the table lists figures in the order, sizes in run order. */
function figureNumber(row: Row): number {
  return Number(row.figure.match(/^(\d+)\./)?.[1] ?? 99);
}

async function main(): Promise<void> {
  const settings = readSettings();
  await assertBuilt();
  closeAllOnSignals();
  const startedAt = new Date();
  const loadBefore = loadavg()[0]?.toFixed(2) ?? '?';
  const site = await assembleSite();
  closeAtExit(site.remove);
  const rows: Row[] = [];
  for (const size of settings.sizes) {
    rows.push(...(await runDatasetFigures({ site, size, repeats: settings.repeats })));
  }
  rows.push(...(await runWriteFigures({ site, writes: settings.writes, repeats: settings.repeats })));
  rows.push(...(await runReplayFigures({ site, ...settings })));
  rows.sort((a, b) => figureNumber(a) - figureNumber(b));
  const markdown = renderReport(rows, {
    chromium: chromiumVersion(),
    sizes: settings.sizes,
    repeats: settings.repeats,
    writes: settings.writes,
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    build: process.env.BENCH_BUILD_LABEL ?? describeBuild(REPOSITORY),
    loadBefore,
    loadAfter: loadavg()[0]?.toFixed(2) ?? '?',
  });
  console.log(`\n${markdown}`);
  console.log(`Written to ${writeReport(markdown)}`);
}

try {
  await main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await closeAll();
}
