import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

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

/** Serves files below `root` for GET/HEAD (`/` is `index.html`); returns false when no file matches. */
export function serveStaticFiles(
  root: string,
): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const base = resolve(root);
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
    const file = join(base, normalize(pathname.endsWith('/') ? `${pathname}index.html` : pathname));
    if (
      !file.startsWith(base) ||
      !(await stat(file).then(
        (info) => info.isFile(),
        () => false,
      ))
    )
      return false;
    const body = await readFile(file);
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}
