import type { SyncLogEntry } from '../../protocol/index.ts';
import { h } from './dom.ts';

/** Log kinds, for the kind picker. */
const KINDS: SyncLogEntry['kind'][] = [
  'run',
  'push',
  'pull',
  'replay',
  'conflict',
  'rejected',
  'error',
  'pause',
  'user',
  'query',
];
/** Kinds that mean something went wrong. */
const PROBLEMS = new Set<SyncLogEntry['kind']>(['conflict', 'rejected', 'error']);

export interface LogFilter {
  /** The text box and the kind picker; the same elements across renders, so typing is never interrupted. */
  readonly element: HTMLElement;
  matches(entry: SyncLogEntry): boolean;
}

/**
 * The log view's filter: a case-insensitive text match on the message and details, and a kind
 * (or "problems": conflicts, rejections and errors). Calls `onChange` as the user types or picks.
 */
export function createLogFilter(onChange: () => void): LogFilter {
  const text = h('input', {
    attrs: { type: 'search', placeholder: 'Filter the log', 'aria-label': 'Filter the log' },
  });
  const kind = h(
    'select',
    { attrs: { 'aria-label': 'Kind' } },
    h('option', { attrs: { value: '' } }, 'all kinds'),
    h('option', { attrs: { value: 'problems' } }, 'problems'),
    ...KINDS.map((name) => h('option', { attrs: { value: name } }, name)),
  );
  text.addEventListener('input', onChange);
  kind.addEventListener('change', onChange);
  return {
    element: h('div', { class: 'toolbar' }, text, kind),
    matches(entry) {
      const wanted = kind.value;
      if (wanted === 'problems' ? !PROBLEMS.has(entry.kind) : wanted !== '' && entry.kind !== wanted) return false;
      const needle = text.value.trim().toLowerCase();
      if (needle === '') return true;
      const haystack = `${entry.kind} ${entry.message} ${entry.details ? JSON.stringify(entry.details) : ''}`;
      return haystack.toLowerCase().includes(needle);
    },
  };
}
