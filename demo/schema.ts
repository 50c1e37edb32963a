// The demo's one schema: the worker checks every write against it (demo/sw.ts), the server
// checks every push (`npm start` hands it over as `--collections`), and the app's types come from it.
import type { RecordOf, Schema } from 'syncworker';

/** A todo: a title of 1-500 characters, done or not, and when it was created (epoch ms). */
export const todoSchema = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 500 },
    done: { type: 'boolean' },
    createdAt: { type: 'number', minimum: 0 },
  },
  required: ['title'],
} as const satisfies Schema;

export type Todo = RecordOf<typeof todoSchema>;

/** A shared note: its text and when it was written (epoch ms). */
export const noteSchema = {
  type: 'object',
  properties: { text: { type: 'string', minLength: 1, maxLength: 2000 }, createdAt: { type: 'number', minimum: 0 } },
  required: ['text'],
} as const satisfies Schema;

export type Note = RecordOf<typeof noteSchema>;

/** The server's `--collections` for the demo. */
export const demoCollections = { todos: { schema: todoSchema }, notes: { schema: noteSchema } };

/**
 * A server stricter than the demo's worker: todos take no field beyond the schema's, so a write
 * with one (as from a newer app) is accepted on the device and refused by the server. For trying
 * and testing refusals (`demo/collections-file.ts --strict`).
 */
export const strictDemoCollections = {
  ...demoCollections,
  todos: { schema: { ...todoSchema, additionalProperties: false } },
};
