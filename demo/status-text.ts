import type { ErrorCode, SyncStatus } from 'syncworker';

/** The worker's status, and whether it controls this page (false: its requests go to the server). */
export type ShownStatus = SyncStatus & { isControlled?: boolean };

/** How the status line looks: its colour, its words, and the time its words end with, if any. */
export interface StatusText {
  tone: 'ok' | 'busy' | 'offline' | 'warning' | 'error';
  text: string;
  /** Epoch ms to show as HH:MM after `text` (e.g. "Synced at" 14:02). */
  at: number | null;
}

/** A notice under the status line, for what the user should know besides the sync state. */
export interface StatusNotice {
  tone: 'info' | 'warning' | 'error';
  text: string;
}

/** "1 change", "3 changes". */
export function changes(count: number): string {
  return `${count} ${count === 1 ? 'change' : 'changes'}`;
}

/**
 * The status line in words a user understands, from the worker's status and the browser's
 * online flag. Never an error's raw message (those are for the debug panel), and never
 * "synced" while changes wait.
 */
export function describeStatus(status: SyncStatus, isOnline: boolean): StatusText {
  const { pending } = status;
  const waiting = pending > 0 ? ` · ${changes(pending)} waiting` : '';
  if (status.pausedReason === 'unauthorized') {
    return {
      tone: 'warning',
      text: `Paused: sign in again${pending > 0 ? ` to sync ${changes(pending)}` : ''}`,
      at: null,
    };
  }
  if (status.pausedReason === 'manual') return { tone: 'warning', text: `Sync paused${waiting}`, at: null };
  if (!isOnline) {
    return {
      tone: 'offline',
      text:
        pending > 0
          ? `Offline · ${changes(pending)} saved on this device`
          : 'Offline · everything is saved on this device',
      at: null,
    };
  }
  if (status.lastError) {
    const problem = status.lastError.code === 'network_error' ? 'Can’t reach the server' : 'Sync failed';
    if (status.nextAttemptAt !== null)
      return { tone: 'warning', text: `${problem}${waiting} · retrying at`, at: status.nextAttemptAt };
    return { tone: 'warning', text: `${problem}${waiting} · will retry`, at: null };
  }
  if (pending > 0) return { tone: 'busy', text: `Syncing ${changes(pending)}…`, at: null };
  if (status.isSyncing) return { tone: 'busy', text: 'Syncing…', at: null };
  if (status.lastSyncAt !== null) return { tone: 'ok', text: 'Synced at', at: status.lastSyncAt };
  return { tone: 'busy', text: 'Not synced yet', at: null };
}

/** What else the user should know: refused changes, storage that is full or may be cleared. */
export function describeNotices(status: ShownStatus): StatusNotice[] {
  const notices: StatusNotice[] = [];
  if (status.isControlled === false) {
    notices.push({
      tone: 'warning',
      text: 'Online only: this page opened without the app’s worker (a hard reload?). Reload to work offline.',
    });
  }
  if (status.deadLetters > 0) {
    const refused = status.deadLetters === 1 ? '1 change was' : `${status.deadLetters} changes were`;
    notices.push({ tone: 'error', text: `${refused} refused by the server: see the marked items to undo or retry.` });
  }
  if (status.storage.error?.code === 'quota_exceeded') {
    notices.push({
      tone: 'error',
      text: 'This device’s storage is full: new changes cannot be saved until space is freed.',
    });
  }
  if (status.storage.isPersisted === false) {
    notices.push({
      tone: 'info',
      text: 'Storage not persistent: the browser may clear this device’s copy when space runs low. Installing the app keeps it.',
    });
  }
  return notices;
}

/** Why the page works online only when `connect()` failed, in words (the error itself goes to the console). */
export function describeConnectFailure(error: unknown): string {
  const code = (error as { code?: ErrorCode } | null)?.code;
  const why =
    code === 'worker_unavailable'
      ? 'this browser runs no service worker here (a private window or a blocked worker?)'
      : code === 'worker_registration_failed'
        ? 'the app’s worker could not be installed'
        : code === 'version_mismatch'
          ? 'a new version of the app is ready'
          : 'the app’s worker did not answer';
  return `Online only: ${why}. Reload to work offline.`;
}
