import { SyncError } from '../../protocol/index.ts';
import { uuidv7 } from '../../protocol/uuidv7.ts';
import type { QueuedRequest, SyncDatabase } from '../local/database.ts';
import { appendLog } from '../local/sync-log.ts';
import { parseRetryAfter } from './backoff.ts';
import { isRetryable } from './sync-transport.ts';

/**
 * Answers a replay-route request from the network; when the network fails, stores the request
 * and answers `202` with `X-Sync-Queued: <id>` so the app can go on.
 */
export async function fetchOrQueue(request: Request, db: SyncDatabase, keptHeaders: string[]): Promise<Response> {
  const stored = request.clone();
  try {
    return await fetch(request);
  } catch {
    const id = uuidv7();
    const headers = Object.fromEntries(
      [...stored.headers].filter(([name]) => keptHeaders.includes(name.toLowerCase())),
    );
    const body = ['GET', 'HEAD'].includes(stored.method) ? null : await stored.text();
    await db.requests.add({
      id,
      method: stored.method,
      url: stored.url,
      headers,
      body,
      queuedAt: Date.now(),
      attempts: 0,
      lastError: null,
    });
    await appendLog(db, {
      kind: 'replay',
      message: `queued ${stored.method} ${new URL(stored.url).pathname} while offline`,
      details: { id },
    });
    return new Response(JSON.stringify({ queued: id }), {
      status: 202,
      headers: { 'Content-Type': 'application/json', 'X-Sync-Queued': id },
    });
  }
}

/**
 * Replays queued requests in order with their `Idempotency-Key` and the current token.
 * Stops at the first one that must wait (network, 5xx, 408, 429, 401: thrown for the scheduler);
 * one the server refuses for good (other 4xx) becomes a dead letter. Returns how many were settled.
 */
export async function replayQueuedRequests(db: SyncDatabase, token: string | null, deadline: number): Promise<number> {
  let settled = 0;
  for (;;) {
    const next = await db.requests.orderBy('order').first();
    if (!next || Date.now() > deadline) return settled;
    await replayOne(db, next, token);
    settled += 1;
  }
}

async function replayOne(db: SyncDatabase, queued: QueuedRequest, token: string | null): Promise<void> {
  const order = queued.order ?? 0;
  let status: number;
  try {
    status = await send(queued, token);
  } catch (error) {
    await db.requests.update(order, { attempts: queued.attempts + 1, lastError: (error as SyncError).toWire().error });
    throw error;
  }
  await db.transaction('rw', db.requests, db.deadLetters, async () => {
    await db.requests.delete(order);
    if (status >= 400) {
      const error = {
        code: 'request_failed' as const,
        message: `The server answered ${status} to the replayed ${queued.method} ${queued.url}`,
      };
      await db.deadLetters.put({
        id: queued.id,
        kind: 'request',
        request: queued,
        status,
        error,
        rejectedAt: Date.now(),
      });
    }
  });
  await appendLog(db, {
    kind: 'replay',
    message: `replayed ${queued.method} ${new URL(queued.url).pathname}: ${status}`,
    details: { id: queued.id },
  });
}

/** Sends one queued request; resolves to a final status, throws a retryable or 401 `SyncError` otherwise. */
async function send(queued: QueuedRequest, token: string | null): Promise<number> {
  let response: Response;
  try {
    response = await fetch(queued.url, {
      method: queued.method,
      headers: {
        ...queued.headers,
        'Idempotency-Key': queued.id,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: queued.body,
    });
  } catch (error) {
    throw new SyncError('network_error', `Cannot replay ${queued.method} ${queued.url}: ${String(error)}`, {
      retryable: true,
    });
  }
  const error = new SyncError(
    'request_failed',
    `Replay of ${queued.method} ${queued.url} answered ${response.status}`,
    {
      status: response.status,
      retryable: response.status >= 500 || response.status === 408 || response.status === 429,
      retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
    },
  );
  if (response.status === 401 || isRetryable(error)) throw error;
  return response.status;
}
