import type { RestRoutes, SyncWorkerConfig } from '../protocol/index.ts';

export interface ResolvedConfig {
  routes: RestRoutes;
  syncUrl: string;
  databaseName: string;
  claimClients: boolean;
  collections: string[];
}

export function resolveConfig(config: SyncWorkerConfig, origin: string): ResolvedConfig {
  return {
    routes: config.routes,
    syncUrl: new URL(config.syncUrl ?? '/sync', origin).href,
    databaseName: config.databaseName ?? 'syncworker',
    claimClients: config.claimClients ?? true,
    collections: [...new Set(Object.values(config.routes))],
  };
}
