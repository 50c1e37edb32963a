import type { SyncClient } from '../sync-client.ts';
import { button, h } from './dom.ts';

/**
 * Export and Import buttons: the user's local data (records, unsent changes, pull position) as a
 * file for support or another device, and such a file imported here. `tell` reports the outcome.
 */
export function dataTransferTools(
  client: SyncClient,
  within: ShadowRoot,
  tell: (text: string) => void,
  refresh: () => void,
): HTMLElement {
  const picker = h('input', { attrs: { type: 'file', accept: 'application/json,.json', hidden: '' } });
  picker.addEventListener('change', () => {
    const file = picker.files?.[0];
    picker.value = '';
    if (!file) return;
    client.importData(file).then(
      (summary) => {
        const skipped = summary.skippedCollections.length ? `; left out ${summary.skippedCollections.join(', ')}` : '';
        tell(`Imported ${count(summary.records, 'record')} and ${count(summary.mutations, 'unsent change')}${skipped}`);
        refresh();
      },
      (error: unknown) => tell(`Cannot import: ${messageOf(error)}`),
    );
  });

  const exportData = () =>
    client.exportData().then(
      async (blob) => {
        const { userId } = await client.status();
        download(blob, `syncworker-${userId ?? 'anonymous'}-${new Date().toISOString().slice(0, 10)}.json`, within);
        tell('Exported this device’s data');
      },
      (error: unknown) => tell(`Cannot export: ${messageOf(error)}`),
    );

  return h(
    'div',
    { class: 'toolbar' },
    button('Export data', () => void exportData(), 'Save this device’s data as a file'),
    button('Import data…', () => picker.click(), 'Import a file exported on this or another device'),
    picker,
  );
}

/** Saves `blob` as a file through a temporary download link. */
function download(blob: Blob, name: string, within: ShadowRoot): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { attrs: { href: url, download: name, hidden: '' } });
  within.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** "1 record", "3 records". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
