import type { Mutation, SyncRecord } from './wire.ts';

/** The `format` of an export file, so another JSON file is told apart at once. */
export const EXPORT_FORMAT = 'syncworker-export';

/** The version of the export file format this code writes and reads. */
export const EXPORT_FORMAT_VERSION = 1;

/** A mutation not yet acknowledged by the server, with the client that numbered it. */
export interface ExportedMutation extends Mutation {
  /** The client whose `seq` this is: imported mutations are sent under it, so the server's dedup holds. */
  clientId: string;
}

/** A user's local data as one JSON file (`SyncClient.exportData`). */
export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: number;
  /** The signed-in user, or null for the anonymous database. */
  user: string | null;
  /** The exporting database's client id. */
  clientId: string;
  /** Where the exporting database's pulls had got to (opaque), or null. */
  cursor: string | null;
  /** Every local record, as the app sees it (unsent changes included), per collection. */
  collections: Record<string, SyncRecord[]>;
  /** Unsent mutations, in the order they are sent: the exporter's own and any it had imported. */
  outbox: ExportedMutation[];
}

/** What an import did. */
export interface ImportSummary {
  /** Records written locally (records with newer or unsent local versions are kept). */
  records: number;
  /** Mutations queued to be sent under their original client. */
  mutations: number;
  /** Mutations already queued or already sent by an earlier import or by this database itself. */
  knownMutations: number;
  /** Collections in the file that this worker does not sync (their records are left out). */
  skippedCollections: string[];
  /** Whether the file's pull position was adopted (a database that had never pulled). */
  isCursorAdopted: boolean;
}
