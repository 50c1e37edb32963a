import type { DeadLetterInfo } from 'syncworker';
import {
  actionButton,
  type ChangeActions,
  itemRow,
  markBadge,
  refusalBlock,
  replaceItems,
  syncState,
} from './item-rows.ts';
import type { Note } from './schema.ts';
import type { SyncMarks } from './sync-marks.ts';

export interface NoteActions extends ChangeActions {
  remove(note: Note): void;
}

/** Renders the shared notes, newest first, each with its sync mark. */
export function renderNotes(list: HTMLUListElement, notes: Note[], marks: SyncMarks, actions: NoteActions): number {
  const rows = notes.map((note) => noteRow(note, marks, actions));
  const present = new Set(notes.map((note) => note.id));
  for (const letter of marks.refusalsOfAbsent('notes', present)) rows.unshift(refusedNoteRow(letter, actions));
  replaceItems(list, rows);
  return rows.length;
}

function noteRow(note: Note, marks: SyncMarks, actions: NoteActions): HTMLLIElement {
  const mark = marks.markOf('notes', note.id);
  const row = itemRow(note.id, mark, 'note');
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = String(note.text);
  const remove = actionButton('×', `${note.id}:remove`, () => actions.remove(note), 'remove');
  remove.setAttribute('aria-label', `Delete note: ${String(note.text)}`);
  const state = syncState(
    mark,
    marks.oldestPendingSeq('notes', note.id),
    { id: note.id, name: String(note.text) },
    actions,
  );
  row.append(text, state, remove);
  const rejection = marks.rejectionOf('notes', note.id);
  if (rejection) row.append(refusalBlock(rejection, actions));
  return row;
}

function refusedNoteRow(letter: DeadLetterInfo, actions: ChangeActions): HTMLLIElement {
  const id = letter.mutation?.recordId ?? letter.id;
  const row = itemRow(id, 'rejected', 'note ghost');
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = String(letter.mutation?.data?.text ?? id);
  row.append(text, markBadge('rejected'), document.createElement('span'), refusalBlock(letter, actions));
  return row;
}
