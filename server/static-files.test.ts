import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, get as httpGet, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeArgs } from './cli-options.ts';
import { type StaticFilesOptions, serveStaticFiles } from './static-files.ts';
import { startTestServer, type TestServer } from './test-backends.ts';

const INLINE_SCRIPT = "\n      console.log('inline');\n    ";
const PAGE = `<!doctype html><style>p{}</style><script src="/app.js"></script><script>${INLINE_SCRIPT}</script>`;

describe('static files', () => {
  let dir: string;
  let api: TestServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'syncworker-static-'));
    const root = join(dir, 'public');
    await mkdir(join(root, '.git'), { recursive: true });
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), PAGE);
    await writeFile(join(root, 'app.js'), 'export {};');
    await writeFile(join(root, '.env'), 'SECRET=1');
    await writeFile(join(root, '.git', 'config'), '[core]');
    await writeFile(join(root, 'assets', '.hidden.js'), 'hidden');
    await writeFile(join(dir, 'outside.txt'), 'outside the root');
    await symlink(join(dir, 'outside.txt'), join(root, 'escape.txt'));
    await symlink(join(dir), join(root, 'parent'));
    await symlink(join(root, 'app.js'), join(root, 'alias.js'));
    api = await startTestServer('memory', { staticDir: root });
  });
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves pages with security headers and a CSP that admits only their own inline scripts', async () => {
    const page = await fetch(`${api.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(PAGE);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const hash = createHash('sha256').update(INLINE_SCRIPT).digest('base64');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("object-src 'none'");

    const script = await fetch(`${api.url}/app.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(script.headers.get('content-security-policy')).toBeNull();
    expect((await fetch(`${api.url}/alias.js`)).status).toBe(200);
  });

  it('never serves dot-files, dot-folders or files a link leads to outside the root', async () => {
    for (const path of [
      '/.env',
      '/.git/config',
      '/assets/.hidden.js',
      '/%2eenv',
      '/assets/%2e%2e/.env',
      '/escape.txt',
      '/parent/outside.txt',
      '/../outside.txt',
      '/%2e%2e/outside.txt',
      '/a%00b',
    ]) {
      const response = await fetch(`${api.url}${path}`);
      expect([path, response.status]).toEqual([path, 404]);
    }
  });

  it('answers a malformed %-escape with 400 invalid_url, and leaves a mounting app its own URLs', async () => {
    const response = await fetch(`${api.url}/%zz`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_url');

    const mounted = await startTestServer('memory');
    const app: Server = createHttpServer((request, reply) => {
      void mounted.server.handle(request, reply).then((isHandled) => {
        if (isHandled) return;
        reply.writeHead(418);
        reply.end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
      expect((await fetch(`${base}/app/%zz`)).status).toBe(418);
      expect((await fetch(`${base}/sync/pull?x=%zz`, { method: 'POST' })).status).toBe(400);
    } finally {
      await new Promise((resolve) => app.close(resolve));
      await mounted.close();
    }
  });
});

describe('static files for deployments: compression, caching, SPA fallback, types', () => {
  const script = `export const greeting = ${JSON.stringify('hello, offline world '.repeat(200))};\n`;
  let dir: string;
  let plain: string;
  let spa: string;
  let servers: Server[] = [];

  /** A bare HTTP server around the static handler; 404 for what it does not serve. */
  async function serve(options: StaticFilesOptions): Promise<string> {
    const handle = serveStaticFiles(dir, options);
    const server = createHttpServer((request, response) => {
      void handle(request, response).then((isHandled) => {
        if (isHandled) return;
        response.writeHead(404);
        response.end('not found');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** A GET whose body stays as sent (fetch would decompress it). */
  function get(url: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      httpGet(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      }).on('error', reject);
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'syncworker-static-deploy-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), `<!doctype html><title>app</title>${'<p>todo</p>'.repeat(200)}`);
    await writeFile(join(dir, 'assets', 'index-B4x_9k-Q.js'), script);
    await writeFile(join(dir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(dir, 'sw.js'), script);
    await writeFile(join(dir, 'manifest.webmanifest'), '{"name":"app"}');
    await writeFile(join(dir, 'module.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
    await writeFile(join(dir, 'favicon.ico'), Buffer.alloc(2048, 1));
    await writeFile(join(dir, 'font.woff2'), Buffer.alloc(2048, 2));
    plain = await serve({});
    spa = await serve({ spa: true });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    servers = [];
    await rm(dir, { recursive: true, force: true });
  });

  it('compresses with brotli or gzip as Accept-Encoding allows, and says it varies', async () => {
    const br = await get(`${plain}/sw.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect([br.status, br.headers['content-encoding'], br.headers.vary]).toEqual([200, 'br', 'Accept-Encoding']);
    expect(brotliDecompressSync(br.body).toString()).toBe(script);
    expect(br.body.length).toBeLessThan(script.length / 4);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);

    const gzip = await get(`${plain}/sw.js`, { 'accept-encoding': 'gzip, br;q=0' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(script);

    const identity = await get(`${plain}/sw.js`);
    expect([identity.headers['content-encoding'], identity.body.toString()]).toEqual([undefined, script]);
    expect(identity.headers.vary).toBe('Accept-Encoding');

    const binary = await get(`${plain}/favicon.ico`, { 'accept-encoding': 'br, gzip' });
    expect([binary.headers['content-encoding'], binary.headers.vary, binary.body.length]).toEqual([
      undefined,
      undefined,
      2048,
    ]);
  });

  it('lets browsers keep hashed assets for a year and revalidate pages, the worker and the manifest', async () => {
    const asset = await get(`${plain}/assets/index-B4x_9k-Q.js`);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/index.html', '/sw.js', '/manifest.webmanifest', '/assets/logo.svg']) {
      expect([path, (await get(`${plain}${path}`)).headers['cache-control']]).toEqual([path, 'no-cache']);
    }
  });

  it('answers a current ETag with 304 and a changed file with 200', async () => {
    const first = await get(`${plain}/manifest.webmanifest`);
    const etag = first.headers.etag ?? '';
    expect(etag).toMatch(/^".+"$/);
    const again = await get(`${plain}/manifest.webmanifest`, { 'if-none-match': etag });
    expect([again.status, again.body.length, again.headers.etag]).toEqual([304, 0, etag]);

    const compressed = await get(`${plain}/sw.js`, { 'accept-encoding': 'br' });
    expect(compressed.headers.etag).not.toBe((await get(`${plain}/sw.js`)).headers.etag);

    await writeFile(join(dir, 'manifest.webmanifest'), '{"name":"app","short_name":"a"}');
    await utimes(join(dir, 'manifest.webmanifest'), new Date(), new Date(Date.now() + 5000));
    const changed = await get(`${plain}/manifest.webmanifest`, { 'if-none-match': etag });
    expect([changed.status, changed.body.toString()]).toEqual([200, '{"name":"app","short_name":"a"}']);
  });

  it('names the types of manifests, WebAssembly, SVG, icons and fonts', async () => {
    const types = Object.fromEntries(
      await Promise.all(
        ['/manifest.webmanifest', '/module.wasm', '/assets/logo.svg', '/favicon.ico', '/font.woff2'].map(
          async (path) => [path, (await get(`${plain}${path}`)).headers['content-type']],
        ),
      ),
    );
    expect(types).toEqual({
      '/manifest.webmanifest': 'application/manifest+json',
      '/module.wasm': 'application/wasm',
      '/assets/logo.svg': 'image/svg+xml',
      '/favicon.ico': 'image/x-icon',
      '/font.woff2': 'font/woff2',
    });
  });

  it('with spa, answers page loads of unknown paths with index.html, never API, sync or file paths', async () => {
    const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const page = await get(`${spa}/todos/42`, html);
    expect([page.status, page.headers['content-type'], page.headers['cache-control']]).toEqual([
      200,
      'text/html; charset=utf-8',
      'no-cache',
    ]);
    expect(page.body.toString()).toContain('<title>app</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");

    for (const [path, headers] of [
      ['/todos/42', { accept: 'application/json' }],
      ['/todos/42', { accept: '*/*' }],
      ['/api/todos', html],
      ['/api', html],
      ['/sync/pull', html],
      ['/missing.js', html],
      ['/assets/gone-B4x_9k-Q.js', html],
    ] as const) {
      expect([path, headers.accept, (await get(`${spa}${path}`, headers)).status]).toEqual([path, headers.accept, 404]);
    }
    expect((await get(`${plain}/todos/42`, html)).status).toBe(404);
  });

  it('with spa, leaves the API prefixes it is given alone: a REST prefix other than /api/', async () => {
    const html = { accept: 'text/html' };
    const custom = await serve({ spa: true, apiPrefixes: ['/sync/', '/v1/data/'] });
    const statuses = async (paths: string[]) =>
      Promise.all(paths.map(async (path) => [path, (await get(`${custom}${path}`, html)).status]));
    expect(await statuses(['/v1/data/todos', '/v1/data', '/sync/pull', '/api/todos', '/v1/other'])).toEqual([
      ['/v1/data/todos', 404],
      ['/v1/data', 404],
      ['/sync/pull', 404],
      ['/api/todos', 200],
      ['/v1/other', 200],
    ]);
  });

  it('takes --spa on the command line, only with --static', async () => {
    expect((await parseServeArgs(['serve', '--static', dir, '--spa']))?.options).toMatchObject({
      staticDir: dir,
      spa: true,
    });
    await expect(parseServeArgs(['serve', '--spa'])).rejects.toThrow('--spa needs --static');
  });
});
