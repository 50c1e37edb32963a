import { describe, expect, it } from 'vitest';
import { type Schema, schemaDefinitionProblem } from './schema.ts';
import { recordProblem } from './schema-validation.ts';

const todo = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 5 },
    done: { type: 'boolean' },
    priority: { type: 'integer', minimum: 1, maximum: 3 },
    score: { type: 'number' },
    status: { enum: ['open', 'closed'] },
    kind: { const: 'todo' },
    code: { type: 'string', pattern: '^[A-Z]{2}$' },
    note: { type: ['string', 'null'] },
    tags: { type: 'array', items: { type: 'string', maxLength: 3 } },
    author: {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
      required: ['name'],
      additionalProperties: false,
    },
  },
  required: ['title', 'done'],
  additionalProperties: false,
} as const satisfies Schema;

const valid = { title: 'milk', done: false };

describe('recordProblem', () => {
  it('accepts a record that matches, with id and server fields beside the declared ones', () => {
    expect(recordProblem(todo, { ...valid, id: 'a', _version: 3 })).toBeNull();
    expect(
      recordProblem(todo, {
        ...valid,
        priority: 3,
        score: 1.5,
        status: 'closed',
        kind: 'todo',
        code: 'AB',
        note: null,
        tags: ['a', 'bcd'],
        author: { name: 'Ann', age: 0 },
      }),
    ).toBeNull();
  });

  it.each([
    [{ done: false }, 'title', 'required', 'is required'],
    [{ ...valid, title: 3 }, 'title', 'type', 'must be a string'],
    [{ ...valid, title: null }, 'title', 'type', 'must be a string'],
    [{ ...valid, title: '' }, 'title', 'minLength', 'must be at least 1 characters'],
    [{ ...valid, title: 'abcdef' }, 'title', 'maxLength', 'must be at most 5 characters'],
    [{ ...valid, priority: 1.5 }, 'priority', 'type', 'must be an integer'],
    [{ ...valid, priority: 0 }, 'priority', 'minimum', 'must be at least 1'],
    [{ ...valid, priority: 4 }, 'priority', 'maximum', 'must be at most 3'],
    [{ ...valid, score: '1' }, 'score', 'type', 'must be a number'],
    [{ ...valid, status: 'gone' }, 'status', 'enum', 'must be one of "open", "closed"'],
    [{ ...valid, kind: 'note' }, 'kind', 'const', 'must be "todo"'],
    [{ ...valid, code: 'abc' }, 'code', 'pattern', 'must match ^[A-Z]{2}$'],
    [{ ...valid, note: 1 }, 'note', 'type', 'must be a string or null'],
    [{ ...valid, tags: 'a' }, 'tags', 'type', 'must be an array'],
    [{ ...valid, tags: ['a', 'long'] }, 'tags[1]', 'maxLength', 'must be at most 3 characters'],
    [{ ...valid, author: [] }, 'author', 'type', 'must be an object'],
    [{ ...valid, author: {} }, 'author.name', 'required', 'is required'],
    [{ ...valid, author: { name: 'A', age: -1 } }, 'author.age', 'minimum', 'must be at least 0'],
    [{ ...valid, author: { name: 'A', id: 'x' } }, 'author.id', 'additionalProperties', 'is not a known field'],
    [{ ...valid, colour: 'red' }, 'colour', 'additionalProperties', 'is not a known field'],
  ])('refuses %j at %s (%s)', (record, field, reason, message) => {
    expect(recordProblem(todo, record)).toEqual({ field, reason, message });
  });

  it('counts lengths in code points, not UTF-16 units', () => {
    expect(recordProblem(todo, { ...valid, title: '😀😀😀😀😀' })).toBeNull();
    expect(recordProblem(todo, { ...valid, title: '😀😀😀😀😀😀' })?.reason).toBe('maxLength');
  });

  it('checks only the given fields of a partial record (a patch the server sees)', () => {
    expect(recordProblem(todo, { done: true }, true)).toBeNull();
    expect(recordProblem(todo, { done: 'yes' }, true)).toMatchObject({ field: 'done', reason: 'type' });
    expect(recordProblem(todo, { author: {} }, true)).toMatchObject({ field: 'author.name', reason: 'required' });
  });

  it('checks fields outside properties against an additionalProperties schema, and allows them by default', () => {
    const counters = { type: 'object', additionalProperties: { type: 'integer' } } as const satisfies Schema;
    expect(recordProblem(counters, { a: 1, b: 2 })).toBeNull();
    expect(recordProblem(counters, { a: 1, b: 'two' })).toMatchObject({ field: 'b', reason: 'type' });
    expect(recordProblem({ type: 'object', properties: { a: { type: 'string' } } }, { b: 1 })).toBeNull();
  });
});

describe('schemaDefinitionProblem', () => {
  it('accepts a schema of the supported keywords', () => {
    expect(schemaDefinitionProblem(todo, 'todos')).toBeNull();
  });

  it.each([
    [[], 'todos must be an object'],
    [{ type: 'date' }, 'todos.type must be one of'],
    [{ type: [] }, 'todos.type must name at least one type'],
    [{ format: 'email' }, 'todos has "format", which is not supported'],
    [{ properties: { a: { minLenght: 1 } } }, 'todos.properties.a has "minLenght", which is not supported'],
    [{ enum: [{}] }, 'todos.enum must be an array of strings'],
    [{ minimum: '1' }, 'todos.minimum must be a number'],
    [{ maxLength: -1 }, 'todos.maxLength must be a non-negative integer'],
    [{ pattern: '(' }, 'todos.pattern must be a valid regular expression'],
    [{ required: 'title' }, 'todos.required must be an array of field names'],
    [{ items: { type: 'x' } }, 'todos.items.type must be one of'],
    [{ additionalProperties: { type: 'x' } }, 'todos.additionalProperties.type must be one of'],
  ])('refuses %j', (schema, message) => {
    expect(schemaDefinitionProblem(schema, 'todos')).toContain(message);
  });
});
