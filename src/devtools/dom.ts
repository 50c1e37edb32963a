type Child = Node | string | number | null | undefined | false;

interface Props {
  class?: string;
  title?: string;
  /** Marks values that change from run to run (times, sizes), e.g. for screenshot masks. */
  volatile?: boolean;
  onClick?: () => void;
  attrs?: Record<string, string>;
}

/**
 * Creates an element. Children that are strings become text nodes: data is never parsed as
 * HTML, so a record holding `<img onerror=…>` shows as those characters and runs nothing.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.title) element.title = props.title;
  if (props.volatile) element.dataset.volatile = '';
  if (props.onClick) element.addEventListener('click', props.onClick);
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A table with a header row (none when `headers` is empty); each row is a list of cells. */
export function table(headers: string[], rows: Child[][], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    {},
    headers.length > 0 && h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', {}, header)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  );
}

export function button(label: string, onClick: () => void, title?: string): HTMLButtonElement {
  return h('button', { onClick, ...(title ? { title } : {}), attrs: { type: 'button' } }, label);
}

export function time(at: number | null): Child {
  return at === null ? '—' : h('span', { volatile: true }, new Date(at).toLocaleTimeString());
}
