import type { RouteStrategy } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import type { ResolvedRoute } from './config.ts';

export interface RestMatch {
  collection: string;
  /** The record id for `/prefix/:id`, null for the collection itself. */
  id: string | null;
  strategy: RouteStrategy;
}

/** Throws `invalid_url` for malformed percent-encoding (`%E0%A4%A`): the request is answered 400. */
function decodeId(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new SyncError('invalid_url', `The record id in the URL is not valid percent-encoding: "${encoded}"`);
  }
}

/** Finds the route a same-origin URL belongs to; null means the request is not ours. Throws `invalid_url` for an undecodable id. */
export function matchRestRoute(url: URL, routes: ResolvedRoute[]): RestMatch | null {
  for (const { prefix, collection, strategy } of routes) {
    if (url.pathname === prefix || url.pathname === `${prefix}/`) return { collection, id: null, strategy };
    if (!url.pathname.startsWith(`${prefix}/`)) continue;
    const rest = url.pathname.slice(prefix.length + 1);
    if (rest.includes('/')) return null;
    return { collection, id: decodeId(rest), strategy };
  }
  return null;
}

/** Whether a URL falls under one of the replay route prefixes. */
export function isReplayRoute(url: URL, prefixes: string[]): boolean {
  return prefixes.some((prefix) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
}
