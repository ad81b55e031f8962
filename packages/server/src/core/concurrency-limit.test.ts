import { describe, expect, it } from 'vitest';
import { concurrencyLimit } from './concurrency-limit.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('concurrencyLimit', () => {
  it('runs at most `slots` tasks at once, the others in arrival order', async () => {
    const limited = concurrencyLimit(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((n) =>
        limited(async () => {
          started.push(n);
          running += 1;
          most = Math.max(most, running);
          await tick();
          running -= 1;
          return n;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('tells how many tasks wait for a slot', async () => {
    const limited = concurrencyLimit(1);
    const all = Promise.all([limited(tick), limited(tick), limited(tick)]);
    expect(limited.waiting()).toBe(2);
    await all;
    expect(limited.waiting()).toBe(0);
  });

  it('frees the slot of a task that fails, and passes its error on', async () => {
    const limited = concurrencyLimit(1);
    const failing = limited(async () => {
      await tick();
      throw new Error('boom');
    });
    const next = limited(async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('refuses a task at once when `max` tasks are already waiting, and takes new ones as the queue drains', async () => {
    const limited = concurrencyLimit(1, { max: 2, full: () => new Error('queue full') });
    const release: Array<() => void> = [];
    const task = () => limited(() => new Promise<string>((resolve) => release.push(() => resolve('done'))));
    const [running, first, second] = [task(), task(), task()];
    await expect(task()).rejects.toThrow('queue full');
    release.shift()!();
    await expect(running).resolves.toBe('done');
    const third = task();
    for (const pending of [first, second, third]) {
      await tick();
      release.shift()!();
      await expect(pending).resolves.toBe('done');
    }
  });
});
