import { describe, expect, it } from 'vitest';
import { SyncError } from '../protocol/index.ts';
import { resolveConfig } from './config.ts';
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

  it('refuses an id with malformed percent-encoding with invalid_url', () => {
    expect(() => match('/api/todos/%E0%A4%A')).toThrow(SyncError);
  });

  it('leaves other paths alone', () => {
    expect(match('/api/todosx')).toBeNull();
    expect(match('/api/todos/a/b')).toBeNull();
    expect(match('/api')).toBeNull();
    expect(match('/')).toBeNull();
  });
});
