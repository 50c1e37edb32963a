/**
 * The progress bar of a long pull (a first sync of many records arrives page by page): shown
 * while more pages follow, hidden after the last. A pull of a few changes never shows it.
 */
export function renderProgress(bar: HTMLElement, text: HTMLElement, pulled: number, hasMore: boolean): void {
  bar.hidden = !hasMore;
  text.textContent = `Downloading your data: ${pulled.toLocaleString('en')} records so far…`;
}
