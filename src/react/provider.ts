import { createContext, createElement, type ReactNode, useEffect, useState } from 'react';
import { SyncError } from '../../protocol/index.ts';
import { type ConnectOptions, connect } from '../connect.ts';
import type { SyncClient } from '../sync-client.ts';

/** The client the hooks below a `SyncWorkerProvider` use; undefined outside any provider. */
export const SyncClientContext = createContext<SyncClient | undefined>(undefined);

export type SyncWorkerProviderProps = { children?: ReactNode } & (
  | {
      /** A client the app connected itself; the provider does not close it. */
      client: SyncClient;
    }
  | {
      /** `connect()` options: the provider connects once on mount and closes the client on unmount. */
      options: ConnectOptions;
      /** Rendered until the worker answers. Default: nothing. */
      fallback?: ReactNode;
    }
);

/**
 * Makes a `SyncClient` available to `useSyncClient`, `useQuery`, `useRecord` and `useSyncStatus`.
 * Give it a connected `client`, or `options` to connect with (read once, on mount). A failed
 * connect is thrown during render, for the app's error boundary.
 */
export function SyncWorkerProvider(props: SyncWorkerProviderProps): ReactNode {
  const given = 'client' in props ? props.client : undefined;
  // The options are read once: an inline object, new on each render, must not reconnect.
  const [options] = useState(() => ('options' in props ? props.options : undefined));
  const [connected, setConnected] = useState<SyncClient | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  useEffect(() => {
    if (!options) return;
    let isMounted = true;
    let client: SyncClient | null = null;
    connect(options).then(
      (opened) => {
        client = opened;
        if (isMounted) setConnected(opened);
        else opened.close();
      },
      (error: unknown) => isMounted && setFailure(error),
    );
    return () => {
      isMounted = false;
      client?.close();
    };
  }, [options]);

  if (failure) throw failure instanceof SyncError ? failure : new SyncError('worker_unavailable', String(failure));
  const client = given ?? connected;
  if (!client) return 'fallback' in props ? (props.fallback ?? null) : null;
  return createElement(SyncClientContext.Provider, { value: client }, props.children);
}
