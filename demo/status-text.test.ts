import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../protocol/index.ts';
import { describeConnectFailure, describeNotices, describeStatus } from './status-text.ts';

const idle: SyncStatus = {
  userId: null,
  pending: 0,
  queuedRequests: 0,
  deadLetters: 0,
  isSyncing: false,
  lastSyncAt: null,
  nextAttemptAt: null,
  lastError: null,
  pausedReason: null,
  storage: { usage: null, quota: null, isPersisted: true, error: null },
};
const networkError = { code: 'network_error', message: 'Cannot reach …: TypeError: Failed to fetch' } as const;

describe('describeStatus', () => {
  it('says synced at a time only when nothing waits', () => {
    expect(describeStatus({ ...idle, lastSyncAt: 1000 }, true)).toEqual({ tone: 'ok', text: 'Synced at', at: 1000 });
    expect(describeStatus({ ...idle, lastSyncAt: 1000, pending: 2 }, true)).toEqual({
      tone: 'busy',
      text: 'Syncing 2 changes…',
      at: null,
    });
    expect(describeStatus(idle, true).text).toBe('Not synced yet');
  });

  it('says offline, and how many changes are kept on the device', () => {
    expect(describeStatus({ ...idle, pending: 1 }, false).text).toBe('Offline · 1 change saved on this device');
    expect(describeStatus(idle, false).text).toBe('Offline · everything is saved on this device');
  });

  it('never shows an error’s raw message', () => {
    const failing = { ...idle, pending: 3, lastError: networkError, nextAttemptAt: 5000 };
    expect(describeStatus(failing, true)).toEqual({
      tone: 'warning',
      text: 'Can’t reach the server · 3 changes waiting · retrying at',
      at: 5000,
    });
    const serverError = { ...idle, lastError: { code: 'server_error', message: 'HTTP 502' } } as const;
    expect(describeStatus(serverError, true).text).toBe('Sync failed · will retry');
  });

  it('asks to sign in again when the server refused the token, before anything else', () => {
    const paused = { ...idle, pending: 2, pausedReason: 'unauthorized', lastError: networkError } as const;
    expect(describeStatus(paused, false)).toEqual({
      tone: 'warning',
      text: 'Paused: sign in again to sync 2 changes',
      at: null,
    });
  });
});

describe('describeNotices', () => {
  it('tells of refused changes, a full disk and storage the browser may clear', () => {
    expect(describeNotices(idle)).toEqual([]);
    const troubled: SyncStatus = {
      ...idle,
      deadLetters: 2,
      storage: { ...idle.storage, isPersisted: false, error: { code: 'quota_exceeded', message: 'full' } },
    };
    expect(describeNotices(troubled).map((notice) => [notice.tone, notice.text.split(':')[0]])).toEqual([
      ['error', '2 changes were refused by the server'],
      ['error', 'This device’s storage is full'],
      ['info', 'Storage not persistent'],
    ]);
  });
});

describe('describeConnectFailure', () => {
  it('says why the page is online only in words, never the browser’s raw message', () => {
    const failure = (code: string) =>
      Object.assign(new Error('TypeError: Failed to register a ServiceWorker'), { code });
    expect(describeConnectFailure(failure('worker_registration_failed'))).toBe(
      'Online only: the app’s worker could not be installed. Reload to work offline.',
    );
    expect(describeConnectFailure(failure('worker_unavailable'))).toContain('runs no service worker here');
    for (const error of [new TypeError('Failed to fetch'), null, failure('version_mismatch')]) {
      expect(describeConnectFailure(error)).not.toMatch(/TypeError|Failed/);
    }
  });
});
