import { describe, expect, it } from 'vitest';
import type { FieldCondition, RecordQuery } from './query.ts';
import { compareRecords, evaluateQuery, matchesQuery } from './query-match.ts';
import type { SyncRecord } from './wire.ts';

const RECORDS: SyncRecord[] = [
  { id: 'bool-false', value: false },
  { id: 'bool-true', value: true },
  { id: 'zero', value: 0 },
  { id: 'one', value: 1 },
  { id: 'twelve', value: 12 },
  { id: 'decimal', value: 2.5 },
  { id: 'negative', value: -3 },
  { id: 'string-false', value: 'false' },
  { id: 'string-12', value: '12' },
  { id: 'string-12.0', value: '12.0' },
  { id: 'word', value: 'Apple' },
  { id: 'lower', value: 'banana' },
  { id: 'empty', value: '' },
  { id: 'null', value: null },
  { id: 'missing' },
  { id: 'array', value: ['x', 12, false] },
  { id: 'object', value: { nested: 'Deep Apple' } },
];

const query = (where: FieldCondition[], rest: Partial<RecordQuery> = {}): RecordQuery => ({
  where,
  text: null,
  sort: [],
  offset: 0,
  limit: null,
  ...rest,
});
const idsWhere = (...where: FieldCondition[]) =>
  RECORDS.filter((record) => matchesQuery(record, query(where))).map((record) => record.id);

describe('matchesQuery', () => {
  it('matches a string (REST) value against String(value) of scalars, never arrays or objects', () => {
    expect(idsWhere({ field: 'value', op: 'eq', values: ['false'] })).toEqual(['bool-false', 'string-false']);
    expect(idsWhere({ field: 'value', op: 'eq', values: ['12'] })).toEqual(['twelve', 'string-12']);
    expect(idsWhere({ field: 'value', op: 'eq', values: ['0', '1'] })).toEqual(['zero', 'one']);
    expect(idsWhere({ field: 'value', op: 'eq', values: ['null'] })).toEqual(['null']);
    expect(idsWhere({ field: 'value', op: 'eq', values: [''] })).toEqual(['empty']);
    expect(idsWhere({ field: 'value', op: 'eq', values: ['x', 'Apple'] })).toEqual(['word']);
  });

  it('matches a typed (collection API) value by sort key: booleans, numbers and strings apart', () => {
    expect(idsWhere({ field: 'value', op: 'eq', values: [false] })).toEqual(['bool-false']);
    expect(idsWhere({ field: 'value', op: 'eq', values: [1] })).toEqual(['one']);
    expect(idsWhere({ field: 'value', op: 'eq', values: [12] })).toEqual(['twelve']);
    expect(idsWhere({ field: 'value', op: 'eq', values: [null] })).toEqual(['null', 'missing', 'array', 'object']);
    expect(idsWhere({ field: 'value', op: 'eq', values: [] })).toEqual([]);
  });

  it('ne keeps what equals none of the values, null and missing included', () => {
    expect(idsWhere({ field: 'value', op: 'ne', values: ['false', '12', 'Apple'] })).toEqual([
      'bool-true',
      'zero',
      'one',
      'decimal',
      'negative',
      'string-12.0',
      'lower',
      'empty',
      'null',
      'missing',
      'array',
      'object',
    ]);
    expect(idsWhere({ field: 'value', op: 'ne', values: [null] })).not.toContain('missing');
  });

  it('compares bounds within one kind (numbers, strings or booleans), never null or missing', () => {
    expect(idsWhere({ field: 'value', op: 'gte', value: '1' })).toEqual(['one', 'twelve', 'decimal']);
    expect(idsWhere({ field: 'value', op: 'gt', value: 1 })).toEqual(['twelve', 'decimal']);
    expect(idsWhere({ field: 'value', op: 'lt', value: '0' })).toEqual(['negative']);
    expect(idsWhere({ field: 'value', op: 'lte', value: 'false' })).toEqual(['bool-false']);
    expect(idsWhere({ field: 'value', op: 'gte', value: false })).toEqual(['bool-false', 'bool-true']);
    expect(idsWhere({ field: 'value', op: 'lte', value: '-3e0' })).toEqual(['negative']);
    expect(idsWhere({ field: 'value', op: 'gte', value: 'a' })).toEqual(['string-false', 'lower']);
    expect(idsWhere({ field: 'value', op: 'lt', value: 'b' })).toEqual(['string-12', 'string-12.0', 'word', 'empty']);
    expect(idsWhere({ field: 'value', op: 'gt', value: '12' }, { field: 'value', op: 'lt', value: 'z' })).toEqual([]);
    expect(idsWhere({ field: 'value', op: 'gt', value: null })).toEqual([]);
  });

  it('like is a case-insensitive regular expression on strings, numbers, booleans and array elements', () => {
    expect(idsWhere({ field: 'value', op: 'like', pattern: '^a' })).toEqual(['word']);
    expect(idsWhere({ field: 'value', op: 'like', pattern: 'AN' })).toEqual(['lower']);
    expect(idsWhere({ field: 'value', op: 'like', pattern: '^12' })).toEqual([
      'twelve',
      'string-12',
      'string-12.0',
      'array',
    ]);
    expect(idsWhere({ field: 'value', op: 'like', pattern: 'ue$' })).toEqual(['bool-true']);
    expect(idsWhere({ field: 'value', op: 'like', pattern: 'null|undefined|object' })).toEqual([]);
  });

  it('reads nested fields by dot path', () => {
    expect(idsWhere({ field: 'value.nested', op: 'eq', values: ['Deep Apple'] })).toEqual(['object']);
    expect(idsWhere({ field: 'value.nested', op: 'like', pattern: 'deep' })).toEqual(['object']);
  });

  it('searches text case-insensitively in every string, nested ones and id included, numbers not', () => {
    const texts = (text: string) =>
      RECORDS.filter((record) => matchesQuery(record, query([], { text }))).map((record) => record.id);
    expect(texts('APPLE')).toEqual(['word', 'object']);
    expect(texts('x')).toEqual(['array']);
    expect(texts('string-1')).toEqual(['string-12', 'string-12.0']);
    expect(texts('2.5')).toEqual([]);
  });

  it('requires every condition and the text', () => {
    const records = [
      { id: 'a', done: false, title: 'Milk' },
      { id: 'b', done: false, title: 'Bread' },
      { id: 'c', done: true, title: 'Milk' },
    ];
    const result = evaluateQuery(records, query([{ field: 'done', op: 'eq', values: ['false'] }], { text: 'milk' }));
    expect(result.records.map((record) => record.id)).toEqual(['a']);
  });
});

describe('compareRecords', () => {
  const sorted = (sort: RecordQuery['sort']) =>
    [...RECORDS].sort((a, b) => compareRecords(a, b, sort)).map((record) => record.id);

  it('orders numbers, strings by code unit, false, true, then everything else; ties by id', () => {
    expect(sorted([{ field: 'value', descending: false }])).toEqual([
      'negative',
      'zero',
      'one',
      'decimal',
      'twelve',
      'empty',
      'string-12',
      'string-12.0',
      'word',
      'lower',
      'string-false',
      'bool-false',
      'bool-true',
      'array',
      'missing',
      'null',
      'object',
    ]);
  });

  it('flips for descending, ties by id descending too', () => {
    expect(sorted([{ field: 'value', descending: true }]).slice(0, 4)).toEqual(['object', 'null', 'missing', 'array']);
    expect(sorted([{ field: 'value', descending: true }]).slice(-5)).toEqual([
      'twelve',
      'decimal',
      'one',
      'zero',
      'negative',
    ]);
  });

  it('breaks ties by the next key, then by id in the direction of the last key, ascending without keys', () => {
    const records = [
      { id: 'b', group: 1, rank: 2 },
      { id: 'a', group: 1, rank: 2 },
      { id: 'c', group: 0, rank: 5 },
      { id: 'd', group: 1, rank: 1 },
    ];
    const order = (sort: RecordQuery['sort']) =>
      [...records].sort((x, y) => compareRecords(x, y, sort)).map((record) => record.id);
    expect(
      order([
        { field: 'group', descending: false },
        { field: 'rank', descending: true },
      ]),
    ).toEqual(['c', 'b', 'a', 'd']);
    expect(
      order([
        { field: 'group', descending: true },
        { field: 'rank', descending: false },
      ]),
    ).toEqual(['d', 'a', 'b', 'c']);
    expect(order([])).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('evaluateQuery', () => {
  it('counts every match before offset and limit', () => {
    const records = Array.from({ length: 25 }, (_, index) => ({
      id: `r${String(index).padStart(2, '0')}`,
      even: index % 2 === 0,
    }));
    const result = evaluateQuery(
      records,
      query([{ field: 'even', op: 'eq', values: ['true'] }], {
        sort: [{ field: 'id', descending: true }],
        offset: 2,
        limit: 3,
      }),
    );
    expect(result).toEqual({ records: [records[20], records[18], records[16]], total: 13 });
    expect(evaluateQuery(records, query([], { offset: 24 })).records).toEqual([records[24]]);
    expect(evaluateQuery(records, query([], { limit: 0 }))).toEqual({ records: [], total: 25 });
  });
});
