/**
 * Field paths of a record type, for typed collection queries: `client.collection<Todo>('todos')`
 * accepts only Todo's fields in `where` and `sort`, and values of each field's type.
 */
import type { Scalar } from './query.ts';
import type { CollectionFilter, FieldOperators } from './worker-api.ts';

/** The keys `T` names (an index signature such as `SyncRecord`'s names none). */
type NamedKeys<T> = keyof {
  [K in keyof T as string extends K ? never : number extends K ? never : K]: unknown;
} &
  string;

/** Whether `T` names fields beyond `id` and `_version` (a plain `SyncRecord` does not: any field goes). */
type IsTyped<T> = [Exclude<NamedKeys<T>, 'id' | '_version'>] extends [never] ? false : true;

type Shallower = [never, 0, 1, 2, 3];

/** Dot paths of `T`'s fields, into nested objects (not arrays) up to 4 levels: `title`, `author.name`. */
export type FieldPath<T, Depth extends number = 4> = [Depth] extends [never]
  ? never
  : {
      [K in NamedKeys<T>]:
        | K
        | (NonNullable<T[K]> extends readonly unknown[] | ((...args: never[]) => unknown)
            ? never
            : NonNullable<T[K]> extends object
              ? `${K}.${FieldPath<NonNullable<T[K]>, Shallower[Depth]>}`
              : never);
    }[NamedKeys<T>];

/** The type of the field at `Path` in `T`. */
export type PathValue<T, Path extends string> = Path extends `${infer Key}.${infer Rest}`
  ? Key extends keyof T
    ? PathValue<NonNullable<T[Key]>, Rest>
    : unknown
  : Path extends keyof T
    ? T[Path]
    : unknown;

/** A filter on a field of type `V`: one of its values (null matches a missing field), any of several, or comparisons. */
export type FilterOf<V> = unknown extends V
  ? CollectionFilter
  : [Extract<V, Scalar>] extends [never]
    ? CollectionFilter
    : Extract<V, Scalar> | null | Extract<V, Scalar>[] | FieldOperators;

/** `where` of a query over records of type `T`: field path -> filter. */
export type WhereOf<T> =
  IsTyped<T> extends true
    ? { [Path in FieldPath<T>]?: FilterOf<PathValue<T, Path>> }
    : Record<string, CollectionFilter>;

/** A sort key over `T`: a field path, `-` in front for descending. */
export type SortField<T> = FieldPath<T> | `-${FieldPath<T>}`;

/** `sort` of a query over records of type `T`: one key, or several (most significant first). */
export type SortOf<T> = IsTyped<T> extends true ? SortField<T> | readonly SortField<T>[] : string | readonly string[];
