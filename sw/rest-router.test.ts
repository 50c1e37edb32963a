import { describe, expect, it } from 'vitest';
import { SyncError } from '../protocol/index.ts';
import { resolveConfig } from './config.ts';
import { applyListQuery, fromCollectionQuery, parseListQuery } from './list-query.ts';
import { isReplayRoute, matchRestRoute } from './rest-router.ts';

const { routes, replayRoutes } = resolveConfig(
  {
    routes: { '/api/todos': 'todos', '/api/v2/notes/': { collection: 'notes', strategy: 'network-first' } },
    replayRoutes: ['/api/rpc/'],
  },
  'https://app.test',
);
const match = (path: string) => {
  const found = matchRestRoute(new URL(path, 'https://app.test'), routes);
  return found && { collection: found.collection, id: found.id };
};

describe('matchRestRoute', () => {
  it('matches a collection and its records', () => {
    expect(match('/api/todos')).toEqual({ collection: 'todos', id: null });
    expect(match('/api/todos/')).toEqual({ collection: 'todos', id: null });
    expect(match('/api/todos/abc?x=1')).toEqual({ collection: 'todos', id: 'abc' });
    expect(match('/api/todos/a%20b')).toEqual({ collection: 'todos', id: 'a b' });
    expect(match('/api/v2/notes/n1')).toEqual({ collection: 'notes', id: 'n1' });
  });

  it('carries the route strategy, local-first by default', () => {
    expect(matchRestRoute(new URL('https://app.test/api/todos'), routes)?.strategy).toBe('local-first');
    expect(matchRestRoute(new URL('https://app.test/api/v2/notes'), routes)?.strategy).toBe('network-first');
  });

  it('recognises replay routes by prefix', () => {
    expect(isReplayRoute(new URL('https://app.test/api/rpc/send-invite'), replayRoutes)).toBe(true);
    expect(isReplayRoute(new URL('https://app.test/api/rpc'), replayRoutes)).toBe(true);
    expect(isReplayRoute(new URL('https://app.test/api/rpcx'), replayRoutes)).toBe(false);
  });

  it('leaves other paths alone', () => {
    expect(match('/api/todosx')).toBeNull();
    expect(match('/api/todos/a/b')).toBeNull();
    expect(match('/api')).toBeNull();
    expect(match('/')).toBeNull();
  });
});

describe('list queries', () => {
  const records = [
    { id: 'a', title: 'milk', done: false, rank: 3 },
    { id: 'b', title: 'bread', done: true, rank: 1 },
    { id: 'c', title: 'eggs', done: false, rank: 2 },
    { id: 'd', title: 'tea', done: false },
  ];
  const run = (query: string) => applyListQuery(records, parseListQuery(new URLSearchParams(query))).map((r) => r.id);

  it('filters by equality, comparing as strings', () => {
    expect(run('done=false')).toEqual(['a', 'c', 'd']);
    expect(run('done=false&rank=2')).toEqual(['c']);
    expect(run('id=a&id=b')).toEqual(['a', 'b']);
  });

  it('sorts ascending, descending and by several fields, missing values last', () => {
    expect(run('_sort=rank')).toEqual(['b', 'c', 'a', 'd']);
    expect(run('_sort=-rank')).toEqual(['a', 'c', 'b', 'd']);
    expect(run('_sort=done,-title')).toEqual(['d', 'a', 'c', 'b']);
  });

  it('pages with _limit and _offset after filtering and sorting', () => {
    expect(run('_sort=title&_limit=2')).toEqual(['b', 'c']);
    expect(run('_sort=title&_limit=2&_offset=2')).toEqual(['a', 'd']);
    expect(run('_offset=3')).toEqual(['d']);
  });

  it('reads collection API queries the same way', () => {
    const query = fromCollectionQuery({ where: { done: false }, sort: '-rank', limit: 2 });
    expect(applyListQuery(records, query).map((r) => r.id)).toEqual(['a', 'c']);
  });

  it('rejects malformed paging with invalid_query', () => {
    for (const query of ['_limit=-1', '_limit=two', '_offset=1.5']) {
      expect(() => parseListQuery(new URLSearchParams(query))).toThrow(SyncError);
    }
  });
});
