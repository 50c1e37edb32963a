import type { IncomingMessage, ServerResponse } from 'node:http';
import { SyncError } from '../protocol/index.ts';
import { readJsonBody, sendJson } from './http.ts';
import { parseWatermelonQuery, type WatermelonContext } from './watermelon-protocol.ts';
import { pullWatermelon } from './watermelon-pull.ts';
import { pushWatermelon } from './watermelon-push.ts';

/**
 * WatermelonDB's published sync backend protocol over syncworker's data, so WatermelonDB apps
 * and syncworker clients share one backend (README: "WatermelonDB apps").
 */

/** Largest push body by default: about 150,000 small records. */
export const DEFAULT_MAX_WATERMELON_PUSH_BYTES = 16 * 1024 * 1024;

/**
 * `GET /sync/watermelon?last_pulled_at=…&schema_version=…&migration=…[&client_id=…]` answers
 * `{ changes, timestamp }`; `POST /sync/watermelon?last_pulled_at=…[&client_id=…]` with the changes
 * as body answers `{}` once applied. The push body is read as JSON whatever its `Content-Type`
 * (WatermelonDB's documented `pushChanges` sends none), up to `maxPushBytes`.
 */
export async function handleWatermelon(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: WatermelonContext & { maxPushBytes: number },
): Promise<void> {
  const query = parseWatermelonQuery(url);
  if (request.method === 'GET') {
    sendJson(response, 200, await pullWatermelon(context, query));
    return;
  }
  const body = await readJsonBody(request, context.maxPushBytes, { isAnyContentType: true }).catch((error: unknown) => {
    if (!(error instanceof SyncError) || error.code !== 'payload_too_large') throw error;
    throw new SyncError(
      'payload_too_large',
      `A WatermelonDB push may take at most ${context.maxPushBytes} bytes; the server's maxWatermelonPushBytes (--max-watermelon-push-bytes) sets it`,
    );
  });
  await pushWatermelon(context, query, body);
  sendJson(response, 200, {});
}
