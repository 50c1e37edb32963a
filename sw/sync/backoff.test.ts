import { describe, expect, it } from 'vitest';
import { BACKOFF_SCHEDULE_SECONDS, backoffDelay, parseRetryAfter } from './backoff.ts';

const noJitter = () => 0.5;

describe('backoffDelay', () => {
  it('follows 0.5, 1, 2, 4, 8, 15, 30, 60 s and stays at the 60 s cap', () => {
    const delays = Array.from({ length: 11 }, (_, i) => backoffDelay(i + 1, null, noJitter));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 15000, 30000, 60000, 60000, 60000, 60000]);
    expect(BACKOFF_SCHEDULE_SECONDS.at(-1)).toBe(60);
  });

  it('spreads each delay by at most ±20 % jitter', () => {
    expect(backoffDelay(3, null, () => 0)).toBe(1600);
    expect(backoffDelay(3, null, () => 0.999999)).toBe(2400);
  });

  it('waits at least as long as Retry-After asks, even beyond the cap', () => {
    expect(backoffDelay(1, 5000, noJitter)).toBe(5000);
    expect(backoffDelay(8, 120_000, noJitter)).toBe(120_000);
    expect(backoffDelay(4, 10, noJitter)).toBe(4000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  });

  it('ignores absent or malformed values', () => {
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter('-3')).toBeNull();
  });
});
