import { access, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The repository root (two levels up). */
export const REPOSITORY = here('../..');

/** The product files the page loads, from `npm run build`. */
const BUILT_FILES = ['syncworker.iife.js', 'syncworker-sw.js'];

/** A temporary folder the sync server serves as the bench site. */
export interface BenchSite {
  dir: string;
  remove(): Promise<void>;
}

/** Fails with what to do when `npm run build` has not run: the bench measures the built product. */
export async function assertBuilt(): Promise<void> {
  for (const file of BUILT_FILES) {
    try {
      await access(join(REPOSITORY, 'dist', file));
    } catch {
      throw new Error(`dist/${file} is missing: run \`npm run build\` first (the bench measures the built worker)`);
    }
  }
}

/**
 * Assembles the bench site in a temporary folder: the script-tag build and the ready-made worker
 * from `dist/`, Dexie's UMD build (for the raw baselines) and the bench page, bundled from
 * `bench-page/` (TypeScript) into one classic script.
 */
export async function assembleSite(): Promise<BenchSite> {
  const dir = await mkdtemp(join(tmpdir(), 'syncworker-bench-site-'));
  const remove = () => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  try {
    for (const file of BUILT_FILES) await copyFile(join(REPOSITORY, 'dist', file), join(dir, file));
    await copyFile(join(REPOSITORY, 'node_modules/dexie/dist/dexie.js'), join(dir, 'dexie.js'));
    await copyFile(here('bench-page/bench.html'), join(dir, 'bench.html'));
    await build({
      configFile: false,
      root: here('bench-page'),
      logLevel: 'warn',
      build: {
        outDir: dir,
        emptyOutDir: false,
        minify: false,
        lib: {
          entry: here('bench-page/main.ts'),
          formats: ['iife'],
          name: 'SyncworkerBench',
          fileName: () => 'bench.js',
        },
      },
    });
    return { dir, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
