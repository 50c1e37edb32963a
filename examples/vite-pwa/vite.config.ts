import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The sync server (`npx syncworker-server serve`); `vite dev` forwards the sync protocol and the API to it. */
const syncServer = process.env.SYNCWORKER_SERVER ?? 'http://127.0.0.1:8787';

export default defineConfig({
  root: here('.'),
  resolve: {
    // This example builds against the repository's sources; in your app, drop the aliases
    // (`npm install syncworker` provides both entries).
    alias: { 'syncworker/sw': here('../../sw/index.ts'), syncworker: here('../../src/index.ts') },
  },
  server: {
    // `/sync/`, not `/sync`: a bare prefix would also send files such as /syncworker-sw.js to the server.
    // `/api` reaches the server only while no worker controls the page (first visit, hard reload).
    proxy: { '/sync/': syncServer, '/api': syncServer },
  },
  // index.html does not import the worker: list it, so its dependencies are bundled at start-up, not when it first loads.
  optimizeDeps: { entries: ['index.html', 'src/sw.ts'] },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // connect() registers the worker (and waits until it controls the page).
      injectRegister: false,
      manifest: false,
      // One classic script for the build (no imports left), registered as connect()'s default type.
      injectManifest: { rollupFormat: 'iife' },
      devOptions: { enabled: true, type: 'module' },
    }),
  ],
});
