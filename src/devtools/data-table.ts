import { type Child, h } from './dom.ts';

/** A column: its heading, and whether it takes the room left (its cells are cut with an ellipsis). */
export type Column = string | { label: string; fill: true };

/** A row whose `details` (a record, a mutation, a log entry) can be shown in full and copied as JSON. */
export interface DataRow {
  /** Stable across renders, so an open row stays open. */
  key: string;
  /** Names the row for the toggle's accessible label, e.g. `mutation 3`. */
  label: string;
  cells: Child[];
  details: unknown;
}

/** What the table needs from the panel. */
export interface DetailsHost {
  /** Keys of the rows shown in full. */
  expanded: Set<string>;
  /** Copies `json` to the clipboard and tells the user what was copied. */
  copy(json: string, label: string): void;
}

/**
 * A table whose rows open to show their data in full, pretty-printed as text, with a Copy JSON
 * button. Fill columns stay one line (ellipsis) so the other columns keep their width.
 */
export function dataTable(columns: Column[], rows: DataRow[], host: DetailsHost, empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  const fills = columns.map((column) => typeof column !== 'string');
  const span = String(columns.length + 1);
  const body = h('tbody');
  for (const row of rows) {
    const json = JSON.stringify(row.details, null, 2);
    const details = h(
      'tr',
      { class: 'details' },
      h(
        'td',
        { attrs: { colspan: span } },
        h(
          'div',
          { class: 'details-bar' },
          h('button', { attrs: { type: 'button' }, onClick: () => host.copy(json, row.label) }, 'Copy JSON'),
        ),
        h('pre', {}, json),
      ),
    );
    const toggle = h('button', {
      class: 'toggle',
      attrs: { type: 'button', 'aria-label': `Details of ${row.label}` },
    });
    const line = h(
      'tr',
      {},
      h('td', { class: 'toggle-cell' }, toggle),
      ...row.cells.map((cell, index) => h('td', fills[index] ? { class: 'fill' } : {}, cell)),
    );
    const setOpen = (isOpen: boolean) => {
      toggle.setAttribute('aria-expanded', String(isOpen));
      toggle.textContent = isOpen ? '▾' : '▸';
      if (isOpen) line.after(details);
      else details.remove();
    };
    toggle.addEventListener('click', () => {
      const isOpen = !host.expanded.has(row.key);
      if (isOpen) host.expanded.add(row.key);
      else host.expanded.delete(row.key);
      setOpen(isOpen);
    });
    body.append(line);
    setOpen(host.expanded.has(row.key));
  }
  return h(
    'table',
    { class: 'data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { class: 'toggle-cell' }),
        ...columns.map((column) =>
          typeof column === 'string' ? h('th', {}, column) : h('th', { class: 'fill' }, column.label),
        ),
      ),
    ),
    body,
  );
}
