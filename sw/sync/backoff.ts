/** Retry delays in seconds; the last one is the cap. */
export const BACKOFF_SCHEDULE_SECONDS = [0.5, 1, 2, 4, 8, 15, 30, 60] as const;

/** Jitter spreads retries of many clients: each delay is scaled by a factor in [0.8, 1.2). */
const JITTER = 0.2;

/**
 * Milliseconds to wait before retry number `attempt` (1 = first retry).
 * A server's `Retry-After` wins when it asks for longer than the schedule.
 */
export function backoffDelay(attempt: number, retryAfterMs: number | null = null, random = Math.random): number {
  const index = Math.min(Math.max(attempt, 1), BACKOFF_SCHEDULE_SECONDS.length) - 1;
  const base = (BACKOFF_SCHEDULE_SECONDS[index] ?? 60) * 1000;
  const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Parses a `Retry-After` header (seconds or HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\s*-?\d+(\.\d+)?\s*$/.test(header)) {
    const seconds = Number(header);
    return seconds >= 0 ? seconds * 1000 : null;
  }
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
