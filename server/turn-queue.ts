import { SyncError } from '../protocol/index.ts';

/** Seconds a client told `rate_limited` should wait before it tries again. */
const RETRY_AFTER_SECONDS = 2;

interface Waiter {
  start(): void;
}

interface Line {
  /** Whether a holder runs now; waiters are handed the turn in arrival order. */
  isBusy: boolean;
  waiting: Waiter[];
}

/**
 * Runs work one at a time per key (one user's writes), in arrival order. Waiting holds
 * nothing but a promise: no database connection, so one user's burst cannot starve others.
 * A wait is bounded: past `maxWaitMs`, or with `maxWaiting` already in line, the work is
 * refused with `rate_limited` (429, `Retry-After`) rather than left hanging.
 */
export class TurnQueue {
  readonly #lines = new Map<string, Line>();
  readonly #maxWaitMs: number;
  readonly #maxWaiting: number;

  constructor(options: { maxWaitMs: number; maxWaiting: number }) {
    this.#maxWaitMs = options.maxWaitMs;
    this.#maxWaiting = options.maxWaiting;
  }

  /**
   * Runs `work` when `key`'s turn comes. `work` gets the deadline of the whole wait, for
   * waiting on other server instances too (see `busy`). Throws `rate_limited` on a bounded wait.
   */
  async run<T>(key: string, work: (deadline: number) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#maxWaitMs;
    let line = this.#lines.get(key);
    if (!line) {
      line = { isBusy: false, waiting: [] };
      this.#lines.set(key, line);
    }
    if (line.isBusy) await this.#wait(line);
    line.isBusy = true;
    try {
      return await work(deadline);
    } finally {
      const next = line.waiting.shift();
      if (next) next.start();
      else {
        line.isBusy = false;
        this.#lines.delete(key);
      }
    }
  }

  #wait(line: Line): Promise<void> {
    if (line.waiting.length >= this.#maxWaiting) return Promise.reject(busy(`${this.#maxWaiting} writes already wait`));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        line.waiting.splice(line.waiting.indexOf(waiter), 1);
        reject(busy(`a write waited ${this.#maxWaitMs} ms`));
      }, this.#maxWaitMs);
      line.waiting.push(waiter);
    });
  }
}

/** The answer to a write that cannot get its user's turn in time. */
export function busy(reason: string): SyncError {
  return new SyncError(
    'rate_limited',
    `This user's earlier writes are still being applied (${reason}); retry shortly`,
    {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    },
  );
}
