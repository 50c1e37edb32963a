import type { CollectionConfig, RouteStrategy, SyncWorkerConfig } from '../protocol/index.ts';
import type { Schema } from '../protocol/schema.ts';
import { type IndexSpec, parseIndexes } from './local/stored-record.ts';

export interface ResolvedRoute {
  /** Path prefix without a trailing slash. */
  prefix: string;
  collection: string;
  strategy: RouteStrategy;
}

/** The worker configuration with every default filled in. */
export interface ResolvedConfig {
  routes: ResolvedRoute[];
  replayRoutes: string[];
  replayHeaders: string[];
  appShell: string[];
  syncUrl: string;
  databaseName: string;
  claimClients: boolean;
  backgroundSync: boolean;
  networkTimeoutMs: number;
  signOut: 'park' | 'clear';
  collections: string[];
  /** Each collection's declared indexes. */
  indexes: ReadonlyMap<string, IndexSpec[]>;
  /** Each collection's schema, for those that declare one. */
  schemas: ReadonlyMap<string, Schema>;
}

const DEFAULT_REPLAY_HEADERS = ['content-type', 'accept', 'accept-language'];

export function resolveConfig(config: SyncWorkerConfig, origin: string): ResolvedConfig {
  const routes = Object.entries(config.routes).map(([prefix, route]) => ({
    prefix: prefix.replace(/\/+$/, ''),
    collection: typeof route === 'string' ? route : route.collection,
    strategy: (typeof route === 'string' ? undefined : route.strategy) ?? 'local-first',
  }));
  const declared = declaredCollections(config);
  const indexes = collectIndexes(declared);
  return {
    routes,
    replayRoutes: (config.replayRoutes ?? []).map((prefix) => prefix.replace(/\/+$/, '')),
    // Authorization is never stored: a replay carries the token current at replay time.
    replayHeaders: (config.replayHeaders ?? DEFAULT_REPLAY_HEADERS)
      .map((name) => name.toLowerCase())
      .filter((name) => name !== 'authorization'),
    appShell: (config.appShell ?? []).map((path) => new URL(path, origin).pathname),
    syncUrl: new URL(config.syncUrl ?? '/sync', origin).href.replace(/\/+$/, ''),
    databaseName: config.databaseName ?? 'syncworker',
    claimClients: config.claimClients ?? true,
    backgroundSync: config.backgroundSync ?? true,
    networkTimeoutMs: config.networkTimeoutMs ?? 3000,
    signOut: config.signOut ?? 'park',
    collections: [...indexes.keys()],
    indexes,
    schemas: collectSchemas(declared),
  };
}

function declaredCollections(config: SyncWorkerConfig): CollectionConfig[] {
  return [
    ...Object.values(config.routes).map((route) => (typeof route === 'string' ? { collection: route } : route)),
    ...(config.collections ?? []).map((entry) => (typeof entry === 'string' ? { collection: entry } : entry)),
  ];
}

/** A collection declared twice (a route and a collection entry) has one schema: given once, or the same twice. */
function collectSchemas(declared: CollectionConfig[]): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  for (const { collection, schema } of declared) {
    if (!schema) continue;
    const known = schemas.get(collection);
    if (known && JSON.stringify(known) !== JSON.stringify(schema)) {
      throw new Error(`syncworker: collection "${collection}" is given two different schemas; give it one`);
    }
    schemas.set(collection, schema);
  }
  return schemas;
}

/** Every synced collection (routed or not) with the union of the indexes declared for it. */
function collectIndexes(declared: CollectionConfig[]): Map<string, IndexSpec[]> {
  const names = new Map<string, string[]>();
  for (const { collection, indexes = [] } of declared)
    names.set(collection, [...(names.get(collection) ?? []), ...indexes]);
  return new Map([...names].map(([collection, indexes]) => [collection, parseIndexes(collection, indexes)]));
}
