import type { SyncClient } from '../sync-client.ts';
import type { DetailsHost } from './data-table.ts';
import type { LogFilter } from './log-filter.ts';

/** What a view needs from the panel: the client, and state that outlives one render. */
export interface ViewContext extends DetailsHost {
  client: SyncClient;
  /** Re-renders the panel (after an action). */
  refresh(): void;
  /** The collection shown by the collection browser. */
  collection: string | null;
  selectCollection(name: string): void;
  logFilter: LogFilter;
}

/** Runs an action, then re-renders, whether it worked or not. */
export function act(context: ViewContext, work: () => Promise<unknown>): () => void {
  return () => void work().finally(() => context.refresh());
}
