// Figure 8: replaying a queued outbox over a slow link, against one request per mutation; and
// figure 7's status() with that outbox pending.
import { BenchBackend } from './bench-backend.ts';
import type { BenchSite } from './bench-site.ts';
import { BrowserProfile } from './browser-profile.ts';
import { failedRow, type Row, runInterleaved } from './figure-runner.ts';
import type { SampleBudget } from './page-protocol.ts';
import { sizeLabel } from './report.ts';

/** Added to every request's round trip by the proxy. */
const ADDED_RTT_MS = 20;
const CALL_BUDGET: SampleBudget = { min: 10, max: 100, budgetMs: 800 };

export interface ReplayOptions {
  site: BenchSite;
  /** Queued mutations per measurement (10k). */
  writes: number;
  /** One-mutation pushes the baseline measures before extrapolating to `writes` (200). */
  oneByOne: number;
  repeats: number;
}

/** Measures figure 8 (and status() with `writes` pending) behind the latency proxy. */
export async function runReplayFigures({ site, writes, oneByOne, repeats }: ReplayOptions): Promise<Row[]> {
  const label = `${sizeLabel(writes)} mutations`;
  const measured = Math.min(oneByOne, writes);
  const backend = await BenchBackend.start(site.dir);
  backend.proxy.delayMs = ADDED_RTT_MS;
  let profile: BrowserProfile | null = null;
  try {
    profile = await BrowserProfile.launch();
    const tab = await profile.open(backend.pageUrl);
    await tab.call('connect');
    await tab.call('pauseSync');
    console.log(`[${label}] replay at +${ADDED_RTT_MS} ms round trip`);
    return await runInterleaved(repeats, [
      {
        figure: `7. client.status() p50 with ${sizeLabel(writes)} pending (vs a bare port round trip)`,
        size: label,
        target: { kind: 'ratio', max: 1.5 },
        baseline: async () => {
          // Queue the outbox the replay below sends; the status call then sees it pending.
          const queued = await tab.call('queueWrites', writes);
          return 'missing' in queued ? queued : tab.call('rawEcho', CALL_BUDGET);
        },
        ours: () => tab.call('statusCall', CALL_BUDGET),
      },
      {
        figure:
          `8. replay of the queued outbox at +${ADDED_RTT_MS} ms round trip (vs one push per mutation: ` +
          `${measured} measured, ×${writes / measured})`,
        size: label,
        target: { kind: 'speedup', min: 50 },
        baseline: () => tab.call('pushOneByOne', measured),
        scaleBaseline: (ms) => (ms * writes) / measured,
        ours: () => tab.call('replayQueued'),
      },
    ]);
  } catch (error) {
    return [failedRow('8. (replay figures stopped)', label, error)];
  } finally {
    await profile?.close();
    await backend.close();
  }
}
