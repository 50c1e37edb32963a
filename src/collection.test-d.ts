// Type tests, checked by `tsc -p src` (part of `npm run typecheck`): each `@ts-expect-error`
// line must fail to compile, so a typed collection that stopped refusing a wrong key fails the check.
import type { RecordOf, Schema, SyncRecord } from '../protocol/index.ts';
import type { Collection } from './collection.ts';

const todoSchema = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1 },
    done: { type: 'boolean' },
    priority: { type: 'integer', minimum: 1, maximum: 3 },
    status: { enum: ['open', 'closed'] },
    note: { type: ['string', 'null'] },
    tags: { type: 'array', items: { type: 'string' } },
    author: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
  },
  required: ['title', 'done'],
} as const satisfies Schema;

type Todo = RecordOf<typeof todoSchema>;

export const inferred: Todo[] = [
  { id: 'a', title: 'milk', done: false },
  { id: 'b', title: 'bread', done: true, _version: 2, status: 'open', note: null, tags: ['x'], author: { name: 'A' } },
  // @ts-expect-error `title` is required
  { id: 'c', done: false },
  // @ts-expect-error `status` is one of its enum's values
  { id: 'd', title: 't', done: false, status: 'gone' },
  // @ts-expect-error `priority` is a number
  { id: 'e', title: 't', done: false, priority: '1' },
  // @ts-expect-error `tags` holds strings
  { id: 'f', title: 't', done: false, tags: [1] },
  // @ts-expect-error `author.name` is required
  { id: 'g', title: 't', done: false, author: {} },
];

export async function typedQueries(todos: Collection<Todo>): Promise<void> {
  const open: Todo[] = await todos.list({
    where: { done: false, status: ['open'], priority: { gte: 2 }, 'author.name': 'Ann', note: null },
    sort: '-priority',
    limit: 10,
  });
  await todos.list({ sort: ['done', '-author.name', 'id'] });
  todos.subscribe({ where: { status: 'open' } }, (records: Todo[]) => records.length + open.length);
  // @ts-expect-error no field `titel`
  await todos.list({ where: { titel: 'milk' } });
  // @ts-expect-error no nested field `author.nme`
  await todos.list({ where: { 'author.nme': 'Ann' } });
  // @ts-expect-error `done` is a boolean
  await todos.list({ where: { done: 'yes' } });
  // @ts-expect-error no field `titel` to sort by
  await todos.list({ sort: '-titel' });
  // @ts-expect-error nor in a list of sort keys
  await todos.list({ sort: ['done', 'titel'] });
  // @ts-expect-error live queries take the same typed query
  todos.subscribe({ where: { colour: 'red' } }, () => {});
  // @ts-expect-error a put needs the required fields
  await todos.put({ id: 'x', done: false });
  // @ts-expect-error a patch takes only known fields
  await todos.patch('x', { colour: 'red' });
}

interface Note extends SyncRecord {
  body: string;
  pinned?: boolean;
}

/** A hand-written interface works too, with `SyncRecord`'s index signature or without one. */
interface Plain {
  id: string;
  body: string;
}

export async function interfaceQueries(notes: Collection<Note>, plain: Collection<Plain>): Promise<void> {
  await notes.list({ where: { pinned: true }, sort: 'body' });
  // @ts-expect-error no field `bdy`, whatever SyncRecord's index signature allows
  await notes.list({ where: { bdy: 'x' } });
  await plain.list({ where: { body: 'x' } });
  // @ts-expect-error no field `bdy`
  await plain.list({ sort: 'bdy' });
}

/** Without a record type, any field and a comma-separated sort go, as on the wire. */
export async function untypedQueries(records: Collection): Promise<void> {
  await records.list({ where: { anything: 1, 'a.b': { like: '^x' } }, sort: 'a,-b' });
}
