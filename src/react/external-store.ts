/**
 * A value kept outside React for `useSyncExternalStore`: `start` begins listening for new values
 * while a component is subscribed; the last value is kept, so the snapshot stays the same object
 * until something changed.
 */
export class ExternalStore<T> {
  #value: T | undefined = undefined;
  readonly #start: (set: (value: T) => void) => () => void;

  /** `start(set)` begins delivering values through `set` and returns the function that stops it. */
  constructor(start: (set: (value: T) => void) => () => void) {
    this.#start = start;
  }

  readonly subscribe = (onChange: () => void): (() => void) =>
    this.#start((value) => {
      this.#value = value;
      onChange();
    });

  readonly getSnapshot = (): T | undefined => this.#value;

  /** Server rendering has no worker: components render their loading state. */
  readonly getServerSnapshot = (): T | undefined => undefined;
}
