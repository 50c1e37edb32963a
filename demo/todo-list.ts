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
import type { Todo } from './schema.ts';
import type { SyncMarks } from './sync-marks.ts';

/** What the user can do with a todo. */
export interface TodoActions extends ChangeActions {
  toggle(todo: Todo, done: boolean): void;
  remove(todo: Todo): void;
}

/** Renders the todos, each with its sync mark; refused changes of todos no longer stored are shown from their letter. */
export function renderTodos(list: HTMLUListElement, todos: Todo[], marks: SyncMarks, actions: TodoActions): number {
  const rows = todos.map((todo) => todoRow(todo, marks, actions));
  const present = new Set(todos.map((todo) => todo.id));
  for (const letter of marks.refusalsOfAbsent('todos', present)) rows.push(refusedTodoRow(letter, actions));
  replaceItems(list, rows);
  return rows.length;
}

function todoRow(todo: Todo, marks: SyncMarks, actions: TodoActions): HTMLLIElement {
  const mark = marks.markOf('todos', todo.id);
  const row = itemRow(todo.id, mark, `todo${todo.done ? ' done' : ''}`);
  const done = document.createElement('input');
  done.type = 'checkbox';
  done.checked = todo.done === true;
  done.dataset.focusKey = `${todo.id}:done`;
  done.setAttribute('aria-label', `Done: ${String(todo.title)}`);
  done.addEventListener('change', () => actions.toggle(todo, done.checked));
  const title = document.createElement('span');
  title.className = 'text';
  title.textContent = String(todo.title);
  const remove = actionButton('×', `${todo.id}:remove`, () => actions.remove(todo), 'remove');
  remove.setAttribute('aria-label', `Delete: ${String(todo.title)}`);
  const state = syncState(
    mark,
    marks.oldestPendingSeq('todos', todo.id),
    { id: todo.id, name: String(todo.title) },
    actions,
  );
  row.append(done, title, state, remove);
  const rejection = marks.rejectionOf('todos', todo.id);
  if (rejection) row.append(refusalBlock(rejection, actions));
  return row;
}

/** A todo whose create the server refused: gone locally, shown until the user undoes or retries it. */
function refusedTodoRow(letter: DeadLetterInfo, actions: ChangeActions): HTMLLIElement {
  const id = letter.mutation?.recordId ?? letter.id;
  const row = itemRow(id, 'rejected', 'todo ghost');
  const placeholder = document.createElement('span');
  placeholder.setAttribute('aria-hidden', 'true');
  const title = document.createElement('span');
  title.className = 'text';
  title.textContent = String(letter.mutation?.data?.title ?? id);
  row.append(placeholder, title, markBadge('rejected'), document.createElement('span'), refusalBlock(letter, actions));
  return row;
}
