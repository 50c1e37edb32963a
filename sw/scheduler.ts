import type { SyncStatus, WireError } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import { backoffDelay } from './backoff.ts';
import { isRetryable, retryAfterOf } from './sync-transport.ts';

export interface RequestOptions {
  /** Run now even while backing off (an explicit `syncNow`, the `sync` event, `online`). */
  force?: boolean;
}

/**
 * Runs sync one at a time. Requests arriving during a run coalesce into one more run;
 * retryable failures schedule the next attempt on the capped backoff schedule.
 */
export class SyncScheduler {
  readonly #run: () => Promise<void>;
  readonly #onChange: () => void;
  #current: Promise<boolean> | null = null;
  #isRunRequested = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSyncAt: number | null = null;
  #nextAttemptAt: number | null = null;
  #lastError: WireError | null = null;

  /** `run` performs one sync; `onChange` is told whenever the scheduling state changes. */
  constructor(run: () => Promise<void>, onChange: () => void = () => {}) {
    this.#run = run;
    this.#onChange = onChange;
  }

  /** Asks for a sync; resolves to whether the runs it joined succeeded. */
  request({ force = false }: RequestOptions = {}): Promise<boolean> {
    if (!force && this.#nextAttemptAt !== null && Date.now() < this.#nextAttemptAt) {
      return Promise.resolve(false);
    }
    if (this.#current) {
      this.#isRunRequested = true;
      return this.#current;
    }
    this.#current = this.#loop().finally(() => {
      this.#current = null;
      this.#onChange();
    });
    this.#onChange();
    return this.#current;
  }

  status(pending: number): SyncStatus {
    return {
      pending,
      isSyncing: this.#current !== null,
      lastSyncAt: this.#lastSyncAt,
      nextAttemptAt: this.#nextAttemptAt,
      lastError: this.#lastError,
    };
  }

  async #loop(): Promise<boolean> {
    let isOk = true;
    do {
      this.#isRunRequested = false;
      clearTimeout(this.#timer);
      this.#nextAttemptAt = null;
      try {
        await this.#run();
        this.#succeeded();
        isOk = true;
      } catch (error) {
        this.#failed(error);
        isOk = false;
      }
    } while (this.#isRunRequested && isOk);
    return isOk;
  }

  #succeeded(): void {
    this.#attempt = 0;
    this.#lastSyncAt = Date.now();
    this.#lastError = null;
  }

  #failed(error: unknown): void {
    const syncError = error instanceof SyncError ? error : new SyncError('internal_error', String(error));
    this.#lastError = { code: syncError.code, message: syncError.message };
    if (!isRetryable(error)) return;
    this.#attempt += 1;
    const delay = backoffDelay(this.#attempt, retryAfterOf(error));
    this.#nextAttemptAt = Date.now() + delay;
    this.#timer = setTimeout(() => void this.request(), delay);
  }
}
