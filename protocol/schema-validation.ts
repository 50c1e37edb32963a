import { SyncError } from './errors.ts';
import type { Schema, SchemaScalar } from './schema.ts';

/** The JSON Schema keyword a value failed: a stable, machine-readable reason. */
export type SchemaReason =
  | 'type'
  | 'required'
  | 'enum'
  | 'const'
  | 'minimum'
  | 'maximum'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'additionalProperties';

/** Why a record does not match its schema: the first failure found. */
export interface SchemaProblem {
  /** The failing field's path from the record: `title`, `author.name`, `tags[2]`; empty for the record itself. */
  field: string;
  reason: SchemaReason;
  /** What the value must be, for people: `must be a string`. */
  message: string;
}

const patterns = new Map<string, RegExp>();

/**
 * The first way `record` fails `schema`, or null if it matches. `id` and `_`-prefixed fields
 * (the server's) are never refused as additional. `isPartial` checks a patch's fields only,
 * without `required` (the server sees just the changed fields of an update).
 */
export function recordProblem(
  schema: Schema,
  record: Record<string, unknown>,
  isPartial = false,
): SchemaProblem | null {
  return valueProblem(schema, record, '', isPartial);
}

/**
 * `recordProblem` as the `invalid_record` error the worker answers (422) and the server rejects a
 * mutation with: `todos.title must be a string`, with `field` and `reason` set.
 */
export function recordError(
  schema: Schema,
  collection: string,
  record: Record<string, unknown>,
  isPartial = false,
): SyncError | null {
  const problem = recordProblem(schema, record, isPartial);
  if (!problem) return null;
  const where = problem.field ? `${collection}.${problem.field}` : `A ${collection} record`;
  return new SyncError('invalid_record', `${where} ${problem.message}`, undefined, problem);
}

function valueProblem(schema: Schema, value: unknown, field: string, isPartial = false): SchemaProblem | null {
  const problem = (reason: SchemaReason, message: string): SchemaProblem => ({ field, reason, message });
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    const fits = types.some((type) =>
      type === 'integer' ? Number.isInteger(value) : type === 'number' ? Number.isFinite(value) : type === actual,
    );
    if (!fits) return problem('type', `must be ${types.map(describeType).join(' or ')}`);
  }
  if (schema.const !== undefined && value !== schema.const) {
    return problem('const', `must be ${JSON.stringify(schema.const)}`);
  }
  if (schema.enum && !schema.enum.includes(value as SchemaScalar)) {
    return problem('enum', `must be one of ${schema.enum.map((item) => JSON.stringify(item)).join(', ')}`);
  }
  if (typeof value === 'number') {
    if (value < (schema.minimum ?? value)) return problem('minimum', `must be at least ${schema.minimum}`);
    if (value > (schema.maximum ?? value)) return problem('maximum', `must be at most ${schema.maximum}`);
  } else if (typeof value === 'string') {
    if (schema.minLength !== undefined || schema.maxLength !== undefined) {
      const length = [...value].length;
      if (length < (schema.minLength ?? 0))
        return problem('minLength', `must be at least ${schema.minLength} characters`);
      if (length > (schema.maxLength ?? length)) {
        return problem('maxLength', `must be at most ${schema.maxLength} characters`);
      }
    }
    if (schema.pattern !== undefined) {
      const pattern = patterns.get(schema.pattern) ?? new RegExp(schema.pattern, 'u');
      patterns.set(schema.pattern, pattern);
      if (!pattern.test(value)) return problem('pattern', `must match ${schema.pattern}`);
    }
  } else if (Array.isArray(value)) {
    if (schema.items) {
      for (const [index, item] of value.entries()) {
        const found = valueProblem(schema.items, item, `${field}[${index}]`);
        if (found) return found;
      }
    }
  } else if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    const path = (key: string) => (field ? `${field}.${key}` : key);
    if (!isPartial) {
      for (const key of schema.required ?? []) {
        if (object[key] === undefined) return { field: path(key), reason: 'required', message: 'is required' };
      }
    }
    for (const [key, item] of Object.entries(object)) {
      const known = Object.hasOwn(properties, key) ? properties[key] : undefined;
      const additional = schema.additionalProperties ?? true;
      const itemSchema =
        known ?? (additional === true || (!field && (key === 'id' || key[0] === '_')) ? null : additional);
      if (itemSchema === false) {
        return { field: path(key), reason: 'additionalProperties', message: 'is not a known field' };
      }
      const found = itemSchema && valueProblem(itemSchema, item, path(key));
      if (found) return found;
    }
  }
  return null;
}

function describeType(type: string): string {
  return type === 'null' ? type : `${/^[aeio]/.test(type) ? 'an' : 'a'} ${type}`;
}
