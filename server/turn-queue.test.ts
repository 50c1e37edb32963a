import { describe, expect, it } from 'vitest';
import { TurnQueue } from './turn-queue.ts';

const gate = () => {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

describe('TurnQueue', () => {
  it('runs work one at a time per key, in arrival order, and other keys alongside', async () => {
    const turns = new TurnQueue({ maxWaitMs: 1000, maxWaiting: 10 });
    const order: string[] = [];
    const first = gate();
    const running = [
      turns.run('alice', async () => {
        order.push('alice 1 starts');
        await first.opened;
        order.push('alice 1 ends');
      }),
      turns.run('alice', async () => void order.push('alice 2')),
      turns.run('alice', async () => void order.push('alice 3')),
      turns.run('bob', async () => void order.push('bob')),
    ];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual(['alice 1 starts', 'bob']);
    first.open();
    await Promise.all(running);
    expect(order).toEqual(['alice 1 starts', 'bob', 'alice 1 ends', 'alice 2', 'alice 3']);
  });

  it('passes the turn on when work fails', async () => {
    const turns = new TurnQueue({ maxWaitMs: 1000, maxWaiting: 10 });
    const failing = turns.run('alice', async () => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    await expect(turns.run('alice', async () => 'next')).resolves.toBe('next');
  });

  it('refuses with rate_limited a wait past maxWaitMs or behind maxWaiting others', async () => {
    const turns = new TurnQueue({ maxWaitMs: 50, maxWaiting: 2 });
    const holder = gate();
    const held = turns.run('alice', () => holder.opened);
    const waiting = [turns.run('alice', async () => 'second'), turns.run('alice', async () => 'third')];
    await expect(turns.run('alice', async () => 'fourth')).rejects.toMatchObject({
      code: 'rate_limited',
      details: { retryAfterSeconds: 2 },
    });
    for (const wait of waiting) await expect(wait).rejects.toMatchObject({ code: 'rate_limited' });
    holder.open();
    await held;
    await expect(turns.run('alice', async () => 'later')).resolves.toBe('later');
  });
});
