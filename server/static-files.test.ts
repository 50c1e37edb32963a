import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
