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

/** The server's `--collections` for the demo: todos checked, notes schemaless. */
export const demoCollections = { todos: { schema: todoSchema }, notes: {} };
