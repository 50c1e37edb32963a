import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { SyncError } from '../protocol/index.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

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
 */
export function serveStaticFiles(
  root: string,
): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const base = resolve(root);
  const realBase = realpath(base).catch(() => base);
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const file = await fileFor(new URL(request.url ?? '/', 'http://host').pathname, base, await realBase);
    if (!file) return false;
    const body = await readFile(file);
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, {
      'Content-Type': type,
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
      ...SECURITY_HEADERS,
      ...(type.startsWith('text/html')
        ? { 'Content-Security-Policy': contentSecurityPolicy(body.toString('utf8')) }
        : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
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
