/**
 * Asks the browser to keep this origin's data from eviction (`navigator.storage.persist()`).
 * Resolves to the browser's answer, or null where the API is missing. Never await it on a path
 * the app waits for: Firefox answers only once the user settles its permission prompt, which
 * may be never.
 */
export function requestStoragePersistence(): Promise<boolean | null> {
  const persist = navigator.storage?.persist;
  if (!persist) return Promise.resolve(null);
  return persist.call(navigator.storage).catch((error: unknown) => {
    console.warn('syncworker: the browser refused the storage persistence request', error);
    return false;
  });
}
