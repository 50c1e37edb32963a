import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import playwrightConfig from '../playwright.config.ts';
import { locate, lockedTarballUrls, npmInstallOffline, readLockfile } from './offline-install.ts';

/**
 * Packs `syncworker` and `syncworker-server` as they would be published (needs `npm run build`)
 * and installs each into a scratch app from npm's cache, as a user would: the browser package
 * with the lowest Dexie it supports.
 */
const run = promisify(execFile);
const repo = join(import.meta.dirname, '..');
const SERVER_ONLY = ['@electric-sql/pglite', 'pg', 'jose'];
/** A message every copy of Dexie carries once. */
const DEXIE_MARK = 'Database version changed by other database connection';

interface Packed {
  tarball: string;
  files: string[];
  manifest: { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
}

async function pack(dir: string, destination: string): Promise<Packed> {
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
    cwd: dir,
  });
  const [result] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (!result) throw new Error(`npm pack in ${dir} reported nothing`);
  return {
    tarball: join(destination, result.filename),
    files: result.files.map((file) => file.path).sort(),
    manifest: JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')),
  };
}

/** Every package name in an `npm ls --all --json` tree, with its versions. */
async function installedPackages(dir: string): Promise<Map<string, Set<string>>> {
  type Tree = { version?: string; dependencies?: Record<string, Tree> };
  const { stdout } = await run('npm', ['ls', '--all', '--json'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const found = new Map<string, Set<string>>();
  const visit = (tree: Tree) => {
    for (const [name, child] of Object.entries(tree.dependencies ?? {})) {
      if (!child.version) continue; // an optional peer the app did not install, such as React
      found.set(name, (found.get(name) ?? new Set()).add(child.version ?? '?'));
      visit(child);
    }
  };
  visit(JSON.parse(stdout) as Tree);
  return found;
}

/**
 * Runs `npx syncworker-server serve` in `dir` on a free port, with the default embedded database,
 * in its own process group (so that stopping it stops npx's child too).
 */
function startServerCommand(dir: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn('npx', ['--offline', 'syncworker-server', 'serve', '--port', '0'], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const listening = /"url":"(http:[^"]+)"/.exec(output);
      if (listening?.[1]) resolve(listening[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${output}`)));
  });
  url.catch(() => undefined); // awaited by its test; a failure before then is not unhandled
  return { child, url };
}

/** Only the build, the README, the LICENSE and package.json; no tests, demo or server in the browser package. */
function expectOnlyWhatUsersImport(files: string[]) {
  expect(files.filter((file) => !file.startsWith('dist/'))).toEqual(['LICENSE', 'README.md', 'package.json']);
  expect(files.filter((file) => /\.test[.-]|\/test-|^dist\/demo\//.test(file))).toEqual([]);
}

describe('the published packages', () => {
  let scratch: string;
  let browser: Packed;
  let server: Packed;
  let browserApp: string;
  let serverApp: string;
  let lowestDexie: string;
  let serverCommand: ReturnType<typeof startServerCommand> | null = null;

  beforeAll(async () => {
    if (!existsSync(join(repo, 'dist/sw.js')) || !existsSync(join(repo, 'server/dist/cli.js'))) {
      throw new Error('Run `npm run build` first: the packaging test packs the build');
    }
    scratch = await mkdtemp(join(tmpdir(), 'syncworker-packaging-'));
    [browser, server] = await Promise.all([pack(repo, scratch), pack(join(repo, 'server'), scratch)]);
    const lock = await readLockfile(repo);
    const rootManifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'));
    // The lowest supported Dexie is a pinned dev dependency, so `npm ci` caches it for this test.
    lowestDexie = String(rootManifest.devDependencies['dexie-lowest']).replace('npm:dexie@', '');

    browserApp = join(scratch, 'browser-app');
    serverApp = join(scratch, 'server-app');
    for (const app of [browserApp, serverApp]) {
      await mkdir(join(app, 'src'), { recursive: true });
      await writeFile(
        join(app, 'package.json'),
        JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }),
      );
    }
    const dependencyPaths = (packed: Packed, from: string) =>
      Object.keys(packed.manifest.dependencies ?? {}).map((name) => locate(lock, from, name) ?? name);
    await Promise.all([
      npmInstallOffline(browserApp, [
        browser.tarball,
        ...(await lockedTarballUrls(lock, [...dependencyPaths(browser, ''), 'node_modules/dexie-lowest'])),
      ]),
      npmInstallOffline(serverApp, [
        server.tarball,
        ...(await lockedTarballUrls(lock, dependencyPaths(server, 'server'))),
      ]),
    ]);
    // The embedded database takes a while to start: let it, while the browser checks run.
    serverCommand = startServerCommand(serverApp);
  });
  afterAll(async () => {
    const child = serverCommand?.child;
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    if (scratch && !process.env.KEEP_SCRATCH) await rm(scratch, { recursive: true, force: true, maxRetries: 5 });
  });

  it('ship the build, README, LICENSE and package.json only, with self-contained docs', async () => {
    expectOnlyWhatUsersImport(browser.files);
    expectOnlyWhatUsersImport(server.files);
    expect(browser.files.filter((file) => file.startsWith('dist/server') || file.includes('types/server/'))).toEqual(
      [],
    );
    const app = join(browserApp, 'node_modules/syncworker');
    expect(await readFile(join(app, 'LICENSE'), 'utf8')).toContain('Copyright (c) 2026 the syncworker authors');
    expect(await readFile(join(serverApp, 'node_modules/syncworker-server/LICENSE'), 'utf8')).toContain(
      'Copyright (c) 2026 the syncworker authors',
    );
    for (const readme of [join(app, 'README.md'), join(serverApp, 'node_modules/syncworker-server/README.md')]) {
      expect([readme, (await readFile(readme, 'utf8')).match(/DESIGN\.md|\.\.\/shared/g)]).toEqual([readme, null]);
    }
  });

  it('install in a browser app without the server database packages, with the app’s one Dexie', async () => {
    expect(browser.manifest.dependencies).not.toHaveProperty('dexie');
    expect(browser.manifest.peerDependencies?.dexie).toBe(`^${lowestDexie}`);
    const installed = await installedPackages(browserApp);
    expect(SERVER_ONLY.filter((name) => installed.has(name))).toEqual([]);
    expect([...(installed.get('dexie') ?? [])]).toEqual([lowestDexie]);
    expect([...installed.keys()].sort()).toEqual([
      '@types/trusted-types',
      'comlink',
      'dexie',
      'syncworker',
      'workbox-core',
      'workbox-window',
    ]);
  });

  it('resolve `syncworker`, `syncworker/sw` and `syncworker/devtools` with their types', async () => {
    await writeFile(
      join(browserApp, 'src/page.ts'),
      `import { connect, SyncError, type SyncClient } from 'syncworker';
import { mountDevtools } from 'syncworker/devtools';

export async function start(): Promise<SyncClient> {
  const client = await connect({ serviceWorkerUrl: '/sw.js' });
  mountDevtools(client);
  const error: SyncError = new SyncError('version_mismatch', 'reload');
  // @ts-expect-error: an error code is one of the listed ones
  void new SyncError('no_such_code', 'x');
  // @ts-expect-error: options are typed
  void connect({ serviceWorkerUrl: 42 });
  return error.code === 'version_mismatch' ? client : client;
}
`,
    );
    await writeFile(
      join(browserApp, 'src/worker.ts'),
      `import { Dexie } from 'dexie';
import { installSyncWorker } from 'syncworker/sw';

installSyncWorker({ routes: { '/api/todos': 'todos' } });

/** The app's own database, with the same Dexie as the runtime's. */
export const appDatabase = new Dexie('scratch-app');

export function misuse(): void {
  // @ts-expect-error: a route names a collection
  installSyncWorker({ routes: { '/api/todos': 42 } });
}
`,
    );
    const tsconfig = (lib: string[], file: string) =>
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          lib,
          types: [],
        },
        files: [file],
      });
    await writeFile(join(browserApp, 'tsconfig.page.json'), tsconfig(['es2022', 'dom', 'dom.iterable'], 'src/page.ts'));
    await writeFile(join(browserApp, 'tsconfig.worker.json'), tsconfig(['es2022', 'webworker'], 'src/worker.ts'));
    const tsc = join(repo, 'node_modules/.bin/tsc');
    for (const project of ['tsconfig.page.json', 'tsconfig.worker.json']) {
      const result = await run(tsc, ['-p', project], { cwd: browserApp }).then(
        () => '',
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      expect([project, result]).toEqual([project, '']);
    }
  });

  it('import dependencies in the ES modules, and carry them in the script-tag build and the ready-made worker', async () => {
    const dist = join(browserApp, 'node_modules/syncworker/dist');
    const file = (name: string) => readFile(join(dist, name), 'utf8');
    const importsOf = (code: string) => [...code.matchAll(/\bfrom\s*["']([^"']+)["']/g)].map((match) => match[1] ?? '');
    const bareImports = (code: string) =>
      importsOf(code)
        .filter((name) => !name.startsWith('.'))
        .sort();
    /** The packages an entry imports, its own chunks included. */
    const packagesImportedBy = async (entry: string, seen = new Set<string>()): Promise<string[]> => {
      seen.add(entry);
      const code = await file(entry);
      const packages = new Set(bareImports(code));
      for (const local of importsOf(code).filter((name) => name.startsWith('.'))) {
        const chunk = join(dirname(entry), local);
        if (!seen.has(chunk)) for (const name of await packagesImportedBy(chunk, seen)) packages.add(name);
      }
      return [...packages].sort();
    };
    expect(await packagesImportedBy('sw.js')).toEqual(['comlink', 'dexie']);
    expect(await packagesImportedBy('index.js')).toEqual(['comlink', 'workbox-window']);
    expect(await packagesImportedBy('react.js')).toEqual(['comlink', 'react', 'workbox-window']);
    expect((await file('sw.js')).includes(DEXIE_MARK)).toBe(false);
    for (const name of ['syncworker-sw.js', 'syncworker.iife.js']) {
      const code = await file(name);
      expect([
        name,
        bareImports(code),
        /\bimport\s*\(\s*[^)\s]/.test(code) /* a dynamic import, not the word in a message */,
      ]).toEqual([name, [], false]);
    }
    expect((await file('syncworker-sw.js')).split(DEXIE_MARK).length - 1).toBe(1);
  });

  it('stay small: the worker runtime, the ready-made worker with Dexie and the page client, gzipped', async () => {
    const dist = join(browserApp, 'node_modules/syncworker/dist');
    const gzipped = async (name: string) =>
      Math.round(gzipSync(await readFile(join(dist, name)), { level: 9 }).length / 1024);
    // Budgets in KiB, some headroom over today's sizes: a jump means a dependency or a second copy slipped in.
    const budgets = { 'sw.js': 24, 'syncworker-sw.js': 60, 'syncworker.iife.js': 21, 'devtools.js': 12 };
    for (const [name, budget] of Object.entries(budgets)) {
      const size = await gzipped(name);
      expect({ name, size, isWithinBudget: size <= budget }).toEqual({ name, size, isWithinBudget: true });
    }
  });

  it('bundle one Dexie into an app worker, which answers in Chromium with the lowest supported Dexie', async () => {
    await build({
      root: browserApp,
      configFile: false,
      logLevel: 'silent',
      build: {
        outDir: join(browserApp, 'dist'),
        lib: { entry: join(browserApp, 'src/worker.ts'), formats: ['es'], fileName: () => 'worker.js' },
      },
    });
    const bundle = await readFile(join(browserApp, 'dist/worker.js'), 'utf8');
    expect(bundle.split(DEXIE_MARK).length - 1).toBe(1);
    expect(bundle).toMatch(new RegExp(`["']${lowestDexie.replaceAll('.', '\\.')}["']`));

    // The app's worker in Chromium: a page it controls writes and reads through its REST route.
    const page = `<!doctype html><title>scratch app</title><script type="module">
      const send = async (method, body) => {
        const init = body ? { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : { method };
        const response = await fetch('/api/todos', init);
        return { status: response.status, body: await response.json() };
      };
      if (navigator.serviceWorker.controller) {
        window.answers = { created: await send('POST', { id: 'a', title: 'milk' }), listed: await send('GET') };
      } else {
        await navigator.serviceWorker.register('/sw.js', { type: 'module' });
        await navigator.serviceWorker.ready;
        location.reload();
      }
    </script>`;
    const http = createHttpServer((request, response) => {
      if (request.url === '/sw.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      else if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(page);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const browser = await chromium.launch(playwrightConfig.use?.launchOptions);
    try {
      const tab = await browser.newPage();
      await tab.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
      const answers = await (await tab.waitForFunction('window.answers', undefined, { timeout: 20_000 })).jsonValue();
      expect(answers).toEqual({
        created: { status: 201, body: { id: 'a', title: 'milk' } },
        listed: { status: 200, body: [{ id: 'a', title: 'milk' }] },
      });
    } finally {
      await browser.close();
      http.close();
    }
  });

  it('install the server on its own, and `npx syncworker-server serve` starts it on the embedded database', async () => {
    const installed = await installedPackages(serverApp);
    expect(SERVER_ONLY.filter((name) => !installed.has(name))).toEqual([]);
    expect(installed.has('dexie')).toBe(false);

    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', "console.log(typeof (await import('syncworker-server')).createServer)"],
      { cwd: serverApp },
    );
    expect(stdout.trim()).toBe('function');

    if (!serverCommand) throw new Error('the server command did not start');
    const health = await fetch(`${await serverCommand.url}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
  });
});
