// Figure 8: replay of a queued outbox at an added round-trip time, against one request per mutation.
import type { Mutation, PushResponse } from '../../../protocol/index.ts';
import type { Measurement } from '../page-protocol.ts';
import { postTodo } from './rest-calls.ts';
import { now, runConcurrently, timeOnce } from './timing.ts';
import { missingCollectionMethod, syncClient, todoCollection } from './worker-client.ts';
import { nextTodo, nextTodos } from './written-todos.ts';

/** Sync runs are bounded in time; a large outbox may take several. */
const MAX_SYNC_RUNS = 200;
/** The baseline writes to a collection of its own, which the worker never pulls. */
const BASELINE_COLLECTION = 'bench_one_by_one';

/** Queues `count` todos while sync is paused: with `bulkPut` where the build has it, else `fetch POST`s. */
export async function queueWrites(count: number): Promise<Measurement> {
  const todos = nextTodos('queued', 'ours', count);
  if (!missingCollectionMethod('bulkPut')) {
    return { ms: await timeOnce(() => todoCollection().bulkPut(todos)), note: 'collection.bulkPut' };
  }
  const bodies = todos.map((todo) => JSON.stringify(todo));
  return { ms: await timeOnce(() => runConcurrently(count, 50, (i) => postTodo(bodies[i] ?? ''))), note: 'fetch POST' };
}

/** Resumes sync and syncs until nothing is pending, then pauses again for the next queue. */
export async function replayQueued(): Promise<Measurement> {
  const client = syncClient();
  const queued = (await client.status()).pending;
  if (queued === 0) throw new Error('nothing is queued to replay: queueWrites() first');
  const started = now();
  await client.resume();
  let runs = 0;
  for (let status = await client.syncNow(); status.pending > 0; status = await client.syncNow()) {
    if (++runs > MAX_SYNC_RUNS) throw new Error(`${status.pending} mutations still pending after ${runs} sync runs`);
  }
  const ms = now() - started;
  await client.pause();
  return { ms };
}

/** Sends `count` mutations one request each, in order, as a client without batching would. */
export async function pushOneByOne(count: number): Promise<Measurement> {
  const clientId = `bench-one-by-one-${crypto.randomUUID()}`;
  const started = now();
  for (let seq = 1; seq <= count; seq++) {
    const todo = nextTodo('one-by-one', 'baseline', false);
    const mutation: Mutation = {
      seq,
      id: `${clientId}-${seq}`,
      collection: BASELINE_COLLECTION,
      op: 'create',
      recordId: todo.id,
      data: todo,
      baseVersion: null,
      at: Date.now(),
    };
    const response = await fetch('/sync/push', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId, mutations: [mutation] }),
    });
    const body = (await response.json()) as PushResponse;
    const status = body.results?.[0]?.status;
    if (!response.ok || status !== 'applied')
      throw new Error(`a one-mutation push answered ${response.status} ${status}`);
  }
  return { ms: now() - started };
}
