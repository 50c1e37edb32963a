import type { Mutation } from '../protocol/index.ts';

type Fields = Record<string, unknown>;

/** What a conflict resolver sees: the server's current state and the client's late mutation. */
export interface Conflict {
  /** Server fields now, or null when the record was deleted. */
  server: Fields | null;
  /** When the server's state was written (the writing mutation's `at`). */
  serverAt: number;
  mutation: Mutation;
  /**
   * The fields the client's mutation would produce on top of the server's state (null for a
   * delete); on top of a deleted record's last fields when the record was deleted.
   */
  client: Fields | null;
}

/**
 * A custom resolver returns the winning fields, or null for "deleted". It also decides an update
 * of a record another client deleted (`server` null): null keeps the deletion.
 */
export type ConflictResolver = (conflict: Conflict) => Fields | null;

export type ConflictStrategy = 'server-wins' | 'client-wins' | 'lww' | 'merge' | ConflictResolver;

/** Decides the state of a record whose client mutation was based on an outdated version. */
export function resolveConflict(strategy: ConflictStrategy, conflict: Conflict): Fields | null {
  if (typeof strategy === 'function') return strategy(conflict);
  switch (strategy) {
    case 'server-wins':
      return conflict.server;
    case 'client-wins':
      return conflict.client;
    case 'lww':
      return conflict.mutation.at >= conflict.serverAt ? conflict.client : conflict.server;
    case 'merge':
      // Field level: the client's changed fields land on the server's record; a delete
      // does not win against changes the client never saw, and an update does not bring
      // back a record deleted meanwhile (the deletion wins).
      return conflict.server && conflict.client ? { ...conflict.server, ...conflict.mutation.data } : conflict.server;
  }
}
