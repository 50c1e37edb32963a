import type { ListKind } from './item-rows.ts';
import type { Note } from './schema.ts';

/** The shared notes, newest first; refused creates are listed first. */
export function noteKind(remove: (note: Note) => void): ListKind<Note> {
  return {
    collection: 'notes',
    className: 'note',
    text: (note) => String(note.text ?? ''),
    refusalsFirst: true,
    removeLabel: (text) => `Delete note: ${text}`,
    remove,
  };
}
