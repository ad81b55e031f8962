import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { t0, useStore } from './store.js';

const windowMs = 60_000;

describe.each(engines)('request-counter repository on %s', (engine) => {
  const store = useStore(engine);

  it('counts requests per key within a fixed window that starts with the first one', async () => {
    const { requestCounters } = store().repos;
    const [key, other] = [`starts:${randomUUID()}`, `starts:${randomUUID()}`];
    expect(await requestCounters.count(key, t0, windowMs)).toEqual({ count: 1, windowEndsAt: t0 + windowMs });
    expect(await requestCounters.count(key, t0 + 10, windowMs)).toEqual({ count: 2, windowEndsAt: t0 + windowMs });
    expect(await requestCounters.count(other, t0 + 20, windowMs)).toEqual({
      count: 1,
      windowEndsAt: t0 + 20 + windowMs,
    });
    expect(await requestCounters.count(key, t0 + windowMs - 1, windowMs)).toEqual({
      count: 3,
      windowEndsAt: t0 + windowMs,
    });
  });

  it('starts a new window, counting from one, once the last has ended', async () => {
    const { requestCounters } = store().repos;
    const key = `starts:${randomUUID()}`;
    await requestCounters.count(key, t0, windowMs);
    await requestCounters.count(key, t0 + 1, windowMs);
    expect(await requestCounters.count(key, t0 + windowMs, windowMs)).toEqual({
      count: 1,
      windowEndsAt: t0 + 2 * windowMs,
    });
    expect(await requestCounters.count(key, t0 + windowMs + 5, windowMs)).toEqual({
      count: 2,
      windowEndsAt: t0 + 2 * windowMs,
    });
  });

  it('counts every one of many concurrent requests once', async () => {
    const { requestCounters } = store().repos;
    const key = `codes:${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => requestCounters.count(key, t0, windowMs)));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
