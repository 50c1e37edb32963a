import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { USAGE } from './cli-options.ts';

describe('the serve command’s options', () => {
  it('are listed in the server package’s README as `--help` prints them', async () => {
    const readme = await readFile(join(import.meta.dirname, 'README.md'), 'utf8');
    const listed = /Options:\n\n```\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(listed).toBe(USAGE.split('\n').slice(2).join('\n').trimEnd());
  });
});
