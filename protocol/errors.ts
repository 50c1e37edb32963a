/** Every error code syncworker emits, on the page, in the worker and on the wire. */
export const ERROR_CODES = [
  'invalid_json',
  'invalid_body',
  'invalid_record',
  'invalid_id',
  'invalid_query',
  'invalid_url',
  'invalid_text',
  'invalid_number',
  'invalid_header',
  'already_exists',
  'idempotency_key_reused',
  'unknown_collection',
  'unsupported_media_type',
  'payload_too_large',
  'too_many_mutations',
  'not_found',
  'method_not_allowed',
  'seq_gap',
  'unknown_timestamp',
  'forbidden',
  'unauthorized',
  'token_missing',
  'token_malformed',
  'token_algorithm_not_allowed',
  'token_signature_invalid',
  'token_expired',
  'token_not_yet_valid',
  'token_audience_invalid',
  'token_issuer_invalid',
  'record_too_large',
  'record_too_deep',
  'conflict',
  'rate_limited',
  'quota_exceeded',
  'shutting_down',
  'auth_unavailable',
  'request_failed',
  'version_mismatch',
  'worker_unavailable',
  'worker_registration_failed',
  'missing_provider',
  'invalid_export',
  'unsupported_export_version',
  'export_user_mismatch',
  'network_error',
  'server_error',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The shape errors take on the wire and across the Comlink link. */
export interface WireError {
  code: ErrorCode;
  message: string;
  /** For `invalid_record`: the failing field's path (`title`, `author.name`, `tags[2]`). */
  field?: string;
  /** For `invalid_record`: the schema keyword it failed (`type`, `required`, `enum`, `maxLength`, …). */
  reason?: string;
}

/** Where a record fails its collection's schema. */
export interface FieldProblem {
  field: string;
  reason: string;
}

/** The one error class of syncworker: a stable machine-readable `code` plus a human message. */
export class SyncError extends Error {
  override name = 'SyncError';
  readonly code: ErrorCode;
  /** Extra machine-readable facts (e.g. `lastAppliedSeq` for `seq_gap`). */
  readonly details: Record<string, unknown> | undefined;
  /** For `invalid_record`: the failing field's path. */
  readonly field: string | undefined;
  /** For `invalid_record`: the schema keyword the field failed. */
  readonly reason: string | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, problem?: FieldProblem) {
    super(message);
    this.code = code;
    this.details = details;
    this.field = problem?.field;
    this.reason = problem?.reason;
  }

  toWire(): { error: WireError } {
    const { code, message, field, reason } = this;
    return {
      error: field === undefined || reason === undefined ? { code, message } : { code, message, field, reason },
    };
  }

  /** Rebuilds a SyncError from `{error:{code,message,field?,reason?}}`; unknown shapes become `internal_error`. */
  static fromWire(body: unknown, fallbackMessage = 'Unexpected error'): SyncError {
    const error = (body as { error?: Partial<WireError> } | null)?.error;
    const code = ERROR_CODES.includes(error?.code as ErrorCode) ? (error?.code as ErrorCode) : 'internal_error';
    const { field, reason } = error ?? {};
    return new SyncError(
      code,
      typeof error?.message === 'string' ? error.message : fallbackMessage,
      undefined,
      typeof field === 'string' && typeof reason === 'string' ? { field, reason } : undefined,
    );
  }
}

/** The HTTP status each error code is answered with (400 when not listed), by the server and by the worker. */
export const HTTP_STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  unauthorized: 401,
  token_missing: 401,
  token_malformed: 401,
  token_algorithm_not_allowed: 401,
  token_signature_invalid: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  token_audience_invalid: 401,
  token_issuer_invalid: 401,
  forbidden: 403,
  export_user_mismatch: 403,
  not_found: 404,
  method_not_allowed: 405,
  already_exists: 409,
  idempotency_key_reused: 422,
  invalid_record: 422,
  conflict: 409,
  seq_gap: 409,
  unknown_timestamp: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  quota_exceeded: 507,
  internal_error: 500,
  server_error: 502,
  worker_unavailable: 503,
  worker_registration_failed: 503,
  shutting_down: 503,
  auth_unavailable: 503,
};

/** The HTTP status for an error code. */
export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS_BY_CODE[code] ?? 400;
}
