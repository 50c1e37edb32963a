// One user's burst must not starve the others. Against PostgreSQL over real HTTP: 20 users hold
// event streams (GET /sync/events) and pull in a loop, first alone (the baseline), then while 30
// clients of one other user push as fast as they can. Prints the others' pull latency under load
// as a ratio to the baseline measured in this same process (target: p99 <= 2x), and throughput.
import type { Mutation } from '../protocol/index.ts';
import { createServer } from '../server/create-server.ts';
import { silentLogger } from '../server/logger.ts';
import { TEST_BACKENDS } from '../server/test-backends.ts';
import { signHs256, validClaims } from '../server/test-tokens.ts';

const PULLERS = Number(process.env.BENCH_PULLERS ?? 20);
const PUSHERS = Number(process.env.BENCH_PUSHERS ?? 30);
const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 8000);
/** Mutations per push, records each puller's user holds, and a puller's pause between pulls. */
const PUSH_BATCH = 50;
const RECORDS_PER_USER = 100;
const PULL_PAUSE_MS = 100;

const postgres = TEST_BACKENDS.find((backend) => backend.name === 'postgres');
if (!postgres) throw new Error('No PostgreSQL test backend');
const SECRET = 'server-load-bench-secret';
const database = await postgres.create();
const server = await createServer({
  db: database.location,
  logger: silentLogger,
  auth: { mode: 'jwt', secret: SECRET },
});
const base = `http://127.0.0.1:${await server.listen(0)}`;
const authorization = (user: string) => ({ Authorization: `Bearer ${signHs256(validClaims(user), SECRET)}` });

async function post(user: string, path: string, body: unknown): Promise<Response> {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...authorization(user) },
    body: JSON.stringify(body),
  });
}

const creates = (clientSeq: number, count: number, prefix: string): Mutation[] =>
  Array.from({ length: count }, (_, i) => ({
    seq: clientSeq + i,
    id: `${prefix}-m${clientSeq + i}`,
    collection: 'todos',
    op: 'create',
    recordId: `${prefix}-r${clientSeq + i}`,
    data: { title: `todo ${clientSeq + i}`, done: false },
    baseVersion: null,
    at: Date.now(),
  }));

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? Number.NaN;

try {
  console.log(`server-load: ${PULLERS} users pulling with event streams; ${PUSHERS} clients of one more user pushing`);
  const started = performance.now();
  for (let user = 0; user < PULLERS; user++) {
    const mutations = creates(1, RECORDS_PER_USER, `u${user}`);
    const response = await post(`user-${user}`, '/sync/push', { clientId: `seed-${user}`, mutations });
    if (!response.ok) throw new Error(`seeding failed: ${response.status}`);
  }

  // Every puller holds a stream, and so does the pushing user (whose pokes are counted).
  const streams = Array.from({ length: PULLERS + 1 }, () => new AbortController());
  let pokes = 0;
  await Promise.all(
    streams.map(async (abort, user) => {
      const owner = user < PULLERS ? `user-${user}` : 'burst-user';
      const response = await fetch(`${base}/sync/events`, { signal: abort.signal, headers: authorization(owner) });
      void (async () => {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          pokes += Buffer.from(chunk).toString().split('event: poke').length - 1;
        }
      })().catch(() => undefined);
    }),
  );

  /** Pulls in a loop per user until `until`; resolves to each pull's latency in ms. */
  const pullLoops = async (until: number): Promise<number[]> => {
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: PULLERS }, async (_, user) => {
        while (performance.now() < until) {
          const sent = performance.now();
          const response = await post(`user-${user}`, '/sync/pull', { cursor: null, clientId: `seed-${user}` });
          const body = (await response.json()) as { changes?: Record<string, { upserted: unknown[] }> };
          if (!response.ok || body.changes?.todos?.upserted.length !== RECORDS_PER_USER) {
            throw new Error(`pull failed: ${response.status}`);
          }
          latencies.push(performance.now() - sent);
          await new Promise((resolve) => setTimeout(resolve, PULL_PAUSE_MS));
        }
      }),
    );
    return latencies;
  };

  const unloaded = await pullLoops(performance.now() + PHASE_MS);

  let pushed = 0;
  let refused = 0;
  const pushEnd = performance.now() + PHASE_MS;
  const pushing = Promise.all(
    Array.from({ length: PUSHERS }, async (_, client) => {
      for (let seq = 1; performance.now() < pushEnd; ) {
        const response = await post('burst-user', '/sync/push', {
          clientId: `burst-${client}`,
          mutations: creates(seq, PUSH_BATCH, `b${client}`),
        });
        await response.arrayBuffer();
        if (response.status === 429) refused += 1;
        else if (!response.ok) throw new Error(`push failed: ${response.status}`);
        else {
          pushed += PUSH_BATCH;
          seq += PUSH_BATCH;
        }
      }
    }),
  );
  const loaded = await pullLoops(pushEnd);
  await pushing;
  for (const abort of streams) abort.abort();

  const line = (name: string, values: number[]) =>
    `${name}: ${values.length} pulls, p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms`;
  console.log(line('others unloaded', unloaded));
  console.log(line('others loaded  ', loaded));
  console.log(
    `burst: ${((pushed / PHASE_MS) * 1000).toFixed(0)} mutations/s in ${PUSH_BATCH}-mutation pushes, ${refused} answered 429; ` +
      `${pokes} pokes on its event stream (${PULLERS} more held by the others)`,
  );
  console.log(
    `ratio of others' p99 pull latency, loaded/unloaded: ${(percentile(loaded, 99) / percentile(unloaded, 99)).toFixed(2)} ` +
      `(target <= 2); p50 ratio ${(percentile(loaded, 50) / percentile(unloaded, 50)).toFixed(2)}; ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await server.close();
  await database.drop();
}
