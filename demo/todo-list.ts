import type { ListKind } from './item-rows.ts';
import type { Todo } from './schema.ts';

/** What the user can do with a todo besides undoing or retrying its changes. */
export interface TodoActions {
  toggle(todo: Todo, done: boolean): void;
  remove(todo: Todo): void;
}

/** The todos, oldest first, each with a checkbox; refused creates are listed last. */
export function todoKind(actions: TodoActions): ListKind<Todo> {
  return {
    collection: 'todos',
    className: 'todo',
    text: (todo) => String(todo.title ?? ''),
    refusalsFirst: false,
    removeLabel: (title) => `Delete: ${title}`,
    remove: actions.remove,
    extraClass: (todo) => (todo.done ? ' done' : ''),
    leading(todo) {
      const done = document.createElement('input');
      done.type = 'checkbox';
      done.checked = todo.done === true;
      done.dataset.focusKey = `${todo.id}:done`;
      done.setAttribute('aria-label', `Done: ${String(todo.title)}`);
      done.addEventListener('change', () => actions.toggle(todo, done.checked));
      return done;
    },
  };
}
