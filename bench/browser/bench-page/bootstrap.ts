// Figure 6: bootstrap of the server's todos into an empty database, and how long local writes wait meanwhile.
import type { PullResponse } from '../../../protocol/index.ts';
import type { BootstrapMeasurement, Measurement, WriteWaits } from '../page-protocol.ts';
import { PULL_GATE_OPEN_PATH } from '../proxy-control.ts';
import { type Todo, toRawTodo } from '../todo-records.ts';
import { rawDatabase } from './raw-database.ts';
import { postTodo } from './rest-calls.ts';
import { median, now } from './timing.ts';
import { syncClient, todoCollection } from './worker-client.ts';
import { nextTodo } from './written-todos.ts';

/** Records per pull page, as the worker asks for them. */
const PULL_PAGE_SIZE = 1000;
/** Sync runs are bounded in time; a large bootstrap may take several. */
const MAX_SYNC_RUNS = 100;

/** What a page of the app would do without the worker: pull page by page, parse, `bulkPut`. */
export async function bootstrapRaw(): Promise<Measurement> {
  const table = rawDatabase().todos;
  const clientId = `bench-baseline-${crypto.randomUUID()}`;
  let cursor: string | null = null;
  let received = 0;
  const started = now();
  for (let hasMore = true; hasMore; ) {
    const response = await fetch('/sync/pull', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId, cursor, collections: ['todos'], limit: PULL_PAGE_SIZE }),
    });
    if (!response.ok) throw new Error(`POST /sync/pull answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as PullResponse;
    const { upserted = [], deleted = [] } = page.changes.todos ?? {};
    await table.bulkPut(upserted.map((record) => toRawTodo(record as Todo)));
    if (deleted.length > 0) await table.bulkDelete(deleted);
    received += upserted.length;
    cursor = page.cursor;
    hasMore = page.hasMore;
  }
  return { ms: now() - started, note: `${received} records` };
}

/**
 * Lets the worker's pull through the proxy's gate (it has waited there since the worker started)
 * and syncs until `lastId` is stored.
 */
export async function bootstrapWorker(lastId: string): Promise<Measurement> {
  const started = now();
  await openPullGate();
  await syncUntilStored(lastId);
  return { ms: now() - started };
}

/**
 * The same bootstrap while the app writes a todo through `fetch` every `writeEveryMs`, as a user
 * who keeps typing does; the writes stop after `maxWritingMs` if the bootstrap has not finished
 * by then (a worker that pushes before it pulls never gets to the pull while writes keep coming).
 */
export async function bootstrapWhileWriting(
  lastId: string,
  writeEveryMs: number,
  maxWritingMs: number,
): Promise<BootstrapMeasurement> {
  const started = now();
  await openPullGate();
  const writes = startWriting(writeEveryMs);
  const cap = setTimeout(() => writes.stopIssuing(), maxWritingMs);
  try {
    await syncUntilStored(lastId);
  } finally {
    clearTimeout(cap);
  }
  const ms = now() - started;
  const hadToStop = writes.stopIssuing();
  return { ms, writes: await writes.waits(), stoppedWritingAfterMs: hadToStop ? null : maxWritingMs };
}

async function openPullGate(): Promise<void> {
  const gate = await fetch(PULL_GATE_OPEN_PATH, { method: 'POST' });
  if (!gate.ok) throw new Error(`the proxy's pull gate answered ${gate.status}`);
}

/** Syncs until `lastId` is stored: sync runs are bounded in time, a large bootstrap may take several. */
async function syncUntilStored(lastId: string): Promise<void> {
  const client = syncClient();
  const todos = todoCollection();
  let runs = 0;
  do {
    if (++runs > MAX_SYNC_RUNS) throw new Error(`${lastId} still missing after ${MAX_SYNC_RUNS} sync runs`);
    await client.syncNow();
  } while (!(await todos.get(lastId)));
}

/** Issues a `fetch POST` every `everyMs` without waiting for the previous one, timing each. */
function startWriting(everyMs: number): { stopIssuing(): boolean; waits(): Promise<WriteWaits> } {
  const answers: Promise<number>[] = [];
  const write = () => {
    const issued = now();
    answers.push(postTodo(nextTodo('during-bootstrap', 'ours', false)).then(() => now() - issued));
  };
  write();
  let timer: ReturnType<typeof setInterval> | null = setInterval(write, everyMs);
  return {
    /** Stops issuing writes; true if they were still being issued. */
    stopIssuing() {
      if (timer === null) return false;
      clearInterval(timer);
      timer = null;
      return true;
    },
    async waits() {
      const waits = await Promise.all(answers);
      return { count: waits.length, p50: median(waits), max: Math.max(...waits) };
    },
  };
}
