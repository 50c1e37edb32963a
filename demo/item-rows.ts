import type { DeadLetterInfo } from 'syncworker';
import { MARK_LABELS, type SyncMark, type SyncMarks } from './sync-marks.ts';

/** What the user can do about a change not yet accepted: undo it while it waits, undo or retry it once refused. */
export interface ChangeActions {
  /** Drops a record's changes still waiting to be sent, from `seq` on: the record is back as it was. */
  undoPending(seq: number): void;
  /** Drops the refused change: the record stays as the server has it (a refused create disappears). */
  undo(letter: DeadLetterInfo): void;
  /** Applies the refused change again and sends it once more. */
  retry(letter: DeadLetterInfo): void;
}

/** How a list shows one kind of record. */
export interface ListKind<T extends { id: string }> {
  collection: string;
  /** The `li` class of its rows. */
  className: string;
  /** The record's text, from the record or from a refused create's data. */
  text(data: Partial<T>): string;
  /** Where the rows of refused creates of records no longer stored go. */
  refusalsFirst: boolean;
  /** What to say when deleting the record. */
  removeLabel(text: string): string;
  remove(record: T): void;
  /** Controls before the text (the todos' checkbox); the refused rows keep their place empty. */
  leading?(record: T): HTMLElement;
  /** Classes the record adds to its row (a done todo). */
  extraClass?(record: T): string;
}

/** Renders the records, each with its sync mark, and the refused creates of records no longer stored. */
export function renderList<T extends { id: string }>(
  list: HTMLUListElement,
  records: T[],
  kind: ListKind<T>,
  marks: SyncMarks,
  actions: ChangeActions,
): number {
  const rows = records.map((record) => recordRow(kind, record, marks, actions));
  const present = new Set(records.map((record) => record.id));
  const refused = marks.refusalsOfAbsent(kind.collection, present).map((letter) => refusedRow(kind, letter, actions));
  if (kind.refusalsFirst) rows.unshift(...refused.reverse());
  else rows.push(...refused);
  replaceItems(list, rows);
  return rows.length;
}

function recordRow<T extends { id: string }>(
  kind: ListKind<T>,
  record: T,
  marks: SyncMarks,
  actions: ChangeActions,
): HTMLLIElement {
  const mark = marks.markOf(kind.collection, record.id);
  const row = itemRow(record.id, mark, `${kind.className}${kind.extraClass?.(record) ?? ''}`);
  const text = kind.text(record);
  const remove = actionButton('×', `${record.id}:remove`, () => kind.remove(record), 'remove');
  remove.setAttribute('aria-label', kind.removeLabel(text));
  const pendingSeq = marks.oldestPendingSeq(kind.collection, record.id);
  const state = syncState(mark, pendingSeq, { id: record.id, name: text }, actions);
  row.append(...(kind.leading ? [kind.leading(record)] : []), textSpan(text), state, remove);
  const rejection = marks.rejectionOf(kind.collection, record.id);
  if (rejection) row.append(refusalBlock(rejection, actions));
  return row;
}

/** A record whose create the server refused: gone locally, shown until the user undoes or retries it. */
function refusedRow<T extends { id: string }>(
  kind: ListKind<T>,
  letter: DeadLetterInfo,
  actions: ChangeActions,
): HTMLLIElement {
  const id = letter.mutation?.recordId ?? letter.id;
  const row = itemRow(id, 'rejected', `${kind.className} ghost`);
  const placeholder = document.createElement('span');
  placeholder.setAttribute('aria-hidden', 'true');
  const text = kind.text((letter.mutation?.data ?? {}) as Partial<T>) || id;
  row.append(
    ...(kind.leading ? [placeholder] : []),
    textSpan(text),
    markBadge('rejected'),
    document.createElement('span'),
    refusalBlock(letter, actions),
  );
  return row;
}

function textSpan(text: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = 'text';
  span.textContent = text;
  return span;
}

/** A list item for one record, marked with where it stands with the server. */
function itemRow(id: string, mark: SyncMark, className: string): HTMLLIElement {
  const row = document.createElement('li');
  row.className = `item ${className}${mark === 'rejected' ? ' rejected' : ''}`;
  row.dataset.id = id;
  row.dataset.mark = mark;
  return row;
}

/** Where a record stands with the server; a record with changes waiting offers to undo them. */
function syncState(
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
function markBadge(mark: SyncMark): HTMLSpanElement {
  const badge = document.createElement('span');
  badge.className = 'mark';
  badge.dataset.mark = mark;
  badge.textContent = MARK_LABELS[mark];
  if (mark === 'merged') badge.title = 'Also changed on another device: the server kept both changes';
  return badge;
}

/** A button that keeps keyboard focus across renders through its `data-focus-key`. */
function actionButton(label: string, focusKey: string, onClick: () => void, className = 'quiet'): HTMLButtonElement {
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
function refusalBlock(letter: DeadLetterInfo, actions: ChangeActions): HTMLDivElement {
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
function replaceItems(list: HTMLElement, rows: HTMLElement[]): void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
  list.replaceChildren(...rows);
  if (focused) list.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
}
