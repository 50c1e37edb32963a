import { describe, expect, it } from 'vitest';
import type { Schema } from '../protocol/schema.ts';
import { resolveConfig } from './config.ts';

const todo = { type: 'object', properties: { title: { type: 'string' } } } as const satisfies Schema;

describe('collection schemas in the worker config', () => {
  it('takes a schema from a route or a collection entry', () => {
    const { schemas } = resolveConfig(
      {
        routes: { '/api/todos': { collection: 'todos', schema: todo }, '/api/notes': 'notes' },
        collections: [
          { collection: 'tags', schema: { type: 'object' } },
          { collection: 'todos', indexes: ['title'] },
        ],
      },
      'https://app.test',
    );
    expect(Object.fromEntries(schemas)).toEqual({ todos: todo, tags: { type: 'object' } });
  });

  it('refuses two different schemas for one collection', () => {
    expect(() =>
      resolveConfig(
        {
          routes: { '/api/todos': { collection: 'todos', schema: todo } },
          collections: [{ collection: 'todos', schema: { type: 'object' } }],
        },
        'https://app.test',
      ),
    ).toThrow('collection "todos" is given two different schemas');
  });
});
