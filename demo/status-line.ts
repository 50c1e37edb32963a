import { describeNotices, describeStatus, type ShownStatus } from './status-text.ts';

/** Shows the status line and the notices under it. Times are `<time>` elements (tests mask them). */
export function renderStatus(line: HTMLElement, notices: HTMLElement, status: ShownStatus, isOnline: boolean): void {
  const { tone, text, at } = describeStatus(status, isOnline);
  line.dataset.tone = tone;
  const dot = document.createElement('span');
  dot.className = 'dot';
  dot.setAttribute('aria-hidden', 'true');
  const words = document.createElement('span');
  words.className = 'status-text';
  words.textContent = text;
  if (at !== null) {
    const time = document.createElement('time');
    time.dateTime = new Date(at).toISOString();
    time.textContent = new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    words.append(' ', time);
  }
  line.replaceChildren(dot, words);
  notices.replaceChildren(
    ...describeNotices(status).map((notice) => {
      const item = document.createElement('p');
      item.className = 'notice';
      item.dataset.tone = notice.tone;
      item.textContent = notice.text;
      return item;
    }),
  );
}
