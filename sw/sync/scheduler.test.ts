import { describe, expect, it } from 'vitest';
import { SyncError } from '../../protocol/index.ts';
import { SyncScheduler } from './scheduler.ts';

const retryable = () => new SyncError('network_error', 'offline', { retryable: true });
const unauthorized = () => new SyncError('token_expired', 'expired', { status: 401 });

describe('SyncScheduler', () => {
  it('runs one sync at a time and coalesces requests made during a run into one more run', async () => {
    let runs = 0;
    let release = () => {};
    const scheduler = new SyncScheduler(async () => {
      runs += 1;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
      return { isComplete: true };
    });
    const first = scheduler.request();
    const joined = [scheduler.request(), scheduler.request(), scheduler.request()];
    release();
    expect(await first).toBe(true);
    expect(await Promise.all(joined)).toEqual([true, true, true]);
    expect(runs).toBe(2);
  });

  it('answers a request when the run that serves it ends, however many requests keep coming', async () => {
    let runs = 0;
    let isWriting = true;
    const scheduler = new SyncScheduler(async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      // The app keeps writing during every run, and each write asks for another.
      if (isWriting) void scheduler.request();
      return { isComplete: true };
    });
    void scheduler.request();
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(await scheduler.request({ force: true })).toBe(true);
    // Served by the second run; the third may have begun by the time the answer is read.
    expect(runs).toBeLessThanOrEqual(3);
    isWriting = false;
    await scheduler.stop();
  });

  it('backs off after a retryable failure, but a forced request runs at once', async () => {
    let fail = true;
    const scheduler = new SyncScheduler(async () => {
      if (fail) throw retryable();
      return { isComplete: true };
    });
    expect(await scheduler.request()).toBe(false);
    expect(scheduler.state.nextAttemptAt).toBeGreaterThan(Date.now());
    expect(scheduler.state.lastError?.code).toBe('network_error');
    fail = false;
    expect(await scheduler.request()).toBe(false);
    expect(await scheduler.request({ force: true })).toBe(true);
    expect(scheduler.state).toMatchObject({ nextAttemptAt: null, lastError: null });
    await scheduler.stop();
  });

  it('gives a forced request made during a failing run a run of its own', async () => {
    let runs = 0;
    let release = () => {};
    const scheduler = new SyncScheduler(async () => {
      runs += 1;
      if (runs === 1) {
        await new Promise<void>((resolve) => (release = resolve));
        throw retryable();
      }
      return { isComplete: true };
    });
    const failing = scheduler.request();
    const forced = scheduler.request({ force: true });
    release();
    await failing;
    expect(await forced).toBe(true);
    expect(runs).toBe(2);
    await scheduler.stop();
  });

  it('lets connectivity skip its own backoff but not a server’s Retry-After; a user may skip both', async () => {
    let fail = true;
    const scheduler = new SyncScheduler(async () => {
      if (fail) throw new SyncError('rate_limited', 'slow down', { retryable: true, retryAfterMs: 60_000 });
      return { isComplete: true };
    });
    expect(await scheduler.request()).toBe(false);
    fail = false;
    expect(await scheduler.request({ force: true })).toBe(false);
    expect(await scheduler.request({ force: true, ignoreRetryAfter: true })).toBe(true);
    await scheduler.stop();
  });

  it('pauses on a 401 until resumed, and runs nothing meanwhile', async () => {
    let runs = 0;
    let token = 'expired';
    const scheduler = new SyncScheduler(async () => {
      runs += 1;
      if (token === 'expired') throw unauthorized();
      return { isComplete: true };
    });
    expect(await scheduler.request()).toBe(false);
    expect(scheduler.state.pausedReason).toBe('unauthorized');
    expect(await scheduler.request({ force: true })).toBe(false);
    expect(runs).toBe(1);
    token = 'fresh';
    scheduler.resume('unauthorized');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runs).toBe(2);
    expect(scheduler.state.pausedReason).toBeNull();
  });
});
