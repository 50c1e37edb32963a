import { describe, expect, it } from 'vitest';
import { registrationError } from './registration-error.ts';

/** How Chromium words a refused `navigator.serviceWorker.register()`. */
const refused = (name: string, reason: string) =>
  Object.assign(
    new Error(
      `Failed to register a ServiceWorker for scope ('http://localhost/') with script ('http://localhost/sw.js'): ${reason}`,
    ),
    { name },
  );

describe('registrationError', () => {
  it('is a worker_registration_failed SyncError that keeps the browser’s words', () => {
    const error = registrationError(refused('TypeError', 'ServiceWorker script evaluation failed'), 'classic');
    expect(error).toMatchObject({ name: 'SyncError', code: 'worker_registration_failed' });
    expect(error.message).toContain('TypeError: Failed to register a ServiceWorker');
  });

  it.each([
    ['TypeError', 'ServiceWorker script evaluation failed', 'classic', "pass serviceWorkerType: 'module'"],
    ['TypeError', 'ServiceWorker script evaluation failed', 'module', 'may not call importScripts()'],
    ['SecurityError', "The script has an unsupported MIME type ('text/html').", 'classic', 'did not answer JavaScript'],
    [
      'TypeError',
      'A bad HTTP response code (404) was received when fetching the script.',
      'classic',
      'check serviceWorkerUrl',
    ],
    [
      'SecurityError',
      "The path of the provided scope ('/') is not under the max scope allowed ('/app/').",
      'classic',
      'Service-Worker-Allowed',
    ],
    ['TypeError', 'An unknown error occurred when fetching the script.', 'classic', 'could not be downloaded'],
    [
      'SecurityError',
      "The origin of the provided scriptURL ('https://cdn.example') does not match the current origin ('http://localhost').",
      'classic',
      'secure context',
    ],
  ] as const)('%s "%s" (%s worker) hints: %s', (name, reason, type, hint) => {
    expect(registrationError(refused(name, reason), type).message).toContain(hint);
  });
});
