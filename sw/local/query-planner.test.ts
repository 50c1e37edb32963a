import 'fake-indexeddb/auto';
import { type DBCoreCursor, Dexie, type Table } from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionQuery, SyncRecord } from '../../protocol/index.ts';
import type { RecordQuery } from '../../protocol/query.ts';
import { evaluateQuery } from '../../protocol/query-match.ts';
import { fromCollectionQuery, parseQueryParams } from '../../protocol/query-params.ts';
import { runQuery } from './query-planner.ts';
import { type IndexSpec, indexedFields, parseIndexes, storeSchema, toStored } from './stored-record.ts';

/** A deterministic data set with every kind of value, missing fields, nesting and many equal values. */
function generateRecords(count: number): SyncRecord[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const maybe = (field: string, value: unknown, missing = 0.1) => (random() < missing ? {} : { [field]: value });
  return Array.from({ length: count }, (_, index) => ({
    id: `${pick(['a', 'B', 'c', '1', '_'])}${index.toString(36)}`,
    ...maybe('done', pick([true, false, false, true, false, 0, 1, 'false', null, [false]]), 0.05),
    ...maybe('createdAt', pick([Math.floor(random() * 300), Math.floor(random() * 300), '150', 'late', -1.5])),
    ...maybe('priority', pick([0, 1, 2, 3, 4, 2, 3, null, true, '2', [1, 2]]), 0.2),
    ...maybe('title', pick(['Buy milk', 'buy bread', 'Fix bike', 'fix', 'call Ann', '12', 12, 'zebra', '', 'ünïcode'])),
    ...maybe('tags', pick([['a', 'b'], ['b'], 'a', [], ['A', 3]]), 0.4),
    ...maybe('owner', pick([{ name: 'ann' }, { name: 'bob' }, { name: 'Cy' }, { name: null }, {}, { name: 7 }])),
    ...maybe('score', Math.round((random() - 0.5) * 100) / 10),
  }));
}

const RECORDS = generateRecords(3000);

const ALL_INDEXES = [
  'done',
  'priority',
  '[done+createdAt]',
  'createdAt',
  'title',
  'owner.name',
  '[owner.name+priority]',
  'tags',
  '[done+priority+createdAt]',
  'score',
];

const FILTERS = [
  '',
  'done=false',
  'done=true',
  'done=0',
  'done=1',
  'done=null',
  'done=true&done=false',
  'done_ne=false',
  'priority=2',
  'priority=2&priority=true',
  'priority_gte=2',
  'priority_gt=0&priority_lt=3',
  'priority_lte=true',
  'priority_ne=1&priority_ne=null',
  'title=fix',
  'title=12',
  'title_like=^b',
  'title_like=IX',
  'title_gte=c',
  'title_lt=fix&title_gt=',
  'createdAt_gte=100&createdAt_lte=120',
  'createdAt_gt=abc',
  'createdAt_lt=0',
  'createdAt=150',
  'owner.name=bob',
  'owner.name=null',
  'owner.name_like=^(ann|cy)$',
  'tags=a',
  'tags=3',
  'q=MILK',
  'q=b',
  `id=${RECORDS[5]?.id}&id=${RECORDS[77]?.id}&id=missing&id=${RECORDS[2999]?.id}`,
  `id=${RECORDS[5]?.id}&id=${RECORDS[6]?.id}&priority_ne=1`,
  'id_gte=c&id_lt=c5',
  'score_lt=0',
  'score_gte=-1.5&score_lte=1.5',
  'done=false&priority_gte=2',
  'done=true&priority_gt=2',
  'done=false&priority_lte=2',
  'done=false&priority_lt=3&priority_gt=true',
  'done=false&owner.name=ann',
  'done=false&priority=3',
  'done=true&priority=2&createdAt_gte=50',
  'owner.name=bob&priority_gte=1',
  'done=false&createdAt_gt=250',
];

const SORTS = [
  '',
  '_sort=createdAt',
  '_sort=-createdAt',
  '_sort=priority,-createdAt',
  '_sort=priority,createdAt',
  '_sort=title,id',
  '_sort=-title,-id',
  '_sort=-id',
  '_sort=id',
  '_sort=owner.name',
  '_sort=done,createdAt&_order=desc',
  '_sort=priority&_order=desc',
  '_sort=tags',
];

const PAGINGS = [
  '',
  '_limit=10',
  '_limit=7&_offset=13',
  '_page=2',
  '_page=3&_per_page=25',
  '_start=5&_end=30',
  '_start=20&_limit=4',
  '_limit=0',
  '_offset=2990',
  '_limit=1',
];

const TYPED_QUERIES: CollectionQuery[] = [
  { where: { done: false }, sort: '-createdAt', limit: 50 },
  { where: { done: false }, sort: '-createdAt', limit: 20, offset: 40 },
  { where: { done: [true, null] }, sort: 'createdAt' },
  { where: { done: 'false' } },
  { where: { priority: 2 }, sort: '-id', limit: 15 },
  { where: { priority: { gte: 1, lt: 4 } }, sort: 'priority', limit: 30 },
  { where: { priority: { ne: [1, null] } }, sort: 'priority,-id' },
  { where: { 'owner.name': 'bob', priority: { gt: 0 } }, sort: 'priority', limit: 5 },
  { where: { 'owner.name': null }, limit: 12 },
  { where: { title: { like: 'b[ui]' } }, sort: 'title' },
  { where: { createdAt: { gt: 100, lte: 'zzz' } } },
  { where: { createdAt: { gte: 'a' } }, sort: '-createdAt', limit: 3 },
  { where: { score: { gte: -0.5 } }, sort: '-score', limit: 10, offset: 5 },
  { where: { tags: 'b' }, sort: 'id' },
  { where: { id: RECORDS.slice(0, 40).map((record) => record.id) }, sort: '-createdAt', limit: 10 },
  { where: { done: [] } },
  { text: 'ann', sort: 'owner.name', limit: 9 },
  { where: { done: true, priority: 3 }, sort: 'createdAt', limit: 4 },
  { where: { done: 1 }, sort: '-createdAt', limit: 8 },
  { where: { done: false, priority: { gt: 1, lte: 3 } }, sort: 'createdAt', limit: 25 },
  { where: { done: true, priority: { gte: 2, lt: 4 } } },
];

/** Record values read from IndexedDB and handed to Dexie (skipped by a cursor's `advance`, a record costs no read). */
const reads = { count: 0 };

async function openTable(name: string, declared: string[]) {
  const indexes = parseIndexes('todos', declared);
  const db = new Dexie(name, { cache: 'disabled' });
  db.use({
    stack: 'dbcore',
    name: 'CountReads',
    create: (down) => ({
      ...down,
      table: (tableName) => {
        const table = down.table(tableName);
        return {
          ...table,
          getMany: async (request) => {
            const values = await table.getMany(request);
            reads.count += values.filter((value) => value !== undefined).length;
            return values;
          },
          query: async (request) => {
            const response = await table.query(request);
            if (request.values) reads.count += response.result.length;
            return response;
          },
          openCursor: async (request) => {
            const cursor = await table.openCursor(request);
            return cursor && request.values ? countValues(cursor) : cursor;
          },
        };
      },
    }),
  });
  db.version(1).stores({ todos: storeSchema(indexes) });
  const table: Table<SyncRecord, string> = db.table('todos');
  await table.bulkPut(RECORDS.map((record) => toStored(record, indexedFields(indexes))));
  return { db, table, indexes };
}

function countValues(cursor: DBCoreCursor): DBCoreCursor {
  let counted: unknown;
  return new Proxy(cursor, {
    get(target, property) {
      if (property === 'value' && counted !== target.primaryKey) {
        counted = target.primaryKey;
        reads.count++;
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function countReads<T>(run: () => Promise<T>): Promise<{ result: T; reads: number }> {
  const before = reads.count;
  const result = await run();
  return { result, reads: reads.count - before };
}

// Without indexes every query is a scan: a sample of the combinations is enough there.
describe.each([
  ['every index declared', ALL_INDEXES, 1],
  ['only compound indexes', ['[done+createdAt]', '[owner.name+priority]'], 2],
  ['no index declared', [], 5],
])('runQuery with %s', (label, declared, sample) => {
  let table: Table<SyncRecord, string>;
  let indexes: IndexSpec[];
  let db: Dexie;
  beforeAll(async () => {
    ({ db, table, indexes } = await openTable(`planner-${label}`, declared));
  });
  afterAll(() => db.delete());

  const expectSameAsReference = async (label: string, query: RecordQuery) => {
    const { records, total } = await runQuery(table, indexes, query);
    const expected = evaluateQuery(RECORDS, query);
    expect({ label, total, ids: records.map((record) => record.id) }).toEqual({
      label,
      total: expected.total,
      ids: expected.records.map((record) => record.id),
    });
    // Same ids in the same order: the records themselves (without $k) need a look at a few.
    expect(records.slice(0, 20)).toEqual(expected.records.slice(0, 20));
  };

  // Every paging form meets every filter and every sort, without the full product.
  it.each(FILTERS.map((filter, f) => [filter, f] as const))(
    'answers "%s" with every sort exactly as evaluateQuery',
    async (filter, f) => {
      for (const [s, sort] of SORTS.entries()) {
        if ((f * SORTS.length + s) % sample !== 0) continue;
        const paging = PAGINGS[(f * 3 + s) % PAGINGS.length] as string;
        const params = [filter, sort, paging].filter(Boolean).join('&');
        await expectSameAsReference(params, parseQueryParams(new URLSearchParams(params)));
      }
    },
  );

  it('answers typed collection queries exactly as evaluateQuery', async () => {
    for (const query of TYPED_QUERIES) await expectSameAsReference(JSON.stringify(query), fromCollectionQuery(query));
  });
});

describe('plan choice', () => {
  let table: Table<SyncRecord, string>;
  let indexes: IndexSpec[];
  let db: Dexie;
  beforeAll(async () => {
    ({ db, table, indexes } = await openTable('planner-plans', ALL_INDEXES));
  });
  afterAll(() => db.delete());

  const planOf = async (query: RecordQuery) => {
    const { result, reads } = await countReads(() => runQuery(table, indexes, query));
    const expected = evaluateQuery(RECORDS, query);
    expect(result.records).toEqual(expected.records);
    expect(result.total).toBe(expected.total);
    return { ...result.plan, reads, matches: expected.total };
  };
  const rest = (params: string) => planOf(parseQueryParams(new URLSearchParams(params)));
  const typed = (query: CollectionQuery) => planOf(fromCollectionQuery(query));

  it('walks a compound equality + sort index, reading only the page when the keys settle the query', async () => {
    expect(await typed({ where: { done: false }, sort: '-createdAt', limit: 50 })).toMatchObject({
      index: '[done+createdAt]',
      isScan: false,
      reads: 50,
    });
    expect(await typed({ where: { done: false }, sort: '-createdAt', limit: 10, offset: 100 })).toMatchObject({
      index: '[done+createdAt]',
      reads: 10,
    });
  });

  it('walks the compound index for a REST equality too, reading only the records whose key is ambiguous', async () => {
    // "false" is the string or the boolean false, keyed 0 like the number 0: those are read to be counted.
    const plan = await rest('done=false&_sort=-createdAt&_limit=50');
    expect(plan).toMatchObject({ index: '[done+createdAt]', isScan: false });
    const ambiguous = RECORDS.filter(
      (record) => [0, false, null, undefined].includes(record.done as never) || Array.isArray(record.done),
    );
    expect(plan.reads).toBeLessThanOrEqual(ambiguous.length + 50);
    expect(await rest('title=zebra&_sort=-id&_limit=5')).toMatchObject({ index: 'title', isScan: false });
  });

  it('reads ids by primary key', async () => {
    const [first, second] = [RECORDS[1]?.id, RECORDS[2000]?.id];
    expect(await rest(`id=${first}&id=${second}&id=missing&done_ne=nothing`)).toMatchObject({
      index: 'id',
      isScan: false,
      reads: 2,
      matches: 2,
    });
  });

  it('walks a sort index or the primary key with a limit, reading only the page', async () => {
    expect(await rest('_sort=-createdAt&_limit=5')).toMatchObject({ index: 'createdAt', isScan: false, reads: 5 });
    expect(await rest('_sort=-createdAt&_limit=5&_offset=200')).toMatchObject({ index: 'createdAt', reads: 5 });
    expect(await rest('_limit=5')).toMatchObject({ index: 'id', isScan: false, reads: 5 });
    expect(await rest('_sort=-id&_page=4&_per_page=7')).toMatchObject({ index: 'id', reads: 7 });
  });

  it('walks a range of the sort index, counting it natively', async () => {
    expect(await rest('createdAt_gte=100&createdAt_lt=200&_sort=createdAt&_limit=10')).toMatchObject({
      index: 'createdAt',
      isScan: false,
      reads: 10,
    });
    expect(await rest('done=false&createdAt_gt=250&_sort=createdAt&_limit=3')).toMatchObject({
      index: '[done+createdAt]',
      isScan: false,
    });
  });

  it('prefers more equality fields, then equality over a sort walk, then ranges', async () => {
    expect(await typed({ where: { done: true, priority: 2 }, sort: 'createdAt', limit: 3 })).toMatchObject({
      index: '[done+priority+createdAt]',
      reads: 3,
    });
    expect(await rest('owner.name=bob&_sort=priority&_limit=3')).toMatchObject({ index: '[owner.name+priority]' });
    expect(await rest('owner.name=ann&_sort=-createdAt&_limit=5')).toMatchObject({ index: 'owner.name' });
    const range = await rest('priority_gte=3');
    expect(range).toMatchObject({ index: 'priority', isScan: false });
    expect(range.reads).toBe(range.matches);
    // A sort walk the keys cannot bound would read every record to count them: the range reads fewer.
    const narrowed = await rest('priority_gte=3&_sort=-createdAt&_limit=5');
    expect(narrowed).toMatchObject({ index: 'priority', isScan: false });
    expect(narrowed.reads).toBe(narrowed.matches);
  });

  it('reads only the records keyed by the string (or the number it spells) of a string equality', async () => {
    const bobs = RECORDS.filter((record) => (record.owner as { name?: unknown } | undefined)?.name === 'bob').length;
    const plan = await rest('owner.name=bob&_sort=priority&_limit=3');
    expect(plan.reads).toBeLessThanOrEqual(bobs);
    expect(await typed({ where: { priority: 3 }, sort: 'id', limit: 4 })).toMatchObject({
      index: 'priority',
      reads: 4,
    });
  });

  it('scans only what no index serves', async () => {
    expect(await rest('title_like=ix')).toMatchObject({ index: null, isScan: true, reads: RECORDS.length });
    expect(await rest('q=milk&_sort=-createdAt&_limit=5')).toMatchObject({ index: 'createdAt', isScan: true });
  });

  it('finds scalar values through the index, never array elements', async () => {
    const plan = await rest('tags=a');
    expect(plan).toMatchObject({ index: 'tags', isScan: false });
    expect(plan.matches).toBeGreaterThan(0);
  });
});
