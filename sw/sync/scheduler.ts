import type { PauseReason, WireError } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';
import { backoffDelay } from './backoff.ts';
import { isRetryable, isUnauthorized, retryAfterOf } from './sync-transport.ts';

export interface RequestOptions {
  /** Skip the backoff wait: connectivity came back (`sync` event, `online`, a poke). A server's `Retry-After` still holds. */
  force?: boolean;
  /** Skip a server's `Retry-After` too: for explicit user actions only (`syncNow`, devtools Retry). */
  ignoreRetryAfter?: boolean;
}

/** The scheduling half of the sync status. */
export interface SchedulerState {
  isSyncing: boolean;
  lastSyncAt: number | null;
  nextAttemptAt: number | null;
  lastError: WireError | null;
  pausedReason: PauseReason | null;
}

/** What one run reports: whether it finished its work within its time budget. */
export type RunResult = { isComplete: boolean };

/**
 * Runs sync one at a time. Requests arriving during a run coalesce into one more run;
 * retryable failures schedule the next attempt on the capped backoff schedule; a 401
 * pauses until `resume('unauthorized')`; a run that ran out of time continues in the next.
 */
export class SyncScheduler {
  readonly #run: () => Promise<RunResult>;
  readonly #onChange: (state: SchedulerState, error: unknown) => void;
  #current: Promise<void> | null = null;
  /** Requests the next run to start will serve. */
  #waiting: ((isOk: boolean) => void)[] = [];
  #isRunRequested = false;
  #forcedRequest: RequestOptions | null = null;
  #serverWaitUntil = 0;
  #isStopped = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSyncAt: number | null = null;
  #nextAttemptAt: number | null = null;
  #lastError: WireError | null = null;
  #pausedReason: PauseReason | null = null;

  /** `run` performs one sync; `onChange` hears every change of state (and the error of a failed run). */
  constructor(run: () => Promise<RunResult>, onChange: (state: SchedulerState, error: unknown) => void = () => {}) {
    this.#run = run;
    this.#onChange = onChange;
  }

  /** Asks for a sync; resolves to whether the run that serves it (the next to start) succeeded. */
  request(options: RequestOptions = {}): Promise<boolean> {
    if (!this.#mayRun(options)) return Promise.resolve(false);
    const served = new Promise<boolean>((resolve) => this.#waiting.push(resolve));
    if (this.#current) {
      this.#isRunRequested = true;
      // A forced request must see a run that started after it, even if the current one fails.
      if (options.force) this.#forcedRequest = options;
      return served;
    }
    this.#current = this.#loop().finally(() => {
      this.#current = null;
      this.#changed(null);
    });
    this.#changed(null);
    return served;
  }

  pause(reason: PauseReason): void {
    this.#pausedReason = reason;
    this.#clearRetry();
    this.#changed(null);
  }

  /** Lifts a pause of this reason and syncs at once. */
  resume(reason: PauseReason): void {
    if (this.#pausedReason !== reason) return;
    this.#pausedReason = null;
    this.#changed(null);
    void this.request({ force: true });
  }

  /** Stops for good (the user signed out); resolves once a run in progress has ended. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#clearRetry();
    await this.#current;
  }

  get state(): SchedulerState {
    return {
      isSyncing: this.#current !== null,
      lastSyncAt: this.#lastSyncAt,
      nextAttemptAt: this.#nextAttemptAt,
      lastError: this.#lastError,
      pausedReason: this.#pausedReason,
    };
  }

  async #loop(): Promise<void> {
    let isOk = true;
    do {
      const served = this.#waiting;
      this.#waiting = [];
      this.#isRunRequested = false;
      this.#forcedRequest = null;
      this.#clearRetry();
      try {
        const { isComplete } = await this.#run();
        this.#attempt = 0;
        this.#serverWaitUntil = 0;
        this.#lastSyncAt = Date.now();
        this.#lastError = null;
        isOk = true;
        // Out of time: continue in a fresh run, so no single event outlives the browser's limit.
        if (!isComplete) this.#retryIn(0);
      } catch (error) {
        this.#failed(error);
        isOk = false;
      }
      for (const resolve of served) resolve(isOk);
    } while (
      this.#forcedRequest ? this.#mayRun(this.#forcedRequest) : this.#isRunRequested && isOk && this.#mayRun({})
    );
    // Requests made during the last run that no run will follow (it failed, or backoff holds).
    for (const resolve of this.#waiting.splice(0)) resolve(isOk);
  }

  #mayRun({ force = false, ignoreRetryAfter = false }: RequestOptions): boolean {
    const now = Date.now();
    if (this.#isStopped || this.#pausedReason) return false;
    if (!ignoreRetryAfter && now < this.#serverWaitUntil) return false;
    return force || this.#nextAttemptAt === null || now >= this.#nextAttemptAt;
  }

  #failed(error: unknown): void {
    const syncError = error instanceof SyncError ? error : new SyncError('internal_error', String(error));
    this.#lastError = syncError.toWire().error;
    if (isUnauthorized(error)) {
      this.#pausedReason = 'unauthorized';
    } else if (isRetryable(error)) {
      this.#attempt += 1;
      const retryAfter = retryAfterOf(error);
      this.#serverWaitUntil = retryAfter === null ? 0 : Date.now() + retryAfter;
      this.#retryIn(backoffDelay(this.#attempt, retryAfter));
    }
    this.#changed(error);
  }

  #retryIn(delay: number): void {
    if (this.#isStopped) return;
    this.#nextAttemptAt = Date.now() + delay;
    this.#timer = setTimeout(() => {
      this.#nextAttemptAt = null;
      void this.request();
    }, delay);
  }

  #clearRetry(): void {
    clearTimeout(this.#timer);
    this.#nextAttemptAt = null;
  }

  #changed(error: unknown): void {
    this.#onChange(this.state, error);
  }
}
