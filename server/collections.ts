import type { SyncError } from '../protocol/index.ts';
import { type Schema, schemaDefinitionProblem } from '../protocol/schema.ts';
import { recordError } from '../protocol/schema-validation.ts';
import type { ConflictStrategy } from './conflicts.ts';

/** A collection name: lower-case letters, digits and `_`, at most 64 characters. */
export const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** A collection's entry in `--collections schema.json`. */
export interface CollectionSchema {
  /** The records' shape: a JSON Schema of the subset `protocol/schema.ts` describes, the same the worker checks. */
  schema?: Schema;
  /** How stale writes are resolved. Default: the server's `conflict` option (`merge`). */
  conflict?: ConflictStrategy;
}

/** The shape of `--collections schema.json`: collection name -> schema. */
export type CollectionSchemas = Record<string, CollectionSchema>;

const STRATEGIES = new Set(['server-wins', 'client-wins', 'lww', 'merge']);

/** What the server knows about collections: which exist, their records' shape, their conflict strategy. */
export class Collections {
  readonly #schemas: CollectionSchemas | null;
  readonly #defaultStrategy: ConflictStrategy;

  /** `schemas` null means demo mode: any collection named like `COLLECTION_NAME` with schemaless records. */
  constructor(schemas: CollectionSchemas | null, defaultStrategy: ConflictStrategy = 'merge') {
    if (schemas) checkSchemas(schemas);
    this.#schemas = schemas;
    this.#defaultStrategy = defaultStrategy;
  }

  isKnown(name: string): boolean {
    return this.#schemas ? Object.hasOwn(this.#schemas, name) : COLLECTION_NAME.test(name);
  }

  strategyFor(name: string): ConflictStrategy {
    return this.#schemaOf(name)?.conflict ?? this.#defaultStrategy;
  }

  /**
   * Why `data` does not match the collection's schema, or null: `invalid_record` naming the field
   * and the schema keyword it failed. `isPartial` checks an update's changed fields only.
   */
  recordProblem(collection: string, data: Record<string, unknown>, isPartial: boolean): SyncError | null {
    const schema = this.#schemaOf(collection)?.schema;
    return schema ? recordError(schema, collection, data, isPartial) : null;
  }

  /** Whether records of the collection may hold `field` (WatermelonDB pushes drop the fields they may not). */
  knowsField(collection: string, field: string): boolean {
    const schema = this.#schemaOf(collection)?.schema;
    return schema?.additionalProperties !== false || Object.hasOwn(schema.properties ?? {}, field);
  }

  /** Own properties only: a collection named `constructor` must not find `Object.prototype.constructor`. */
  #schemaOf(name: string): CollectionSchema | undefined {
    return this.#schemas && Object.hasOwn(this.#schemas, name) ? this.#schemas[name] : undefined;
  }
}

const ENTRY_KEYS = new Set(['schema', 'conflict']);

/** Rejects a malformed schema file at start-up rather than at the first push. */
function checkSchemas(schemas: CollectionSchemas): void {
  for (const [name, entry] of Object.entries(schemas)) {
    if (!COLLECTION_NAME.test(name)) throw new Error(`Collection name "${name}" must match ${COLLECTION_NAME}`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`${name}: give an object such as { "schema": { "type": "object", … }, "conflict": "lww" }`);
    }
    if ('fields' in entry || 'additionalFields' in entry) {
      throw new Error(
        `${name}: "fields" and "additionalFields" are the old format; describe records with a JSON Schema instead: ` +
          '{ "schema": { "type": "object", "properties": { "title": { "type": "string" } }, "required": ["title"], ' +
          '"additionalProperties": false } } (a nullable field: "type": ["string", "null"])',
      );
    }
    for (const key of Object.keys(entry)) {
      if (!ENTRY_KEYS.has(key)) throw new Error(`${name}: "${key}" is not supported; use "schema" and "conflict"`);
    }
    if (typeof entry.conflict === 'string' && !STRATEGIES.has(entry.conflict)) {
      throw new Error(`${name}: conflict must be one of ${[...STRATEGIES].join(', ')}`);
    }
    const problem = entry.schema === undefined ? null : schemaDefinitionProblem(entry.schema, `${name}.schema`);
    if (problem) throw new Error(problem);
  }
}
