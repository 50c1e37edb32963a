import { describe, expect, it } from 'vitest';
import { queryKey } from './query-key.ts';

describe('queryKey', () => {
  it('is equal for equal queries whatever the order of their keys', () => {
    expect(queryKey({ where: { done: false, priority: { gte: 2, lt: 5 } }, sort: '-createdAt', limit: 10 })).toBe(
      queryKey({ limit: 10, sort: '-createdAt', where: { priority: { lt: 5, gte: 2 }, done: false } }),
    );
  });

  it('differs when a value, a key or the order of an array differs', () => {
    const key = queryKey({ where: { tag: ['a', 'b'] } });
    expect(queryKey({ where: { tag: ['b', 'a'] } })).not.toBe(key);
    expect(queryKey({ where: { tags: ['a', 'b'] } })).not.toBe(key);
    expect(queryKey({ where: { tag: ['a', 'b'] }, limit: 1 })).not.toBe(key);
  });
});
