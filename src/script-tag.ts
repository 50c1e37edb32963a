// Entry of the IIFE build: `<script src="syncworker.iife.js">` exposes this module as `window.SyncWorker`.
export * from './index.ts';
