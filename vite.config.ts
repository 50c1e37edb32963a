import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The packages an app installs beside syncworker: the ES module builds import them, never bundle them. */
const manifest = JSON.parse(readFileSync(here('package.json'), 'utf8')) as Record<string, Record<string, string>>;
const installedBeside = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
const isInstalledBeside = (id: string) => installedBeside.some((name) => id === name || id.startsWith(`${name}/`));

/** Library builds read no `process` at run time; workbox-window checks NODE_ENV. */
const library = { define: { 'process.env.NODE_ENV': JSON.stringify('production') } };

/** One IIFE file, dependencies included: what a `<script>` tag or a service worker loads. */
function iife(entry: string, fileName: string, outDir: string, name?: string): UserConfig {
  return {
    ...library,
    resolve: { alias: { 'syncworker/sw': here('sw/index.ts') } },
    build: {
      outDir,
      emptyOutDir: false,
      sourcemap: true,
      lib: { entry: here(entry), formats: ['iife'], name: name ?? 'SyncWorkerRuntime', fileName: () => fileName },
    },
  };
}

/** Each build is one `vite build --mode <name>`; `npm run build` runs them all. */
const builds: Record<string, UserConfig> = {
  // The page client and the worker runtime as ES modules for bundlers (`syncworker`, `syncworker/sw`).
  // Dependencies stay imports, so an app's bundler keeps one copy of each (Dexie is a peer dependency).
  modules: {
    ...library,
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      sourcemap: true,
      lib: {
        entry: {
          index: here('src/index.ts'),
          sw: here('sw/index.ts'),
          devtools: here('src/devtools/index.ts'),
          react: here('src/react/index.ts'),
        },
        formats: ['es'],
      },
      rolldownOptions: {
        external: isInstalledBeside,
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  // `<script src="syncworker.iife.js">` -> `window.SyncWorker`.
  'script-tag': iife('src/script-tag.ts', 'syncworker.iife.js', 'dist', 'SyncWorker'),
  // The ready-made service worker for apps without their own.
  'ready-worker': iife('sw/syncworker-sw.ts', 'syncworker-sw.js', 'dist'),
  // The reference server and its CLI, for Node: the `syncworker-server` package (`server/package.json`).
  server: {
    build: {
      outDir: 'server/dist',
      emptyOutDir: false,
      ssr: true,
      target: 'node20',
      rolldownOptions: {
        input: { index: here('server/index.ts'), cli: here('server/cli.ts') },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  // The demo app (a PWA with its own service worker, built next).
  demo: {
    root: here('demo'),
    resolve: { alias: { 'syncworker/devtools': here('src/devtools/index.ts'), syncworker: here('src/index.ts') } },
    build: {
      outDir: here('dist/demo'),
      emptyOutDir: false,
      modulePreload: false,
      rolldownOptions: { output: { entryFileNames: 'app.js', assetFileNames: '[name][extname]' } },
    },
  },
  'demo-worker': iife('demo/sw.ts', 'sw.js', 'dist/demo'),
};

export default defineConfig(({ mode }) => {
  const build = builds[mode];
  if (!build) throw new Error(`Unknown build "${mode}"; one of: ${Object.keys(builds).join(', ')}`);
  return build;
});
