import type { DeadLetterInfo } from 'syncworker';
import { MARK_LABELS, type SyncMark } from './sync-marks.ts';

/** What the user can do about a change not yet accepted: undo it while it waits, undo or retry it once refused. */
export interface ChangeActions {
  /** Drops a record's changes still waiting to be sent, from `seq` on: the record is back as it was. */
  undoPending(seq: number): void;
  /** Drops the refused change: the record stays as the server has it (a refused create disappears). */
  undo(letter: DeadLetterInfo): void;
  /** Applies the refused change again and sends it once more. */
  retry(letter: DeadLetterInfo): void;
}

/** A list item for one record, marked with where it stands with the server. */
export function itemRow(id: string, mark: SyncMark, className: string): HTMLLIElement {
  const row = document.createElement('li');
  row.className = `item ${className}${mark === 'rejected' ? ' rejected' : ''}`;
  row.dataset.id = id;
  row.dataset.mark = mark;
  return row;
}

/** Where a record stands with the server; a record with changes waiting offers to undo them. */
export function syncState(
  mark: SyncMark,
  pendingSeq: number | undefined,
  record: { id: string; name: string },
  actions: ChangeActions,
): HTMLSpanElement {
  const state = document.createElement('span');
  state.className = 'sync-state';
  state.append(markBadge(mark));
  if (mark === 'pending' && pendingSeq !== undefined) {
    const undo = actionButton(
      'Undo',
      `${record.id}:undo-pending`,
      () => actions.undoPending(pendingSeq),
      'quiet small',
    );
    undo.setAttribute('aria-label', `Undo unsent change: ${record.name}`);
    undo.title = 'Drop the change before it is sent';
    state.append(undo);
  }
  return state;
}

/** The small label telling where a record stands with the server. */
export function markBadge(mark: SyncMark): HTMLSpanElement {
  const badge = document.createElement('span');
  badge.className = 'mark';
  badge.dataset.mark = mark;
  badge.textContent = MARK_LABELS[mark];
  if (mark === 'merged') badge.title = 'Also changed on another device: the server kept both changes';
  return badge;
}

/** A button that keeps keyboard focus across renders through its `data-focus-key`. */
export function actionButton(
  label: string,
  focusKey: string,
  onClick: () => void,
  className = 'quiet',
): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = className;
  button.textContent = label;
  button.dataset.focusKey = focusKey;
  button.addEventListener('click', onClick);
  return button;
}

const REFUSED: Record<string, string> = {
  create: 'The server refused this item',
  update: 'The server refused your edit',
  delete: 'The server refused to delete this',
};

/** The server's reason for refusing a change, with Undo and Retry. */
export function refusalBlock(letter: DeadLetterInfo, actions: ChangeActions): HTMLDivElement {
  const block = document.createElement('div');
  block.className = 'rejection';
  const reason = document.createElement('p');
  reason.textContent = `${REFUSED[letter.mutation?.op ?? 'update'] ?? REFUSED.update}: ${letter.error.message}`;
  const buttons = document.createElement('div');
  buttons.className = 'actions';
  const undo = actionButton('Undo', `${letter.id}:undo`, () => actions.undo(letter));
  undo.title = letter.mutation?.op === 'create' ? 'Remove it from this device' : 'Keep the server’s version';
  const retry = actionButton('Retry', `${letter.id}:retry`, () => actions.retry(letter));
  retry.title = 'Send the change again';
  buttons.append(undo, retry);
  block.append(reason, buttons);
  return block;
}

/** Replaces a list's items, putting keyboard focus back on the control that had it. */
export function replaceItems(list: HTMLElement, rows: HTMLElement[]): void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
  list.replaceChildren(...rows);
  if (focused) list.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
}
