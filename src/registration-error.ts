import { SyncError } from '../protocol/index.ts';

/**
 * Turns the browser's refusal to register (or install) the service worker into a
 * `worker_registration_failed` SyncError whose message says what to change. Browsers only
 * give a free-text message, so the hint is chosen by what that message names.
 */
export function registrationError(error: unknown, type: WorkerType): SyncError {
  const name = error instanceof Error ? error.name : 'Error';
  const reason = error instanceof Error ? error.message : String(error);
  return new SyncError(
    'worker_registration_failed',
    `Registering the service worker failed (${name}: ${reason}). ${hintFor(reason, type)}`,
    { name, type },
  );
}

/** The worker registered but its install step failed, so it never took control of the page. */
export function installError(scriptUrl: string): SyncError {
  return new SyncError(
    'worker_registration_failed',
    `The service worker ${shown(scriptUrl)} failed to install: its install event rejected (a precached file that ` +
      'answered 404 is the usual cause). See the worker in DevTools > Application > Service workers.',
  );
}

/** The script URL without the ready-made worker's (long) `config` parameter. */
function shown(scriptUrl: string): string {
  const url = new URL(scriptUrl, location.href);
  url.searchParams.delete('config');
  return url.href;
}

function hintFor(reason: string, type: WorkerType): string {
  if (/evaluation failed|error during installation/i.test(reason)) {
    return type === 'classic'
      ? "The worker script threw while starting: if your worker is an ES module (vite dev, vite-plugin-pwa's " +
          "devOptions.type 'module'), pass serviceWorkerType: 'module'; otherwise see the worker's console."
      : 'The module worker threw while starting: it may not call importScripts() or import() ' +
          "(a classic worker needs serviceWorkerType: 'classic'); see the worker's console.";
  }
  if (/MIME type/i.test(reason)) {
    return 'The worker URL did not answer JavaScript (often an HTML fallback page): check serviceWorkerUrl.';
  }
  if (/bad HTTP response code/i.test(reason)) {
    return 'The server did not serve the worker script: check serviceWorkerUrl and that the file is deployed.';
  }
  // Every Chromium message names the scope, so look for the complaint itself.
  if (/max scope/i.test(reason)) {
    return 'A worker controls only paths under its own folder: move the script up, pass a narrower scope, or serve it with a Service-Worker-Allowed header.';
  }
  if (/insecure|secure context|origin of the provided|protocol of the current origin/i.test(reason)) {
    return 'Service workers need a secure context (HTTPS or localhost) and a script on the page’s own origin.';
  }
  if (/fetch|network/i.test(reason)) {
    return 'The worker script could not be downloaded (offline, or the server is down): try again when online.';
  }
  return 'See the browser console for the cause.';
}
