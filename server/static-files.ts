import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { SyncError } from '../protocol/index.ts';
import { compressedBody, isCompressible, negotiateEncoding } from './static-compression.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.xml': 'application/xml',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Vite's hashed build output (`assets/index-BX2c_f9a.js`): its name changes whenever its content does. */
const HASHED_ASSET = /(^|\/)assets\/(.+\/)?[^/]+-[\w-]{8,}(\.[a-z0-9]+)+$/i;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Options of {@link serveStaticFiles}. */
export interface StaticFilesOptions {
  /**
   * Answer a GET for an unknown path that is not a file name (no extension) and accepts HTML with
   * `index.html`, for apps that route on the client. Never under `apiPrefixes`. Default: false.
   */
  spa?: boolean;
  /** Path prefixes of the server's API, never answered with a page. Default: `/api/` and `/sync/`. */
  apiPrefixes?: string[];
}

/** Headers on every served file. */
const SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

/**
 * The Content-Security-Policy of a served page. Scripts: the page's origin, and inline scripts
 * only those of the page file itself, by hash, so markup injected into a page cannot run script.
 * Inline styles are allowed (the devtools panel styles its shadow root); images, fonts, styles
 * and fetches may come from elsewhere, as apps commonly need; no plugins, no framing.
 */
function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)].map(
    ([, script]) =>
      `'sha256-${createHash('sha256')
        .update(script ?? '')
        .digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    ["script-src 'self'", ...hashes].join(' '),
    "style-src 'self' 'unsafe-inline' https:",
    "font-src 'self' https: data:",
    'img-src * data: blob:',
    'connect-src *',
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Serves files below `root` for GET/HEAD (`/` is `index.html`); returns false when no file
 * matches. Never serves a dot-file or anything under a dot-folder (`.env`, `.git/`), nor a file
 * a symbolic link leads to outside `root`. HTML pages get a Content-Security-Policy; every file
 * gets `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`. A path with a
 * malformed %-escape is a 400 `invalid_url`.
 *
 * Text, JSON, SVG and WebAssembly are sent brotli- or gzip-compressed as `Accept-Encoding`
 * allows (`Vary: Accept-Encoding`). Hashed build assets (`assets/name-[hash].ext`) may be kept
 * for a year (`immutable`); everything else, pages, the service worker script and the manifest
 * included, is `no-cache`: revalidated with its `ETag` (304 when unchanged).
 */
export function serveStaticFiles(
  root: string,
  options: StaticFilesOptions = {},
): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const base = resolve(root);
  const realBase = realpath(base).catch(() => base);
  const apiPrefixes = options.apiPrefixes ?? ['/api/', '/sync/'];
  const isApiPath = (path: string) =>
    apiPrefixes.some((prefix) => path.startsWith(prefix) || path === prefix.slice(0, -1));
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const urlPath = new URL(request.url ?? '/', 'http://host').pathname;
    const file =
      (await fileFor(urlPath, base, await realBase)) ??
      (options.spa && !isApiPath(urlPath) && isPageRequest(urlPath, request)
        ? await fileFor('/', base, await realBase)
        : null);
    if (!file) return false;
    await sendFile(request, response, file, urlPath);
    return true;
  };
}

/** Answers with a file, compressed when the client allows, or 304 when its copy is current. */
async function sendFile(request: IncomingMessage, response: ServerResponse, file: string, urlPath: string) {
  const [body, stats] = await Promise.all([readFile(file), stat(file)]);
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const compressible = isCompressible(type);
  const encoding = compressible ? negotiateEncoding(request.headers['accept-encoding']) : null;
  const encoded =
    encoding && (await compressedBody({ path: file, size: stats.size, mtimeMs: stats.mtimeMs }, body, encoding));
  const etag = `"${stats.size.toString(36)}-${Math.trunc(stats.mtimeMs).toString(36)}${encoded ? `-${encoding}` : ''}"`;
  const headers: Record<string, string | number> = {
    'Cache-Control': HASHED_ASSET.test(urlPath) ? IMMUTABLE : 'no-cache',
    ETag: etag,
    ...SECURITY_HEADERS,
    ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
  };
  if (isCurrent(request.headers['if-none-match'], etag)) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  const sent = encoded || body;
  response.writeHead(200, {
    ...headers,
    'Content-Type': type,
    'Content-Length': sent.length,
    ...(encoded ? { 'Content-Encoding': encoding } : {}),
    ...(type.startsWith('text/html')
      ? { 'Content-Security-Policy': contentSecurityPolicy(body.toString('utf8')) }
      : {}),
  });
  response.end(request.method === 'HEAD' ? undefined : sent);
}

/** Whether an `If-None-Match` header names this ETag (weak comparison, as for GET). */
function isCurrent(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/** Whether a request for a missing path is a page load an SPA routes itself. */
function isPageRequest(urlPath: string, request: IncomingMessage): boolean {
  const isFileName = (urlPath.split('/').at(-1) ?? '').includes('.');
  return !isFileName && (request.headers.accept ?? '').includes('text/html');
}

/** The real path of the file a URL path names, or null when it must not be served. */
async function fileFor(urlPath: string, base: string, realBase: string): Promise<string | null> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(urlPath);
  } catch {
    throw new SyncError('invalid_url', `The path ${urlPath} holds a malformed %-escape`);
  }
  const file = join(base, normalize(pathname.endsWith('/') ? `${pathname}index.html` : pathname));
  const path = relative(base, file);
  if (path.startsWith('..') || path.split(sep).some((part) => part.startsWith('.'))) return null;
  try {
    const real = await realpath(file);
    const isInside = real === realBase || real.startsWith(realBase + sep);
    return isInside && (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}
