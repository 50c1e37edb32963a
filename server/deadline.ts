import { createContext, Script } from 'node:vm';

const CALL = new Script('run()');
/** One context for every call: `work` runs synchronously, so no two calls ever share it at once. */
const CONTEXT = createContext({ run: null as (() => unknown) | null });

/**
 * Runs synchronous `work`, stopped after `ms` even in the middle of a regular expression that
 * backtracks without end (the VM's watchdog interrupts it): resolves to null then. The server has
 * one thread for everyone, so no request may hold it for long.
 */
export function runWithin<T>(ms: number, work: () => T): { value: T } | null {
  CONTEXT.run = work;
  try {
    return { value: CALL.runInContext(CONTEXT, { timeout: ms }) as T };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return null;
    throw error;
  } finally {
    CONTEXT.run = null;
  }
}
