import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { median, type Row, type Series, type Target } from './figure-runner.ts';

/** Where the machine and the run happened, printed above the table. */
export interface RunContext {
  chromium: string;
  sizes: number[];
  repeats: number;
  writes: number;
  startedAt: Date;
  seconds: number;
  /** The repository's commit, and whether the build may include uncommitted changes. */
  build: string;
  loadBefore: string;
  loadAfter: string;
}

/** The Markdown report: machine, settings, the table, what the columns mean. */
export function renderReport(rows: Row[], run: RunContext): string {
  const lines = [
    '# Browser bench: latest run',
    '',
    `Machine: ${cpuModel()}, ${cpus().length} cores, Chromium ${run.chromium}; load average ${run.loadBefore} before, ${run.loadAfter} after.`,
    `Run: ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${Math.round(run.seconds)} s; build ${run.build}; ` +
      `sizes ${run.sizes.map(sizeLabel).join('/')}, ${run.repeats} repeats (median), ${sizeLabel(run.writes)} writes.`,
    '',
    '| figure | size | ours | baseline | ratio | target | met? |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(renderRow),
    '',
    'Each value is the median over the repeats of one measurement (a total time, or the median of a series of',
    'single operations); baseline and ours alternate within each repeat. Ratio = ours / baseline. Local figures',
    'run with network sync paused. `n/a (missing: …)` names the product API this build lacks.',
    '',
  ];
  return lines.join('\n');
}

/** Writes the report next to this file (the README embeds it). */
export function writeReport(markdown: string): string {
  const path = new URL('./latest.md', import.meta.url);
  writeFileSync(path, markdown);
  return path.pathname;
}

function renderRow(row: Row): string {
  const ours = medianOf(row.ours);
  const baseline = row.baseline ? medianOf(row.baseline) : null;
  const cells = [
    row.figure,
    row.size,
    describeSeries(row.ours) + (row.note ? ` (${row.note})` : ''),
    row.baseline ? describeSeries(row.baseline) : '—',
    ratioCell(ours, baseline, row.target),
    targetCell(row.target),
    metCell(ours, baseline, row.target),
  ];
  return `| ${cells.join(' | ')} |`;
}

function medianOf(series: Series): number | null {
  return 'samples' in series && series.samples.length > 0 ? median(series.samples) : null;
}

function describeSeries(series: Series): string {
  if ('missing' in series) return `n/a (missing: ${series.missing})`;
  if ('error' in series) return `error: ${series.error.replaceAll('|', '/')}`;
  return series.samples.length > 0 ? formatMs(median(series.samples)) : 'not measured';
}

function ratioCell(ours: number | null, baseline: number | null, target: Target): string {
  if (ours === null || baseline === null || baseline <= 0) return '—';
  const ratio = `${formatRatio(ours / baseline)}x`;
  if (target.kind === 'plus') return `${ratio} (${ours >= baseline ? '+' : '−'}${formatMs(Math.abs(ours - baseline))})`;
  if (target.kind === 'speedup') return `${ratio} (${formatRatio(baseline / ours)}x faster)`;
  return ratio;
}

function targetCell(target: Target): string {
  switch (target.kind) {
    case 'ratio':
      return `≤ ${target.max}x`;
    case 'plus':
      return `≤ baseline + ${target.maxMs} ms`;
    case 'absolute':
      return `≤ ${target.maxMs} ms`;
    case 'speedup':
      return `≥ ${target.min}x faster`;
    case 'none':
      return '—';
  }
}

function metCell(ours: number | null, baseline: number | null, target: Target): string {
  if (ours === null || target.kind === 'none') return '—';
  if (target.kind === 'absolute') return ours <= target.maxMs ? 'yes' : 'no';
  if (baseline === null || baseline <= 0) return '—';
  const isMet =
    target.kind === 'ratio'
      ? ours / baseline <= target.max
      : target.kind === 'plus'
        ? ours - baseline <= target.maxMs
        : baseline / ours >= target.min;
  return isMet ? 'yes' : 'no';
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

function formatRatio(ratio: number): string {
  if (ratio >= 100) return ratio.toFixed(0);
  if (ratio >= 10) return ratio.toFixed(1);
  if (ratio >= 0.1) return ratio.toFixed(2);
  return ratio.toFixed(3);
}

/** 1000 -> 1k, 100000 -> 100k. */
export function sizeLabel(size: number): string {
  return size >= 1000 && size % 1000 === 0 ? `${size / 1000}k` : String(size);
}

function cpuModel(): string {
  try {
    const match = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: fall through to what Node knows.
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

/** `abc1234` or `abc1234 + uncommitted changes`, for the report's build line. */
export function describeBuild(repository: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', repository, ...args], { encoding: 'utf8' }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${commit} + uncommitted changes` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
