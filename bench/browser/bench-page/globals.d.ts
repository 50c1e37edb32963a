// The bench page loads its libraries with script tags, as an app without a bundler does.
import type { DexieConstructor } from 'dexie';
import type * as SyncWorkerModule from '../../../src/index.ts';
import type { BenchPageApi } from '../page-protocol.ts';

declare global {
  /** Dexie's UMD build (`/dexie.js`), for the raw baselines. */
  const Dexie: DexieConstructor;
  /** The script-tag build (`/syncworker.iife.js`). */
  const SyncWorker: typeof SyncWorkerModule;
  interface Window {
    bench: BenchPageApi;
  }
}
