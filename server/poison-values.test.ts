import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mutation } from '../protocol/index.ts';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';

/** Half of a surrogate pair: not Unicode, and not storable. */
const LONE_SURROGATE = '😀'.slice(0, 1);

const nested = (levels: number): unknown => {
  let value: unknown = 'bottom';
  for (let level = 0; level < levels; level++) value = { deeper: value };
  return value;
};

describe.each(TEST_BACKENDS)('poison values on $name', (backend) => {
  let database: TestDatabase;
  let api: TestServer;
  let seq = 0;
  const query = <Row>(sql: string, params: unknown[] = []) => api.server.storage.query<Row>(sql, params);
  const count = async (table: string) =>
    Number((await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n);

  const create = (fields: Partial<Mutation> = {}): Mutation => {
    seq += 1;
    return {
      seq,
      id: `m${seq}`,
      collection: 'todos',
      op: 'create',
      recordId: `r${seq}`,
      data: { title: `todo ${seq}` },
      baseVersion: null,
      at: 1_700_000_000_000,
      ...fields,
    };
  };
  const push = (mutations: Mutation[] | string) =>
    api.request(
      'POST',
      '/sync/push',
      typeof mutations === 'string' ? `{"clientId":"c1","mutations":[${mutations}]}` : { clientId: 'c1', mutations },
    );

  beforeAll(async () => {
    database = await backend.create();
    api = await startTestServer(database.location);
  });
  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  /**
   * Pushes one poison mutation: it must be rejected with `code`, count as processed (ledger row,
   * lastAppliedSeq), change no record, and the client's next mutation must apply.
   */
  async function expectRejected(poison: Mutation | string, code: string): Promise<void> {
    const records = await count('syncworker_records');
    const answer = await push(typeof poison === 'string' ? poison : [poison]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.results).toMatchObject([{ seq, status: 'rejected', error: { code } }]);
    expect(answer.body.lastAppliedSeq).toBe(seq);
    expect(await count('syncworker_records')).toBe(records);
    const [ledger] = await query<{ status: string; error: { code: string } }>(
      'SELECT status, error FROM syncworker_mutations WHERE client_id = $1 AND seq = $2',
      ['c1', seq],
    );
    expect(ledger).toMatchObject({ status: 'rejected', error: { code } });

    const next = await push([create()]);
    expect(next.body.results).toMatchObject([{ seq, status: 'applied' }]);
    expect(await count('syncworker_records')).toBe(records + 1);
  }

  it('rejects NUL anywhere in a mutation, with a code per place', async () => {
    await expectRejected(create({ data: { title: 'a\u0000b' } }), 'invalid_text');
    await expectRejected(create({ data: { title: 't', 'key\u0000': 1 } }), 'invalid_text');
    await expectRejected(create({ data: { list: [{ deep: ['\u0000'] }] } }), 'invalid_text');
    await expectRejected(create({ recordId: 'r\u0000' }), 'invalid_id');
    await expectRejected(create({ collection: 'todos\u0000' }), 'unknown_collection');
    await expectRejected(create({ op: 'create\u0000' as Mutation['op'] }), 'invalid_body');
    await expectRejected(create({ id: 'm\u0000' }), 'invalid_body');
  });

  it('rejects unpaired surrogates in keys, values and ids', async () => {
    await expectRejected(create({ data: { title: `a${LONE_SURROGATE}` } }), 'invalid_text');
    await expectRejected(create({ data: { nested: { [`k${LONE_SURROGATE}`]: 1 } } }), 'invalid_text');
    await expectRejected(create({ recordId: `r${LONE_SURROGATE}` }), 'invalid_id');
    await expectRejected(create({ collection: `todos${LONE_SURROGATE}` }), 'unknown_collection');
    // A well-formed pair is fine.
    const emoji = await push([create({ data: { title: '😀' } })]);
    expect(emoji.body.results[0]).toMatchObject({ status: 'applied', record: { title: '😀' } });
  });

  it('rejects timestamps and numbers the database cannot hold', async () => {
    await expectRejected(create({ at: 1e20 }), 'invalid_body');
    await expectRejected(create({ at: 1.5 }), 'invalid_body');
    await expectRejected(create({ at: -1 }), 'invalid_body');
    // JSON.parse reads 1e400 as Infinity, which JSON cannot carry back.
    await expectRejected(JSON.stringify(create({ data: { n: 0 } })).replace('"n":0', '"n":1e400'), 'invalid_number');
    await expectRejected(JSON.stringify(create({})).replace(/"at":\d+/, '"at":1e400'), 'invalid_body');
    const big = await push([create({ data: { n: 1e308, tiny: 5e-324, negative: -1e308 } })]);
    expect(big.body.results[0]).toMatchObject({ status: 'applied', record: { n: 1e308, tiny: 5e-324 } });
  });

  it('rejects data nested beyond 64 levels, even 4000 deep', async () => {
    await expectRejected(create({ data: { title: 't', tree: nested(4000) as object } }), 'record_too_deep');
    await expectRejected(create({ data: { tree: nested(64) as object } }), 'record_too_deep');
    const deepEnough = await push([create({ data: { tree: nested(63) as object } })]);
    expect(deepEnough.body.results[0].status).toBe('applied');
  });

  it('rejects names and ids beyond their limits', async () => {
    await expectRejected(create({ collection: 'c'.repeat(10_000) }), 'unknown_collection');
    await expectRejected(create({ collection: 'c'.repeat(65) }), 'unknown_collection');
    await expectRejected(create({ recordId: 'r'.repeat(10_000) }), 'invalid_id');
    await expectRejected(create({ id: 'm'.repeat(10_000) }), 'invalid_body');
    await expectRejected(create({ recordId: 42 as unknown as string }), 'invalid_id');
    await expectRejected(create({ collection: ['todos'] as unknown as string }), 'unknown_collection');
  });

  it('refuses a push whose seq values are not safe positive integers, applying nothing', async () => {
    const records = await count('syncworker_records');
    for (const bad of [1e20, 1.5, -1, 0, '7']) {
      const answer = await push([{ ...create(), seq: bad as number }]);
      seq -= 1;
      expect([answer.status, answer.body.error.code]).toEqual([400, 'invalid_body']);
    }
    expect(await count('syncworker_records')).toBe(records);
    expect((await push([create()])).body.results[0].status).toBe('applied');
  });

  it('serves collections named like Object.prototype members, and keeps pulling', async () => {
    await expectRejected(create({ collection: '__proto__' }), 'unknown_collection');
    await expectRejected(create({ collection: 'toString' }), 'unknown_collection');
    await expectRejected(create({ collection: 'hasOwnProperty' }), 'unknown_collection');
    const odd = await push([
      create({ collection: 'constructor', recordId: 'c1' }),
      create({ collection: 'prototype', recordId: 'p1' }),
      create({ collection: 'valueof', recordId: 'v1' }),
    ]);
    expect(odd.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const pull = await api.request('POST', '/sync/pull', { cursor: null, clientId: 'c1' });
    expect(pull.status).toBe(200);
    expect(pull.body.changes.constructor.upserted.map((r: { id: string }) => r.id)).toEqual(['c1']);
    expect(pull.body.changes.prototype.upserted.map((r: { id: string }) => r.id)).toEqual(['p1']);
    const named = await api.request('POST', '/sync/pull', { cursor: null, collections: ['constructor'] });
    expect(Object.keys(named.body.changes)).toEqual(['constructor']);
    const watermelon = await api.request('GET', '/sync/watermelon?last_pulled_at=null');
    expect(watermelon.status).toBe(200);
    expect(watermelon.body.changes.constructor.created.map((r: { id: string }) => r.id)).toEqual(['c1']);
  });

  it('isolates a value the database refuses despite the checks: only that mutation is rejected', async () => {
    // A stand-in for any data exception the checks miss: refuse one title with SQLSTATE 22P05.
    await query(`CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN
        IF NEW.data->>'title' = 'poison' THEN RAISE EXCEPTION 'poison' USING ERRCODE = '22P05'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await query(`CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON syncworker_records
      FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    try {
      const records = await count('syncworker_records');
      const batch = [create(), create({ data: { title: 'poison' } }), create()];
      const answer = await push(batch);
      expect(answer.status).toBe(200);
      expect(
        answer.body.results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status),
      ).toEqual(['applied', 'invalid_text', 'applied']);
      expect(answer.body.lastAppliedSeq).toBe(seq);
      expect(await count('syncworker_records')).toBe(records + 2);
      const again = await push(batch);
      expect(
        again.body.results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status),
      ).toEqual(['duplicate', 'invalid_text', 'duplicate']);
      expect((await push([create()])).body.results[0].status).toBe('applied');
    } finally {
      await query('DROP TRIGGER refuse_poison ON syncworker_records');
    }
  });

  it('refuses poison in a WatermelonDB push whole, with a 400 and a code', async () => {
    const records = await count('syncworker_records');
    const cases: [unknown, string][] = [
      [{ todos: { created: [{ id: 'w1', title: 'a\u0000' }], updated: [], deleted: [] } }, 'invalid_text'],
      [{ todos: { created: [{ id: `w${LONE_SURROGATE}` }], updated: [], deleted: [] } }, 'invalid_id'],
      [{ todos: { created: [{ id: 'w2', tree: nested(4000) }], updated: [], deleted: [] } }, 'record_too_deep'],
      [{ ['t'.repeat(10_000)]: { created: [{ id: 'w3' }], updated: [], deleted: [] } }, 'unknown_collection'],
      [{ todos: { created: [], updated: [], deleted: ['x\u0000'] } }, 'invalid_id'],
      [{ todos: { created: [null], updated: [], deleted: [] } }, 'invalid_id'],
    ];
    for (const [body, code] of cases) {
      const answer = await api.request('POST', '/sync/watermelon?last_pulled_at=0', body);
      expect([answer.status, answer.body.error.code]).toEqual([400, code]);
    }
    for (const query of ['last_pulled_at=1e20', 'last_pulled_at=%zz', 'last_pulled_at=-1']) {
      const answer = await api.request('GET', `/sync/watermelon?${query}`);
      expect(answer.status).toBe(400);
    }
    expect(await count('syncworker_records')).toBe(records);
    const valid = await api.request('POST', '/sync/watermelon?last_pulled_at=0', {
      todos: { created: [{ id: 'w4', title: 'fine' }], updated: [], deleted: [] },
    });
    expect(valid.status).toBe(200);
  });

  it('refuses poison in pull requests and URLs with a 400', async () => {
    const bodies = [
      { cursor: 'a\u0000' },
      { cursor: null, collections: ['c'.repeat(10_000)] },
      { cursor: null, collections: [`todos${LONE_SURROGATE}`] },
      { cursor: null, clientId: 'c\u0000' },
      { cursor: null, clientId: 'c1', settledSeq: 1e20 },
      { cursor: null, limit: 1e20 },
    ];
    for (const body of bodies) {
      const answer = await api.request('POST', '/sync/pull', body);
      expect([answer.status, answer.body.error.code]).toEqual([400, 'invalid_body']);
    }
    for (const path of ['/sync/pull?x=%zz', '/sync/pull?x=%ff', '/sync/%zz']) {
      const answer = await api.request('POST', path, { cursor: null });
      expect([path, answer.status, answer.body.error.code]).toEqual([path, 400, 'invalid_url']);
    }
    const events = await fetch(`${api.url}/sync/events?access_token=%zz`);
    expect(events.status).toBe(400);
  });
});
