import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpStatusOf, SyncError } from '../protocol/index.ts';

/**
 * The request's URL, its path kept as sent (`//x` is a path, not a host). Throws 400
 * `invalid_url` when it cannot be parsed or holds a malformed percent-escape (`%zz`, `%ff`).
 */
export function requestUrl(request: IncomingMessage): URL {
  const target = request.url ?? '/';
  try {
    const url = new URL(target.startsWith('/') ? `http://host${target}` : target);
    decodeURIComponent(url.pathname + url.search);
    return url;
  } catch {
    throw new SyncError(
      'invalid_url',
      'The request URL is malformed (e.g. a bad %-escape); encode it with encodeURIComponent',
    );
  }
}

/**
 * Reads a JSON body of at most `limitBytes`; throws 413, 415 or 400 errors with codes. With
 * `isAnyContentType`, the body is read as JSON whatever its `Content-Type` says (or lacks).
 */
export async function readJsonBody(
  request: IncomingMessage,
  limitBytes: number,
  { isAnyContentType = false } = {},
): Promise<unknown> {
  const contentType = request.headers['content-type'] ?? '';
  if (!isAnyContentType && !/^application\/json\b/i.test(contentType)) {
    throw new SyncError('unsupported_media_type', `Send the body as application/json, not "${contentType}"`);
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > limitBytes) throw tooLarge(limitBytes);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof SyncError) throw error;
    // The client went away mid-body: its problem, not a server failure.
    throw new SyncError('invalid_body', 'The request body was cut off before its end');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new SyncError('invalid_json', 'The request body is not valid JSON');
  }
}

function tooLarge(limitBytes: number): SyncError {
  return new SyncError(
    'payload_too_large',
    `The request body exceeds ${limitBytes} bytes; send fewer mutations per push`,
  );
}

/** Answers with `body` as JSON (and `X-Content-Type-Options: nosniff`), plus any extra `headers`. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  response.end(text);
}

/**
 * Sends `{error:{code,message}}` (with the error's details), and `Retry-After` when the details
 * carry `retryAfterSeconds`; anything that is not a SyncError is logged and becomes a 500.
 */
export function sendError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof SyncError) {
    const retryAfter = error.details?.retryAfterSeconds;
    sendJson(
      response,
      httpStatusOf(error.code),
      { error: { ...error.details, ...error.toWire().error } },
      typeof retryAfter === 'number' ? { 'Retry-After': retryAfter } : {},
    );
    return;
  }
  console.error('syncworker: internal error', error);
  sendJson(response, 500, {
    error: { code: 'internal_error', message: 'The server failed; the request can be retried' },
  });
}
