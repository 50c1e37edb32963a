import type { MutationOp } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import type { ConflictStrategy } from './conflicts.ts';

/** A collection name: lower-case letters, digits and `_`, at most 64 characters. */
export const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'any';

export interface FieldSchema {
  type: FieldType;
  /** Must be present (and not null) on create. */
  required?: boolean;
  /** May be null. Default: true unless required. */
  nullable?: boolean;
}

export interface CollectionSchema {
  /** Known fields; records may hold no others unless `additionalFields` is true. */
  fields?: Record<string, FieldSchema>;
  additionalFields?: boolean;
  /** How stale writes are resolved. Default: the server's `conflict` option (`merge`). */
  conflict?: ConflictStrategy;
}

/** The shape of `--collections schema.json`: collection name -> schema. */
export type CollectionSchemas = Record<string, CollectionSchema>;

const FIELD_TYPES = new Set<FieldType>(['string', 'number', 'integer', 'boolean', 'object', 'array', 'any']);
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

  /** Why `data` cannot be written by `op`, or null. Updates carry only changed fields. */
  recordProblem(collection: string, op: MutationOp, data: Record<string, unknown>): SyncError | null {
    const schema = this.#schemaOf(collection);
    if (!schema?.fields) return null;
    for (const [field, value] of Object.entries(data)) {
      const fieldSchema = Object.hasOwn(schema.fields, field) ? schema.fields[field] : undefined;
      if (!fieldSchema) {
        if (schema.additionalFields) continue;
        return new SyncError('unknown_field', `${collection} has no field "${field}"`);
      }
      if (!matchesType(value, fieldSchema)) {
        return new SyncError('invalid_field_type', `${collection}.${field} must be ${describe(fieldSchema)}`);
      }
    }
    if (op === 'create') {
      for (const [field, fieldSchema] of Object.entries(schema.fields)) {
        if (fieldSchema.required && (data[field] === undefined || data[field] === null)) {
          return new SyncError('missing_field', `${collection}.${field} is required`);
        }
      }
    }
    return null;
  }

  /** Own properties only: a collection named `constructor` must not find `Object.prototype.constructor`. */
  #schemaOf(name: string): CollectionSchema | undefined {
    return this.#schemas && Object.hasOwn(this.#schemas, name) ? this.#schemas[name] : undefined;
  }
}

function matchesType(value: unknown, schema: FieldSchema): boolean {
  if (value === null) return schema.nullable ?? !schema.required;
  switch (schema.type) {
    case 'any':
      return true;
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
    default:
      return typeof value === schema.type;
  }
}

function describe(schema: FieldSchema): string {
  const nullable = (schema.nullable ?? !schema.required) ? ' or null' : '';
  return `${schema.type === 'integer' || schema.type === 'array' || schema.type === 'object' ? 'an' : 'a'} ${schema.type}${nullable}`;
}

/** Rejects a malformed schema file at start-up rather than at the first push. */
function checkSchemas(schemas: CollectionSchemas): void {
  for (const [name, schema] of Object.entries(schemas)) {
    if (!COLLECTION_NAME.test(name)) throw new Error(`Collection name "${name}" must match ${COLLECTION_NAME}`);
    if (typeof schema.conflict === 'string' && !STRATEGIES.has(schema.conflict)) {
      throw new Error(`${name}: conflict must be one of ${[...STRATEGIES].join(', ')}`);
    }
    for (const [field, fieldSchema] of Object.entries(schema.fields ?? {})) {
      if (!FIELD_TYPES.has(fieldSchema.type)) {
        throw new Error(`${name}.${field}: type must be one of ${[...FIELD_TYPES].join(', ')}`);
      }
    }
  }
}
