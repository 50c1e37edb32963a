/**
 * The one schema format of syncworker: a subset of JSON Schema (draft 2020-12), read by the
 * server (`--collections`), the worker (validation at write time) and TypeScript (`RecordOf`).
 * A schema describes a collection's records without `id` and the server's `_`-prefixed fields,
 * which every record may carry whatever `additionalProperties` says.
 */

/** The JSON types a schema can name. */
export type SchemaType = 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'null';

/** A value `enum` and `const` may list: JSON scalars, compared with `===`. */
export type SchemaScalar = string | number | boolean | null;

/**
 * A JSON Schema of the supported keywords; a keyword applies only to values of its type (as in
 * JSON Schema: `minimum` says nothing about a string). Lengths count Unicode code points;
 * `pattern` is an unanchored regular expression with the `u` flag.
 */
export interface Schema {
  /** The value's type, or any of several (`['string', 'null']` for an optional text). Absent: any type. */
  readonly type?: SchemaType | readonly SchemaType[];
  readonly enum?: readonly SchemaScalar[];
  readonly const?: SchemaScalar;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  /** Every item of an array. */
  readonly items?: Schema;
  /** An object's known fields. */
  readonly properties?: { readonly [field: string]: Schema };
  /** Fields an object must have (present and, unless the field's type allows it, not null). */
  readonly required?: readonly string[];
  /** Fields outside `properties`: allowed (`true`, the default), refused (`false`), or each checked against a schema. */
  readonly additionalProperties?: boolean | Schema;
  /** Notes for people; not checked. */
  readonly title?: string;
  readonly description?: string;
}

/** The TypeScript type of the values `S` accepts (declare `S` `as const`). */
export type ValueOf<S> = S extends { readonly const: infer C }
  ? C
  : S extends { readonly enum: readonly (infer E)[] }
    ? E
    : S extends { readonly type: infer T }
      ? T extends readonly (infer Each)[]
        ? ValueOfType<Each, S>
        : ValueOfType<T, S>
      : S extends { readonly properties: object }
        ? ObjectOf<S>
        : unknown;

type ValueOfType<T, S> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { readonly items: infer I }
            ? ValueOf<I>[]
            : unknown[]
          : T extends 'object'
            ? ObjectOf<S>
            : never;

type RequiredOf<S> = S extends { readonly required: readonly (infer K)[] } ? K : never;

type Flatten<T> = { [K in keyof T]: T[K] } & {};

/** The declared fields of an object schema (required ones mandatory); fields it does not declare are not typed. */
type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Flatten<
      { -readonly [K in keyof P as K extends RequiredOf<S> ? K : never]: ValueOf<P[K]> } & {
        -readonly [K in keyof P as K extends RequiredOf<S> ? never : K]?: ValueOf<P[K]>;
      }
    >
  : Record<string, unknown>;

/**
 * The record type of a collection whose schema is `S`, with its `id` and server `_version`:
 * `const todoSchema = { type: 'object', properties: { … }, required: ['title'] } as const satisfies Schema;`
 * then `type Todo = RecordOf<typeof todoSchema>` and `client.collection<Todo>('todos')`.
 */
export type RecordOf<S> = Flatten<{ id: string; _version?: number } & ObjectOf<S>>;

const TYPES: readonly string[] = ['object', 'string', 'number', 'integer', 'boolean', 'array', 'null'];
const KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'title',
  'description',
  '$schema',
  '$id',
]);

/**
 * Why `schema` is no schema syncworker can check, or null: an unsupported keyword (it would
 * silently check nothing), a malformed value or an invalid `pattern`. `path` names it in the answer.
 */
export function schemaDefinitionProblem(schema: unknown, path: string): string | null {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return `${path} must be an object`;
  const s = schema as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (!KEYWORDS.has(key)) return `${path} has "${key}", which is not supported: use ${[...KEYWORDS].join(', ')}`;
  }
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  if (types.length === 0 && s.type !== undefined) return `${path}.type must name at least one type`;
  for (const type of types) {
    if (!TYPES.includes(type as string)) return `${path}.type must be one of ${TYPES.join(', ')} (or an array of them)`;
  }
  if (s.enum !== undefined && !(Array.isArray(s.enum) && s.enum.every(isScalar))) {
    return `${path}.enum must be an array of strings, numbers, booleans or null`;
  }
  if (s.const !== undefined && !isScalar(s.const)) return `${path}.const must be a string, number, boolean or null`;
  for (const key of ['minimum', 'maximum']) {
    if (s[key] !== undefined && !Number.isFinite(s[key])) return `${path}.${key} must be a number`;
  }
  for (const key of ['minLength', 'maxLength']) {
    if (s[key] !== undefined && !(Number.isSafeInteger(s[key]) && (s[key] as number) >= 0)) {
      return `${path}.${key} must be a non-negative integer`;
    }
  }
  for (const key of ['title', 'description', '$schema', '$id']) {
    if (s[key] !== undefined && typeof s[key] !== 'string') return `${path}.${key} must be a string`;
  }
  if (s.pattern !== undefined) {
    if (typeof s.pattern !== 'string') return `${path}.pattern must be a string`;
    try {
      new RegExp(s.pattern, 'u');
    } catch {
      return `${path}.pattern must be a valid regular expression (with the u flag)`;
    }
  }
  if (s.items !== undefined) {
    const problem = schemaDefinitionProblem(s.items, `${path}.items`);
    if (problem) return problem;
  }
  if (s.properties !== undefined) {
    if (typeof s.properties !== 'object' || s.properties === null || Array.isArray(s.properties)) {
      return `${path}.properties must be an object of field schemas`;
    }
    for (const [field, fieldSchema] of Object.entries(s.properties)) {
      const problem = schemaDefinitionProblem(fieldSchema, `${path}.properties.${field}`);
      if (problem) return problem;
    }
  }
  if (s.required !== undefined && !(Array.isArray(s.required) && s.required.every((f) => typeof f === 'string'))) {
    return `${path}.required must be an array of field names`;
  }
  const additional = s.additionalProperties;
  if (additional !== undefined && typeof additional !== 'boolean') {
    return schemaDefinitionProblem(additional, `${path}.additionalProperties`);
  }
  return null;
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
