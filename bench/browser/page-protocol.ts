/**
 * What the bench page offers Node (`window.bench`): one method per measured side of a figure.
 * Each method measures one side once (Node interleaves baseline and ours and repeats them), and
 * resolves to a `Measurement`: a time, or the product feature it needs that this build lacks.
 */

/** A measured time in ms, or the missing feature that kept it from being measured. */
export type Measurement = { ms: number; note?: string } | { missing: string };

/** How long a per-operation latency series runs: at least `min` samples, at most `max`, stopping after `budgetMs`. */
export interface SampleBudget {
  min: number;
  max: number;
  budgetMs: number;
}

/** Latencies of the local writes issued during a bootstrap. */
export interface WriteWaits {
  count: number;
  p50: number;
  max: number;
}

/**
 * A bootstrap through the worker while the app kept writing: its time, how long the writes
 * waited, and when the writes had to stop because the bootstrap had not finished (else null).
 */
export interface BootstrapMeasurement {
  ms: number;
  writes: WriteWaits;
  stoppedWritingAfterMs: number | null;
}

/** Where a live query's callback runs relative to the write that changes its result. */
export type LiveQueryTab = 'same-tab' | 'other-tab';

/** Which side of a figure a page method measures. */
export type Side = 'ours' | 'baseline';

export interface BenchPageApi {
  /** Connects to the worker (`SyncWorker.connect`) with the bench configuration. */
  connect(): Promise<void>;
  /** Stops network sync, so local figures measure the local engine alone. */
  pauseSync(): Promise<void>;

  /** Baseline of figure 6: `POST /sync/pull` pages of 1000 from the page, parsed and `bulkPut` into raw Dexie. */
  bootstrapRaw(): Promise<Measurement>;
  /** Figure 6: opens the proxy's pull gate and syncs until `lastId` is stored. */
  bootstrapWorker(lastId: string): Promise<Measurement>;
  /**
   * Figure 6: the same bootstrap while writing a todo (`fetch POST`) every `writeEveryMs`, for at
   * most `maxWritingMs`; the bench discards this profile afterwards.
   */
  bootstrapWhileWriting(lastId: string, writeEveryMs: number, maxWritingMs: number): Promise<BootstrapMeasurement>;

  /** Figure 1: median time of the list request through `fetch` (the worker answers). */
  listViaFetch(budget: SampleBudget): Promise<Measurement>;
  /** Figure 1 without the transport: the same query through the collection API. */
  listViaCollection(budget: SampleBudget): Promise<Measurement>;
  /** Baseline of figure 1: the same list on the raw database's `[done+createdAt]` index. */
  listRaw(budget: SampleBudget): Promise<Measurement>;
  /** Null when both lists hold the same ids in the same order, else what differs. */
  compareLists(): Promise<string | null>;

  /** Figure 4: p50 of `GET /api/todos/:id` over these ids. */
  getViaFetch(ids: string[], budget: SampleBudget): Promise<Measurement>;
  /** Baseline of figure 4: p50 of raw Dexie `get` over these ids. */
  getRaw(ids: string[], budget: SampleBudget): Promise<Measurement>;

  /** Figure 3: p50 of one `collection.put` at a time. */
  putViaCollection(budget: SampleBudget): Promise<Measurement>;
  /** Baseline of figure 3: p50 of one raw Dexie `put` at a time. */
  putRaw(budget: SampleBudget): Promise<Measurement>;
  /** Figure 3: p50 of one `fetch POST /api/todos` at a time. */
  postViaFetch(budget: SampleBudget): Promise<Measurement>;
  /** Baseline of figures 2 and 3: p50 of an empty round trip to the worker (a 404 `GET` of a missing id). */
  emptyFetch(budget: SampleBudget): Promise<Measurement>;

  /** Figure 2: `count` `fetch POST`s with `inFlight` at a time. */
  postManyViaFetch(count: number, inFlight: number): Promise<Measurement>;
  /** Baseline of figure 2: `count` empty round trips to the worker with `inFlight` at a time. */
  emptyFetchMany(count: number, inFlight: number): Promise<Measurement>;
  /** Figure 2: `collection.bulkPut` of `count` new todos. */
  bulkPutViaCollection(count: number): Promise<Measurement>;
  /** Baseline of figure 2: raw Dexie `bulkPut` of the same todos. */
  bulkPutRaw(count: number): Promise<Measurement>;
  /** `collection.bulkDelete` of the todos of the last `bulkPutViaCollection`. */
  bulkDeleteViaCollection(): Promise<Measurement>;
  /** Raw Dexie `bulkDelete` of the todos of the last `bulkPutRaw`. */
  bulkDeleteRaw(): Promise<Measurement>;

  /**
   * Subscribes figure 5's live queries on this page: the collection's `subscribe` and Dexie's
   * `liveQuery` over the raw database. With `isWatcher`, arrivals are announced to the writing tab.
   */
  startLiveQueries(isWatcher: boolean): Promise<void>;
  stopLiveQueries(): void;
  /** Figure 5: p50 from a write on this page to the live query callback in `tab` seeing it. */
  liveQueryLatency(side: Side, tab: LiveQueryTab, budget: SampleBudget): Promise<Measurement>;

  /** Baseline of figure 7: p50 of a bare message round trip on a port to the worker (Comlink dispatch, no app code). */
  rawEcho(budget: SampleBudget): Promise<Measurement>;
  /** Figure 7: p50 of `client.status()`. */
  statusCall(budget: SampleBudget): Promise<Measurement>;
  /** Figure 7: p50 of `client.collections()`. */
  collectionsCall(budget: SampleBudget): Promise<Measurement>;

  /** Queues `count` new todos while sync is paused (`bulkPut`, else `fetch POST`s 50 at a time); not a figure. */
  queueWrites(count: number): Promise<Measurement>;
  /** Figure 8: resumes sync and syncs until the outbox is empty; pauses again. */
  replayQueued(): Promise<Measurement>;
  /** Baseline of figure 8: `count` sequential `POST /sync/push` of one mutation each. */
  pushOneByOne(count: number): Promise<Measurement>;
}
