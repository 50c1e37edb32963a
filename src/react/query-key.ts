/**
 * A string that is equal for equal queries, however their objects were built: keys sorted at
 * every level. A component that writes its query inline gets a new object on each render;
 * the key keeps its live query from being stopped and started again each time.
 */
export function queryKey(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    nested !== null && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : nested,
  );
}
