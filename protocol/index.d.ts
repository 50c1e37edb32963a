export type * from './config.ts';
export * from './errors.ts';
export * from './version.ts';
export type * from './wire.ts';
export * from './worker-api.ts';
