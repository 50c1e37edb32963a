import { SyncError, type SyncRunSummary, type WireError } from '../../protocol/index.ts';
import { uuidv7 } from '../../protocol/uuidv7.ts';
import type { SyncDatabase } from '../local/database.ts';
import { appendLog } from '../local/sync-log.ts';
import { pushImported } from './imported-push.ts';
import { pullChanges } from './pull.ts';
import { pushOutbox, type SettleHooks } from './push.ts';
import { replayQueuedRequests } from './request-queue.ts';
import { isRetryable, SyncTransport } from './sync-transport.ts';

/** Work one run may do: well inside the few minutes a browser lets a service worker live. */
const RUN_BUDGET_MS = 60_000;

export interface RunHooks extends SettleHooks {
  onProgress(pulled: number, hasMore: boolean): void;
}

/**
 * One sync run with one user's database and token: push the outbox, replay queued requests,
 * pull changes. What each batch and page settles is reported through `hooks` as it happens.
 * Resolves to whether everything was done within the run's time budget. A run that moved or
 * failed anything is logged as a `run` entry with its counts and duration.
 */
export async function runSync(
  db: SyncDatabase,
  syncUrl: string,
  token: string | null,
  hooks: RunHooks,
): Promise<boolean> {
  const startedAt = Date.now();
  const outboxBefore = await db.outbox.count();
  const counts = { pushed: 0, pulled: 0, failed: 0 };
  const counted: RunHooks = {
    ...hooks,
    onOutcomes: (outcomes) => {
      for (const { status } of outcomes) {
        if (status === 'rejected') counts.failed++;
        else counts.pushed++;
      }
      hooks.onOutcomes(outcomes);
    },
    onProgress: (pulled, hasMore) => {
      counts.pulled = pulled;
      hooks.onProgress(pulled, hasMore);
    },
  };
  let error: WireError | null = null;
  try {
    return await syncSteps(db, syncUrl, token, counted, startedAt + RUN_BUDGET_MS);
  } catch (thrown) {
    error = (thrown instanceof SyncError ? thrown : new SyncError('internal_error', String(thrown))).toWire().error;
    throw thrown;
  } finally {
    const run: SyncRunSummary = {
      durationMs: Date.now() - startedAt,
      ...counts,
      outboxBefore,
      outboxAfter: await db.outbox.count().catch(() => outboxBefore),
      error,
    };
    if (run.pushed + run.pulled + run.failed > 0 || error) {
      const what = `pushed ${run.pushed}, pulled ${run.pulled}, failed ${run.failed}`;
      await appendLog(db, { kind: 'run', message: error ? `${what}; stopped: ${error.code}` : what, run });
    }
  }
}

async function syncSteps(
  db: SyncDatabase,
  syncUrl: string,
  token: string | null,
  hooks: RunHooks,
  deadline: number,
): Promise<boolean> {
  const transport = new SyncTransport(syncUrl, token);
  const clientId = await clientIdOf(db);
  // A push the server cannot take right now must not stop fresh data from arriving: pull anyway,
  // then report the push failure so the scheduler backs off. A refused token stops everything.
  let pushFailure: unknown = null;
  // Mutations brought by an import were made before this client's own: they go first.
  const push = () =>
    pushImported(db, transport, deadline, hooks)
      .then((isDone) => isDone && pushOutbox(db, transport, clientId, deadline, hooks))
      .catch((error: unknown) => {
        if (!isRetryable(error)) throw error;
        pushFailure = error;
        return false;
      });
  const isPushComplete = await push();
  if (!pushFailure) await replayQueuedRequests(db, token, deadline);
  const isPullComplete = await pullChanges(db, transport, clientId, deadline, {
    ...hooks,
    // A client that keeps writing during a long pull still gets its writes out, and others' changes in.
    betweenPages: async () => {
      if (!pushFailure && (await db.outbox.count()) > 0) await push();
    },
  });
  if (pushFailure) throw pushFailure;
  return isPushComplete && isPullComplete && Date.now() <= deadline;
}

/** This database's client id, created on first use and kept with the outbox it numbers. */
export async function clientIdOf(db: SyncDatabase): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await db.getMeta<string>('clientId');
    if (existing) return existing;
    const clientId = `c-${uuidv7()}`;
    await db.setMeta('clientId', clientId);
    return clientId;
  });
}
