// Push throughput of 500-mutation batches through syncworker's exactly-once path, against a
// raw batched INSERT … ON CONFLICT of the same rows on the same database, as a ratio.
import type { Mutation } from '../protocol/index.ts';
import { Collections } from '../server/collections.ts';
import { applyPush } from '../server/push.ts';
import type { Storage } from '../server/storage.ts';
import { openTestStorage, TEST_BACKENDS } from '../server/test-backends.ts';

const BATCH = 500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

function batch(round: number): Mutation[] {
  return Array.from({ length: BATCH }, (_, i) => ({
    seq: round * BATCH + i + 1,
    id: `m-${round}-${i}`,
    collection: 'todos',
    op: 'create',
    recordId: `r-${round}-${i}`,
    data: { title: `todo ${i}`, done: i % 2 === 0, rank: i },
    baseVersion: null,
    at: Date.now(),
  }));
}

async function syncworkerPush(storage: Storage, round: number): Promise<void> {
  const context = { storage, owner: 'bench', collections: new Collections(null), maxRecordBytes: 65536 };
  await applyPush(context, { clientId: 'bench-client', mutations: batch(round) });
}

async function rawInsert(storage: Storage, round: number): Promise<void> {
  const rows = batch(round);
  await storage.query(
    `INSERT INTO bench_raw (collection, id, data)
     SELECT 'todos', id, data FROM unnest($1::text[], $2::jsonb[]) AS t(id, data)
     ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data`,
    [rows.map((row) => row.recordId), rows.map((row) => JSON.stringify(row.data))],
  );
}

async function timeRounds(run: (round: number) => Promise<void>): Promise<number> {
  await run(0); // warm-up
  const started = performance.now();
  for (let round = 1; round <= ROUNDS; round++) await run(round);
  return (ROUNDS * BATCH) / ((performance.now() - started) / 1000);
}

for (const backend of TEST_BACKENDS) {
  const { storage, drop } = await openTestStorage(backend);
  try {
    await storage.query('CREATE TABLE bench_raw (collection text, id text, data jsonb, PRIMARY KEY (collection, id))');
    const baseline = await timeRounds((round) => rawInsert(storage, round));
    const syncworker = await timeRounds((round) => syncworkerPush(storage, round));
    console.log(
      `${backend.name.padEnd(8)} push of ${BATCH}-mutation batches: ${syncworker.toFixed(0)} mutations/s; ` +
        `raw INSERT … ON CONFLICT: ${baseline.toFixed(0)} rows/s; ratio ${(syncworker / baseline).toFixed(3)}`,
    );
  } finally {
    await drop();
  }
}
