// Entry of the IIFE build: `<script src="syncworker.iife.js">` exposes this module as `window.SyncWorker`.
export * from './devtools/index.ts';
export * from './index.ts';
