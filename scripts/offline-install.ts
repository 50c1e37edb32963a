import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One package of the repo's `package-lock.json` (lockfile version 3). */
interface LockEntry {
  name?: string;
  version?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The repo's lockfile: where `npm ci` put each package, and which version it is. */
export interface Lockfile {
  packages: Record<string, LockEntry>;
}

export async function readLockfile(repo: string): Promise<Lockfile> {
  return JSON.parse(await readFile(join(repo, 'package-lock.json'), 'utf8')) as Lockfile;
}

/** The lockfile path a dependency named `name` resolves to from the package at `from`, as Node would look it up. */
export function locate(lock: Lockfile, from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const path = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[path]) return path;
    if (!base) return null;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent >= 0 ? base.slice(0, parent) : '';
  }
}

/**
 * The registry tarball URLs of the packages at `paths` in the lockfile and of all they need, transitively, at the versions `npm ci` installed. `npm ci` leaves
 * exactly these tarballs in npm's cache, so installing the URLs works offline.
 */
export async function lockedTarballUrls(lock: Lockfile, paths: string[]): Promise<string[]> {
  const registry = (await run('npm', ['config', 'get', 'registry'])).stdout.trim().replace(/\/?$/, '/');
  const versions = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [...paths];
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (seen.has(path)) continue;
    seen.add(path);
    const entry = lock.packages[path];
    if (!entry?.version) throw new Error(`package-lock.json has no installed package at ${path}`);
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const known = versions.get(name);
    if (known && known !== entry.version) {
      throw new Error(`${name} is needed at ${known} and ${entry.version}; one install cannot name both`);
    }
    versions.set(name, entry.version);
    for (const [kind, names] of Object.entries({
      dependencies: entry.dependencies,
      optionalDependencies: entry.optionalDependencies,
      peerDependencies: entry.peerDependencies,
    })) {
      for (const dependency of Object.keys(names ?? {})) {
        const found = locate(lock, path, dependency);
        // Optional and peer dependencies the repo did not install are not needed.
        if (found) queue.push(found);
        else if (kind === 'dependencies') throw new Error(`package-lock.json lacks ${dependency}, needed by ${name}`);
      }
    }
  }
  return [...versions].map(([name, version]) => `${registry}${name}/-/${name.split('/').pop()}-${version}.tgz`);
}

/** `npm install` of `specs` in `dir` from npm's cache only (no network), without install scripts. */
export async function npmInstallOffline(dir: string, specs: string[]): Promise<void> {
  await run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', ...specs], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  });
}
