import type { Mutation, PullRequest, PushRequest } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import { COLLECTION_NAME, type Collections } from './collections.ts';

const CLIENT_ID = /^[A-Za-z0-9_-]{1,128}$/;
const OPS = new Set(['create', 'update', 'delete']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

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

/** Why a single mutation can never be applied, or null if it can. */
export function mutationProblem(
  mutation: Mutation,
  collections: Collections,
  maxRecordBytes: number,
): SyncError | null {
  if (typeof mutation.id !== 'string' || mutation.id.length === 0 || mutation.id.length > 128) {
    return new SyncError('invalid_body', 'Mutation id must be a string of 1-128 characters');
  }
  if (typeof mutation.collection !== 'string' || !collections.isKnown(mutation.collection)) {
    return new SyncError('unknown_collection', `Unknown collection "${String(mutation.collection)}"`);
  }
  if (!OPS.has(mutation.op))
    return new SyncError('invalid_body', `op must be create, update or delete, not "${String(mutation.op)}"`);
  if (typeof mutation.recordId !== 'string' || mutation.recordId.length === 0 || mutation.recordId.length > 200) {
    return new SyncError('invalid_id', 'recordId must be a string of 1-200 characters');
  }
  if (mutation.baseVersion !== null && !(Number.isSafeInteger(mutation.baseVersion) && mutation.baseVersion >= 0)) {
    return new SyncError('invalid_body', 'baseVersion must be null or a non-negative integer');
  }
  if (!Number.isFinite(mutation.at)) return new SyncError('invalid_body', 'at must be a timestamp in milliseconds');
  if (mutation.replace !== undefined && typeof mutation.replace !== 'boolean') {
    return new SyncError('invalid_body', 'replace must be a boolean');
  }
  if (mutation.op === 'delete') return null;
  if (typeof mutation.data !== 'object' || mutation.data === null || Array.isArray(mutation.data)) {
    return new SyncError('invalid_record', `A ${mutation.op} needs data: a JSON object`);
  }
  const key = forbiddenKey(mutation.data);
  if (key) return new SyncError('invalid_record', `Field name "${key}" is not allowed`);
  if (JSON.stringify(mutation.data).length > maxRecordBytes) {
    return new SyncError('record_too_large', `A record may take at most ${maxRecordBytes} bytes of JSON`);
  }
  return collections.recordProblem(mutation.collection, mutation.op, clientFields(mutation.data));
}

/** What a client may set: `id`, `_version` and any `_`-prefixed field belong to the server and are dropped. */
export function clientFields(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => key !== 'id' && !key.startsWith('_')));
}

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
    if (!Array.isArray(names) || !names.every((name) => typeof name === 'string' && COLLECTION_NAME.test(name))) {
      throw new SyncError('invalid_body', 'collections must be an array of collection names');
    }
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

/** Finds a prototype-polluting key at any depth. */
function forbiddenKey(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key;
    const nested = forbiddenKey(child);
    if (nested) return nested;
  }
  return null;
}
