// Push throughput of 500-mutation batches through syncworker's exactly-once path, against a
// raw batched INSERT … ON CONFLICT of the same rows on the same database, as a ratio: for a new
// user, and for one who already holds 50,000 records (a push must cost what its batch costs, not
// what the user's data costs). Rounds alternate between the two writers so load from other
// processes falls on both; the medians are compared. The record upsert alone (a push's main
// statement, without reads and ledger) is timed too, to show where the rest of the cost lies.
import type { Mutation } from '../protocol/index.ts';
import { Collections } from '../server/collections.ts';
import { applyPush } from '../server/push.ts';
import { writeRecords } from '../server/records.ts';
import type { Storage } from '../server/storage.ts';
import { openTestStorage, TEST_BACKENDS } from '../server/test-backends.ts';

const BATCH = 500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const HELD_RECORDS = 50_000;

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

async function syncworkerPush(storage: Storage, round: number, owner = 'bench'): Promise<void> {
  const context = { storage, owner, collections: new Collections(null), maxRecordBytes: 65536 };
  await applyPush(context, { clientId: `${owner}-client`, mutations: batch(round) });
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

/** The record upsert alone, as a push writes it (11 columns, 2 indexes), without the exactly-once bookkeeping. */
async function recordUpsert(storage: Storage, round: number): Promise<void> {
  const records = batch(round).map((mutation) => ({
    collection: mutation.collection,
    id: mutation.recordId,
    data: mutation.data ?? {},
    version: 1,
    isDeleted: false,
    writtenBy: 'bench-client',
    writtenSeq: mutation.seq,
    writtenAt: mutation.at,
    createdSeq: mutation.seq,
    changeSeq: mutation.seq,
    createdBy: 'bench-client',
  }));
  await writeRecords(storage, 'upsert-only', records);
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Median times of a raw insert, a record upsert and a push, in turn, over rounds `first` to `first + ROUNDS - 1`. */
async function compare(
  storage: Storage,
  owner: string,
  first: number,
): Promise<{ raw: number; upsert: number; syncworker: number }> {
  const raw: number[] = [];
  const upsert: number[] = [];
  const syncworker: number[] = [];
  for (let round = first; round < first + ROUNDS; round++) {
    raw.push(await timed(() => rawInsert(storage, round)));
    upsert.push(await timed(() => recordUpsert(storage, round)));
    syncworker.push(await timed(() => syncworkerPush(storage, round, owner)));
  }
  return { raw: median(raw), upsert: median(upsert), syncworker: median(syncworker) };
}

const perSecond = (ms: number) => ((BATCH / ms) * 1000).toFixed(0);

for (const backend of TEST_BACKENDS) {
  const { storage, drop } = await openTestStorage(backend);
  try {
    await storage.query('CREATE TABLE bench_raw (collection text, id text, data jsonb, PRIMARY KEY (collection, id))');
    await rawInsert(storage, 0); // warm-up
    await syncworkerPush(storage, 0);
    const fresh = await compare(storage, 'bench', 1);
    for (let round = 0; round < HELD_RECORDS / BATCH; round++) await syncworkerPush(storage, round, 'holder');
    const holder = await compare(storage, 'holder', HELD_RECORDS / BATCH);
    for (const [who, { raw, upsert, syncworker }] of [
      ['new user', fresh],
      [`user holding ${HELD_RECORDS}`, holder],
    ] as const) {
      console.log(
        `${backend.name.padEnd(8)} ${who.padEnd(20)} push of ${BATCH}-mutation batches: ${perSecond(syncworker)} mutations/s; ` +
          `raw INSERT … ON CONFLICT: ${perSecond(raw)} rows/s; ratio ${(raw / syncworker).toFixed(3)} ` +
          `(the record upsert alone: ${perSecond(upsert)} rows/s, ratio ${(raw / upsert).toFixed(3)})`,
      );
    }
  } finally {
    await drop();
  }
}
