import { isInterrupted } from './cleanup.ts';
import type { Measurement } from './page-protocol.ts';

/** What a figure must reach, from the issue. */
export type Target =
  /** ours / baseline at most `max`. */
  | { kind: 'ratio'; max: number }
  /** ours - baseline at most `maxMs`. */
  | { kind: 'plus'; maxMs: number }
  /** ours at most `maxMs` (the baseline, if any, is for reference). */
  | { kind: 'absolute'; maxMs: number }
  /** baseline / ours at least `min`. */
  | { kind: 'speedup'; min: number }
  /** Informational: no target. */
  | { kind: 'none' };

/** One side of a row: its samples (one per repeat), or why there are none. */
export type Series = { samples: number[] } | { missing: string } | { error: string };

/** One line of the result table. */
export interface Row {
  figure: string;
  size: string;
  target: Target;
  ours: Series;
  /** Null when the figure has no baseline (an absolute target). */
  baseline: Series | null;
  /** Said after ours' value (e.g. that a measurement was cut short). */
  note?: string;
}

/** One row measured by interleaving: each repeat runs `baseline` and then `ours`. */
export interface Pair {
  figure: string;
  size: string;
  target: Target;
  baseline: (() => Promise<Measurement>) | null;
  ours: () => Promise<Measurement>;
  /** Turns a measured time into the row's value (e.g. extrapolates a sample). */
  scaleBaseline?: (ms: number) => number;
}

/** A row whose measurement failed before any sample (setup errors). */
export function failedRow(figure: string, size: string, error: unknown): Row {
  return { figure, size, target: { kind: 'none' }, ours: { error: describe(error) }, baseline: null };
}

export function emptyRow(figure: string, size: string, target: Target, hasBaseline: boolean): Row {
  return { figure, size, target, ours: { samples: [] }, baseline: hasBaseline ? { samples: [] } : null };
}

/**
 * Runs `repeats` rounds; each round measures every pair in order, baseline first, so the two
 * sides of a figure see the same machine state. A side that is missing a feature or fails stops
 * being measured (its row says why); the other pairs go on.
 */
export async function runInterleaved(repeats: number, pairs: Pair[]): Promise<Row[]> {
  const rows = pairs.map((pair) => emptyRow(pair.figure, pair.size, pair.target, pair.baseline !== null));
  for (let round = 0; round < repeats; round++) {
    for (const [index, pair] of pairs.entries()) {
      const row = rows[index];
      if (!row || !('samples' in row.ours)) continue;
      if (pair.baseline && row.baseline) {
        row.baseline = await record(row.baseline, pair.baseline, pair.scaleBaseline);
        if (!('samples' in row.baseline)) continue;
      }
      row.ours = await record(row.ours, pair.ours);
    }
  }
  return rows;
}

/** Adds one measurement to a series, or turns the series into why it could not be measured. */
export async function record(
  series: Series,
  measure: () => Promise<Measurement>,
  scale: (ms: number) => number = (ms) => ms,
): Promise<Series> {
  if (!('samples' in series)) return series;
  try {
    const measurement = await measure();
    if ('missing' in measurement) return { missing: measurement.missing };
    return { samples: [...series.samples, scale(measurement.ms)] };
  } catch (error) {
    if (!isInterrupted()) console.error(`bench: ${describe(error)}`);
    return { error: describe(error) };
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** An error as one line: a page's errors arrive wrapped in Playwright's call log. */
export function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.replace(/^page\.evaluate: (Error: )?/, '') ?? message;
}
