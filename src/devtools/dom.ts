export type Child = Node | string | number | null | undefined | false;

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
  append(element, children);
  return element;
}

/** Appends children as nodes, strings and numbers as text. */
export function append(parent: Node & ParentNode, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** A two-column table of names and values. */
export function facts(rows: [string, Child][]): HTMLElement {
  return h(
    'table',
    { class: 'facts' },
    h('tbody', {}, ...rows.map(([name, value]) => h('tr', {}, h('th', {}, name), h('td', {}, value)))),
  );
}

export function button(label: string, onClick: () => void, title?: string): HTMLButtonElement {
  return h('button', { onClick, ...(title ? { title } : {}), attrs: { type: 'button' } }, label);
}

/** Names a terse button (an icon, a short word) in full, for its tooltip and for assistive technology. */
export function labelled(target: HTMLButtonElement, label: string): HTMLButtonElement {
  target.title = label;
  target.setAttribute('aria-label', label);
  return target;
}

/** A time of day as HH:MM:SS: 24 h, so its width never depends on the hour. */
export function clockTime(at: number): string {
  const date = new Date(at);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}

/** A time of day, marked volatile. */
export function time(at: number | null): Child {
  return at === null ? '—' : h('span', { volatile: true, class: 'time' }, clockTime(at));
}

/** A duration, marked volatile. */
export function duration(ms: number): Child {
  return h('span', { volatile: true }, ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
}
