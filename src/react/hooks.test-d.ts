// Type tests, checked by `tsc -p src`: each `@ts-expect-error` line must fail to compile.
import type { RecordOf, Schema } from '../../protocol/index.ts';
import { useQuery } from './use-query.ts';
import { useRecord } from './use-record.ts';

const noteSchema = {
  type: 'object',
  properties: { text: { type: 'string' }, pinned: { type: 'boolean' }, at: { type: 'number' } },
  required: ['text'],
} as const satisfies Schema;
type Note = RecordOf<typeof noteSchema>;

export function NotesView(): string {
  const { records } = useQuery<Note>('notes', { where: { pinned: true }, sort: '-at', limit: 5 });
  const texts: string[] = (records ?? []).map((note) => note.text);
  const { record } = useRecord<Note>('notes', 'n1');
  const pinned: boolean | undefined = record?.pinned;
  // @ts-expect-error no field `pined`
  useQuery<Note>('notes', { where: { pined: true } });
  // @ts-expect-error `at` is a number
  useQuery<Note>('notes', { where: { at: 'today' } });
  // @ts-expect-error no field `when` to sort by
  useQuery<Note>('notes', { sort: 'when' });
  // @ts-expect-error a note's text is a string
  const wrong: number = record?.text ?? 0;
  return `${texts.join()}${pinned}${wrong}`;
}
