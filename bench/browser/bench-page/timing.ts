import type { SampleBudget } from '../page-protocol.ts';

/** Milliseconds since the epoch at sub-millisecond resolution, comparable across the pages of one browser. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  if (sorted.length === 0) return Number.NaN;
  return Number.isInteger(middle)
    ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
    : (sorted[Math.floor(middle)] ?? Number.NaN);
}

/** Times `operation` once. */
export async function timeOnce(operation: () => Promise<unknown>): Promise<number> {
  const started = now();
  await operation();
  return now() - started;
}

/**
 * Takes samples one at a time (after one warm-up sample that does not count) and returns their
 * median: at least `budget.min`, at most `budget.max`, no new one once `budget.budgetMs` passed.
 * `sample` gets the sample's number (0 is the warm-up) and resolves to the value it measured.
 */
export async function medianSample(budget: SampleBudget, sample: (run: number) => Promise<number>): Promise<number> {
  await sample(0);
  const samples: number[] = [];
  const started = now();
  while (samples.length < budget.max && (samples.length < budget.min || now() - started < budget.budgetMs)) {
    samples.push(await sample(samples.length + 1));
  }
  return median(samples);
}

/** The median time of `operation`, run one at a time as `medianSample` does. */
export function medianLatency(budget: SampleBudget, operation: (run: number) => Promise<unknown>): Promise<number> {
  return medianSample(budget, (run) => timeOnce(() => operation(run)));
}

/** Runs `operation(0 … count-1)` with at most `inFlight` running at once; resolves when all have. */
export async function runConcurrently(
  count: number,
  inFlight: number,
  operation: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await operation(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

/** Rejects after `ms` with `what` in the message, unless `promise` settles first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
