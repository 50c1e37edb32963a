import type { Schema } from '../../protocol/schema.ts';
import { recordError } from '../../protocol/schema-validation.ts';
import type { RecordCheck } from './write-batcher.ts';

/**
 * The worker's check of each record before it is written: a record its collection's schema
 * does not accept throws `invalid_record` (answered 422 with the field and reason), so nothing
 * is queued that the server would only reject later.
 */
export function schemaCheck(schemas: ReadonlyMap<string, Schema>): RecordCheck {
  return (collection, record) => {
    const schema = schemas.get(collection);
    const error = schema && recordError(schema, collection, record);
    if (error) throw error;
  };
}
