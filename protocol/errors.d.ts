/** Every error code syncworker emits, on the page, in the worker and on the wire. */
export declare const ERROR_CODES: readonly [
  'invalid_json',
  'invalid_body',
  'invalid_record',
  'invalid_id',
  'invalid_query',
  'already_exists',
  'unknown_collection',
  'unsupported_media_type',
  'payload_too_large',
  'too_many_mutations',
  'not_found',
  'method_not_allowed',
  'seq_gap',
  'forbidden',
  'unauthorized',
  'version_mismatch',
  'worker_unavailable',
  'network_error',
  'server_error',
  'internal_error',
];
export type ErrorCode = (typeof ERROR_CODES)[number];
/** The shape errors take on the wire and across the Comlink link. */
export interface WireError {
  code: ErrorCode;
  message: string;
}
/** The one error class of syncworker: a stable machine-readable `code` plus a human message. */
export declare class SyncError extends Error {
  name: string;
  readonly code: ErrorCode;
  /** Extra machine-readable facts (e.g. `lastAppliedSeq` for `seq_gap`). */
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>);
  toWire(): {
    error: WireError;
  };
  /** Rebuilds a SyncError from `{error:{code,message}}`; unknown shapes become `internal_error`. */
  static fromWire(body: unknown, fallbackMessage?: string): SyncError;
}
