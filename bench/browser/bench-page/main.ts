// The bench page's entry: `window.bench`, the in-page half of each figure (see ../page-protocol.ts).
import type { BenchPageApi } from '../page-protocol.ts';
import { bootstrapRaw, bootstrapWhileWriting, bootstrapWorker } from './bootstrap.ts';
import { collectionsCall, rawEcho, statusCall } from './link-calls.ts';
import { liveQueryLatency, startLiveQueries, stopLiveQueries } from './live-queries.ts';
import { compareLists, getRaw, getViaFetch, listRaw, listViaCollection, listViaFetch } from './reads.ts';
import { pushOneByOne, queueWrites, replayQueued } from './replay.ts';
import { connectWorker, syncClient } from './worker-client.ts';
import {
  bulkDeleteRaw,
  bulkDeleteViaCollection,
  bulkPutRaw,
  bulkPutViaCollection,
  emptyFetch,
  emptyFetchMany,
  postManyViaFetch,
  postViaFetch,
  putRaw,
  putViaCollection,
} from './writes.ts';

window.bench = {
  connect: connectWorker,
  async pauseSync() {
    await syncClient().pause();
  },
  bootstrapRaw,
  bootstrapWorker,
  bootstrapWhileWriting,
  listViaFetch,
  listViaCollection,
  listRaw,
  compareLists,
  getViaFetch,
  getRaw,
  putViaCollection,
  putRaw,
  postViaFetch,
  emptyFetch,
  postManyViaFetch,
  emptyFetchMany,
  bulkPutViaCollection,
  bulkPutRaw,
  bulkDeleteViaCollection,
  bulkDeleteRaw,
  startLiveQueries,
  stopLiveQueries,
  liveQueryLatency,
  rawEcho,
  statusCall,
  collectionsCall,
  queueWrites,
  replayQueued,
  pushOneByOne,
} satisfies BenchPageApi;
