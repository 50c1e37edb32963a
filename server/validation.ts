import type { Mutation, PullRequest, PushRequest } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import { isStorableText, jsonProblem, MAX_RECORD_ID_LENGTH, printable } from '../protocol/storable-values.ts';
import { COLLECTION_NAME, type Collections } from './collections.ts';

const CLIENT_ID = /^[A-Za-z0-9_-]{1,128}$/;
const OPS = new Set(['create', 'update', 'delete', 'skip']);
/** Most collections one pull may name. */
const MAX_PULL_COLLECTIONS = 1000;

/** Checks a push body's shape. Problems of single mutations are left to `mutationProblem`. */
export function parsePushRequest(body: unknown, maxMutations: number): PushRequest {
  const request = requireObject(body, 'The push body');
  if (typeof request.clientId !== 'string' || !CLIENT_ID.test(request.clientId)) {
    throw new SyncError('invalid_body', 'clientId must be a string of 1-128 letters, digits, "-" or "_"');
  }
  if (!Array.isArray(request.mutations)) throw new SyncError('invalid_body', 'mutations must be an array');
  if (request.mutations.length > maxMutations) {
    throw new SyncError(
      'too_many_mutations',
      `A push carries at most ${maxMutations} mutations; got ${request.mutations.length}`,
    );
  }
  let previous = 0;
  for (const mutation of request.mutations as unknown[]) {
    const seq = requireObject(mutation, 'Each mutation').seq;
    if (!Number.isSafeInteger(seq) || (seq as number) < 1 || (previous && seq !== previous + 1)) {
      throw new SyncError(
        'invalid_body',
        'Mutation seq values must be consecutive positive integers in ascending order',
      );
    }
    previous = seq as number;
  }
  return request as unknown as PushRequest;
}

/** Longest mutation id, in UTF-16 units. */
const MAX_MUTATION_ID_LENGTH = 128;

/**
 * Why a single mutation can never be applied, or null if it can (a `skip` always can: it
 * applies nothing, so nothing else of it matters). Checks everything the database would
 * refuse, so a bad value is a rejection with a code, never a failed statement.
 */
export function mutationProblem(
  mutation: Mutation,
  collections: Collections,
  maxRecordBytes: number,
): SyncError | null {
  if (mutation.op === 'skip') return null;
  if (!isStorableText(mutation.id, MAX_MUTATION_ID_LENGTH)) {
    return new SyncError(
      'invalid_body',
      `Mutation id must be a string of 1-${MAX_MUTATION_ID_LENGTH} characters without NUL or unpaired surrogates`,
    );
  }
  if (!OPS.has(mutation.op)) {
    return new SyncError('invalid_body', `op must be create, update, delete or skip, not "${printable(mutation.op)}"`);
  }
  if (typeof mutation.collection !== 'string' || !collections.isKnown(mutation.collection)) {
    return new SyncError('unknown_collection', `Unknown collection "${printable(mutation.collection)}"`);
  }
  if (!isStorableText(mutation.recordId, MAX_RECORD_ID_LENGTH)) {
    return new SyncError(
      'invalid_id',
      `recordId must be a string of 1-${MAX_RECORD_ID_LENGTH} characters without NUL or unpaired surrogates`,
    );
  }
  if (mutation.baseVersion !== null && !(Number.isSafeInteger(mutation.baseVersion) && mutation.baseVersion >= 0)) {
    return new SyncError('invalid_body', 'baseVersion must be null or a non-negative integer');
  }
  if (!(Number.isSafeInteger(mutation.at) && mutation.at >= 0)) {
    return new SyncError('invalid_body', 'at must be the time of the change: whole milliseconds since 1970');
  }
  if (mutation.replace !== undefined && typeof mutation.replace !== 'boolean') {
    return new SyncError('invalid_body', 'replace must be a boolean');
  }
  if (mutation.op === 'delete') return null;
  if (typeof mutation.data !== 'object' || mutation.data === null || Array.isArray(mutation.data)) {
    return new SyncError('invalid_record', `A ${mutation.op} needs data: a JSON object`);
  }
  const problem = jsonProblem(mutation.data, `${mutation.collection}/${mutation.recordId}`);
  if (problem) return problem;
  if (Buffer.byteLength(JSON.stringify(mutation.data)) > maxRecordBytes) {
    return new SyncError('record_too_large', `A record may take at most ${maxRecordBytes} bytes of JSON`);
  }
  const isPartial = mutation.op === 'update' && mutation.replace !== true;
  return collections.recordProblem(mutation.collection, clientFields(mutation.data), isPartial);
}

/** What a client may set: `id`, `_version` and any `_`-prefixed field belong to the server and are dropped. */
export function clientFields(data: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(data)) if (key !== 'id' && key[0] !== '_') fields[key] = data[key];
  return fields;
}

/** Checks a pull body (cursor, limit, collections, clientId, settledSeq); throws 400 `invalid_body`. */
export function parsePullRequest(body: unknown): PullRequest {
  const request = requireObject(body, 'The pull body');
  if (request.cursor !== null && request.cursor !== undefined && typeof request.cursor !== 'string') {
    throw new SyncError('invalid_body', 'cursor must be null or the string a previous pull returned');
  }
  if (request.limit !== undefined && !(Number.isSafeInteger(request.limit) && (request.limit as number) > 0)) {
    throw new SyncError('invalid_body', 'limit must be a positive integer');
  }
  if (request.collections !== undefined) {
    const names = request.collections;
    if (
      !Array.isArray(names) ||
      names.length > MAX_PULL_COLLECTIONS ||
      !names.every((name) => typeof name === 'string' && COLLECTION_NAME.test(name))
    ) {
      throw new SyncError(
        'invalid_body',
        `collections must be an array of at most ${MAX_PULL_COLLECTIONS} collection names`,
      );
    }
  }
  const { settledSeq } = request;
  if (settledSeq !== undefined && !(Number.isSafeInteger(settledSeq) && (settledSeq as number) >= 0)) {
    throw new SyncError('invalid_body', 'settledSeq must be a non-negative integer');
  }
  if (request.clientId !== undefined && (typeof request.clientId !== 'string' || !CLIENT_ID.test(request.clientId))) {
    throw new SyncError('invalid_body', 'clientId must be a string of 1-128 letters, digits, "-" or "_"');
  }
  return request as unknown as PullRequest;
}

function requireObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SyncError('invalid_body', `${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
