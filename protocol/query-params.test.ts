import { describe, expect, it } from 'vitest';
import { SyncError } from './errors.ts';
import type { RecordQuery } from './query.ts';
import { fromCollectionQuery, pageLinks, parseListParams, parseQueryParams } from './query-params.ts';
import type { CollectionQuery } from './worker-api.ts';

const parse = (params: string) => parseQueryParams(new URLSearchParams(params));
const query = (rest: Partial<RecordQuery>): RecordQuery => ({
  where: [],
  text: null,
  sort: [],
  offset: 0,
  limit: null,
  ...rest,
});

/** The `invalid_query` error `run` throws, so that a test can check its message too. */
function invalidQuery(run: () => unknown): SyncError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe('invalid_query');
    return error as SyncError;
  }
  throw new Error('expected an invalid_query error');
}

describe('parseQueryParams', () => {
  it('reads equality filters as strings; repeated values of a field mean any of', () => {
    expect(parse('done=false&id=1&id=2&author.name=Ann&title=')).toEqual(
      query({
        where: [
          { field: 'done', op: 'eq', values: ['false'] },
          { field: 'id', op: 'eq', values: ['1', '2'] },
          { field: 'author.name', op: 'eq', values: ['Ann'] },
          { field: 'title', op: 'eq', values: [''] },
        ],
      }),
    );
  });

  it('reads every operator suffix; repeated _ne values mean none of', () => {
    expect(
      parse('views_gte=10&views_lte=20&views_gt=1&views_lt=99&id_ne=1&id_ne=2&title_like=^fix&created_at_gte=5'),
    ).toEqual(
      query({
        where: [
          { field: 'views', op: 'gte', value: '10' },
          { field: 'views', op: 'lte', value: '20' },
          { field: 'views', op: 'gt', value: '1' },
          { field: 'views', op: 'lt', value: '99' },
          { field: 'id', op: 'ne', values: ['1', '2'] },
          { field: 'title', op: 'like', pattern: '^fix' },
          { field: 'created_at', op: 'gte', value: '5' },
        ],
      }),
    );
  });

  it('reads q as full-text search, an empty q as none', () => {
    expect(parse('q=Milk bread')).toEqual(query({ text: 'Milk bread' }));
    expect(parse('q=')).toEqual(query({}));
  });

  it('reads _sort with - for descending, or with _order', () => {
    const sorted = query({
      sort: [
        { field: 'done', descending: false },
        { field: 'createdAt', descending: true },
      ],
    });
    expect(parse('_sort=done,-createdAt')).toEqual(sorted);
    expect(parse('_sort=done,createdAt&_order=asc,desc')).toEqual(sorted);
    expect(parse('_sort=a.b,c&_order=DESC')).toEqual(
      query({
        sort: [
          { field: 'a.b', descending: true },
          { field: 'c', descending: true },
        ],
      }),
    );
  });

  it('pages with _limit/_offset, _page (10 by default, _per_page or _limit) and _start/_end', () => {
    expect(parse('_limit=5&_offset=10')).toEqual(query({ limit: 5, offset: 10 }));
    expect(parse('_limit=0')).toEqual(query({ limit: 0 }));
    expect(parse('_page=1')).toEqual(query({ limit: 10 }));
    expect(parse('_page=3&_per_page=25')).toEqual(query({ offset: 50, limit: 25 }));
    expect(parse('_page=2&_limit=5')).toEqual(query({ offset: 5, limit: 5 }));
    expect(parse('_start=5&_end=30')).toEqual(query({ offset: 5, limit: 25 }));
    expect(parse('_start=5')).toEqual(query({ offset: 5 }));
    expect(parse('_end=7')).toEqual(query({ limit: 7 }));
    expect(parse('_start=20&_limit=4')).toEqual(query({ offset: 20, limit: 4 }));
  });

  it('ignores the cache-busting _ parameter, as json-server does', () => {
    expect(parse('_=1700000000000&done=true')).toEqual(
      query({ where: [{ field: 'done', op: 'eq', values: ['true'] }] }),
    );
  });

  it('tells the page asked for with _page', () => {
    expect(parseListParams(new URLSearchParams('_page=3&_per_page=25')).page).toEqual({ number: 3, perPage: 25 });
    expect(parseListParams(new URLSearchParams('_page=2')).page).toEqual({ number: 2, perPage: 10 });
    expect(parseListParams(new URLSearchParams('_limit=10')).page).toBeNull();
  });

  it.each([
    ['_embed=comments', '_embed'],
    ['_expand=user', '_expand'],
    ['_foo=1', '_foo'],
    ['_version_gte=3', '_version_gte'],
    ['a-b=1', 'a-b'],
    ['a..b=1', 'a..b'],
    ['1st=1', '1st'],
    ['$k.done=0', '$k.done'],
    ['_gte=1', '_gte'],
    ['_limit=-1', '_limit'],
    ['_limit=two', '_limit'],
    ['_limit=1.5', '_limit'],
    ['_limit=1e2', '_limit'],
    ['_limit=', '_limit'],
    ['_offset=-3', '_offset'],
    ['_page=0', '_page'],
    ['_page=-1', '_page'],
    ['_per_page=0&_page=1', '_per_page'],
    ['_page=1&_limit=0', '_limit'],
    ['_per_page=5', '_per_page needs _page'],
    ['_page=2&_start=5', '_page cannot be combined with _start'],
    ['_page=2&_end=5', '_page cannot be combined with _end'],
    ['_page=2&_offset=5', '_page cannot be combined with _offset'],
    ['_page=2&_per_page=5&_limit=5', 'not both'],
    ['_start=5&_offset=5', '_offset'],
    ['_end=10&_limit=5', '_end cannot be combined with _limit'],
    ['_start=10&_end=5', '_end (5) must not be less than _start (10)'],
    ['_limit=1&_limit=2', '_limit is given more than once'],
    ['q=a&q=b', 'q is given more than once'],
    ['_sort=', '_sort has ""'],
    ['_sort=a,,b', '_sort has ""'],
    ['_sort=-', '_sort has "-"'],
    ['_sort=a b', '_sort has "a b"'],
    ['_order=asc', '_order needs _sort'],
    ['_sort=a&_order=up', '_order has "up"'],
    ['_sort=a,b,c&_order=asc,desc', '_order has 2 directions for 3 _sort fields'],
    ['_sort=-a&_order=asc', '_order cannot be combined with -field'],
    ['title_like=(', 'title_like is not a valid regular expression'],
    ['title_like=[a-', 'title_like'],
  ])('rejects %s with invalid_query naming the parameter', (params, named) => {
    expect(invalidQuery(() => parse(params)).message).toContain(named);
  });

  it('says what is accepted when a parameter is unsupported', () => {
    expect(invalidQuery(() => parse('_embed=comments')).message).toMatch(/_sort.*_page.*_per_page.*_start/);
  });
});

describe('fromCollectionQuery', () => {
  it('keeps typed values: a value, any of an array, or operators', () => {
    const where: CollectionQuery['where'] = {
      done: false,
      priority: [1, 2, null],
      'owner.name': 'ann',
      createdAt: { gte: 100, lt: 200 },
      title: { like: '^fix', ne: ['fix it', 'fix'] },
      deleted: { ne: true },
    };
    expect(fromCollectionQuery({ where, text: 'milk', sort: '-createdAt,id', limit: 5, offset: 10 })).toEqual({
      where: [
        { field: 'done', op: 'eq', values: [false] },
        { field: 'priority', op: 'eq', values: [1, 2, null] },
        { field: 'owner.name', op: 'eq', values: ['ann'] },
        { field: 'createdAt', op: 'gte', value: 100 },
        { field: 'createdAt', op: 'lt', value: 200 },
        { field: 'title', op: 'like', pattern: '^fix' },
        { field: 'title', op: 'ne', values: ['fix it', 'fix'] },
        { field: 'deleted', op: 'ne', values: [true] },
      ],
      text: 'milk',
      sort: [
        { field: 'createdAt', descending: true },
        { field: 'id', descending: false },
      ],
      offset: 10,
      limit: 5,
    });
    expect(fromCollectionQuery({})).toEqual(query({}));
    expect(fromCollectionQuery({ sort: ['done', '-createdAt'] }).sort).toEqual([
      { field: 'done', descending: false },
      { field: 'createdAt', descending: true },
    ]);
  });

  it.each<[string, CollectionQuery]>([
    ['where.owner has operator "name"', { where: { owner: { name: 'ann' } as never } }],
    ['where has "a-b"', { where: { 'a-b': 1 } }],
    ['where.n must be a string, finite number', { where: { n: Number.NaN } }],
    ['where.n must be', { where: { n: Number.POSITIVE_INFINITY } }],
    ['where.n must be', { where: { n: [{}] as never } }],
    ['where.n.gte must be a number, string or boolean, got null', { where: { n: { gte: null as never } } }],
    ['where.n.like must be a regular expression', { where: { n: { like: 5 as never } } }],
    ['where.n.like is not a valid regular expression', { where: { n: { like: '(' } } }],
    ['where.n.ne must be', { where: { n: { ne: [undefined as never] } } }],
    ['sort has ""', { sort: '' }],
    ['sort has "-"', { sort: 'a,-' }],
    ['sort must be a field such as "-createdAt", or an array', { sort: 5 as never }],
    ['sort must be a field such as "-createdAt", or an array', { sort: ['a', 5] as never }],
    ['text must be a string', { text: 5 as never }],
    ['limit must be an integer of at least 0, got "-1"', { limit: -1 }],
    ['offset must be an integer of at least 0, got "1.5"', { offset: 1.5 }],
  ])('rejects %s with invalid_query', (named, collectionQuery) => {
    expect(invalidQuery(() => fromCollectionQuery(collectionQuery)).message).toContain(named);
  });
});

describe('pageLinks', () => {
  const url = new URL('https://app.test/api/todos?done=false&_page=3&_per_page=10');

  it('links first, prev, next and last, keeping the other parameters', () => {
    expect(pageLinks(url, { number: 3, perPage: 10 }, 95)).toBe(
      [
        '<https://app.test/api/todos?done=false&_page=1&_per_page=10>; rel="first"',
        '<https://app.test/api/todos?done=false&_page=2&_per_page=10>; rel="prev"',
        '<https://app.test/api/todos?done=false&_page=4&_per_page=10>; rel="next"',
        '<https://app.test/api/todos?done=false&_page=10&_per_page=10>; rel="last"',
      ].join(', '),
    );
  });

  it('leaves out prev on the first page and next on the last; an empty result has one page', () => {
    const first = new URL('https://app.test/api/todos?_page=1');
    expect(pageLinks(first, { number: 1, perPage: 10 }, 0)).toBe(
      '<https://app.test/api/todos?_page=1>; rel="first", <https://app.test/api/todos?_page=1>; rel="last"',
    );
    expect(pageLinks(url, { number: 10, perPage: 10 }, 95)).not.toContain('rel="next"');
  });

  it('points prev of a page past the end at the last page', () => {
    expect(pageLinks(url, { number: 20, perPage: 10 }, 95)).toContain('_page=10&_per_page=10>; rel="prev"');
  });
});
