// Figure 2: many writes at once, through fetch and through the collection's bulk API.
import { BenchBackend } from './bench-backend.ts';
import type { BenchSite } from './bench-site.ts';
import { BrowserProfile } from './browser-profile.ts';
import { failedRow, type Row, runInterleaved } from './figure-runner.ts';
import { sizeLabel } from './report.ts';

/** Requests in flight at once for the fetch writes, as a busy app has. */
const IN_FLIGHT = 50;

export interface WriteOptions {
  site: BenchSite;
  /** Writes per measurement (10k). */
  writes: number;
  repeats: number;
}

/** Measures figure 2 on an empty database, with network sync paused. */
export async function runWriteFigures({ site, writes, repeats }: WriteOptions): Promise<Row[]> {
  const label = `${sizeLabel(writes)} writes`;
  const backend = await BenchBackend.start(site.dir);
  let profile: BrowserProfile | null = null;
  try {
    profile = await BrowserProfile.launch();
    const tab = await profile.open(backend.pageUrl);
    await tab.call('connect');
    await tab.call('pauseSync');
    console.log(`[${label}] fetch writes and bulk writes`);
    return await runInterleaved(repeats, [
      {
        figure: `2. fetch POSTs, ${IN_FLIGHT} in flight (vs as many empty fetch round trips)`,
        size: label,
        target: { kind: 'ratio', max: 1.5 },
        baseline: () => tab.call('emptyFetchMany', writes, IN_FLIGHT),
        ours: () => tab.call('postManyViaFetch', writes, IN_FLIGHT),
      },
      {
        figure: '2. collection.bulkPut (vs raw Dexie bulkPut): ≥ 0.5x throughput',
        size: label,
        target: { kind: 'ratio', max: 2 },
        baseline: () => tab.call('bulkPutRaw', writes),
        ours: () => tab.call('bulkPutViaCollection', writes),
      },
      {
        figure: '2. collection.bulkDelete of those (vs raw Dexie bulkDelete)',
        size: label,
        target: { kind: 'ratio', max: 2 },
        baseline: () => tab.call('bulkDeleteRaw'),
        ours: () => tab.call('bulkDeleteViaCollection'),
      },
    ]);
  } catch (error) {
    return [failedRow('2. (write figures stopped)', label, error)];
  } finally {
    await profile?.close();
    await backend.close();
  }
}
