/** What is still open (browsers, servers, temporary folders), so an interrupted run leaves nothing behind. */
const open = new Set<() => Promise<void>>();
let isStopping = false;

/** Whether an interrupted run is shutting down (failures are expected then, not worth reporting). */
export function isInterrupted(): boolean {
  return isStopping;
}

/** Throws once the run is interrupted, so nothing new is opened while everything closes. */
export function assertNotInterrupted(): void {
  if (isStopping) throw new Error('the run was interrupted');
}

/**
 * Remembers `close` until the returned function is called, which the resource does once it has
 * closed. `close` must be safe to call again while it runs (return the same promise).
 */
export function closeAtExit(close: () => Promise<void>): () => void {
  open.add(close);
  return () => open.delete(close);
}

let closing: Promise<void> | null = null;

/**
 * Closes everything still open, newest first. Calls while it runs share its promise: a second
 * signal (npm passes one on) must wait for the cleanup, not exit in the middle of it.
 */
export function closeAll(): Promise<void> {
  closing ??= closeEverything().finally(() => {
    closing = null;
  });
  return closing;
}

async function closeEverything(): Promise<void> {
  for (let close = [...open].at(-1); close; close = [...open].at(-1)) {
    open.delete(close);
    await close().catch((error: unknown) => console.error('bench: cleanup failed', error));
  }
}

/** On Ctrl-C or SIGTERM: close everything, then exit. */
export function closeAllOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      isStopping = true;
      console.error(`bench: ${signal}, cleaning up`);
      void closeAll().finally(() => process.exit(130));
    });
  }
}
