import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { t0, useStore } from './store.js';

const windowMs = 60_000;
/** Locks for 10 s from the third failure on. */
const policy = { windowMs, lockFor: (failures: number) => (failures >= 3 ? 10_000 : 0) };

describe.each(engines)('rate-limit repository on %s', (engine) => {
  const store = useStore(engine);

  it('counts failures per key and locks when the policy says so', async () => {
    const { rateLimits } = store().repos;
    const [key, other] = [`account:${randomUUID()}`, `ip:${randomUUID()}`];
    expect(await rateLimits.get(key)).toBeNull();
    expect(await rateLimits.fail(key, t0, policy)).toEqual({ failures: 1, lockedUntil: 0 });
    expect(await rateLimits.fail(key, t0 + 1, policy)).toEqual({ failures: 2, lockedUntil: 0 });
    expect(await rateLimits.fail(key, t0 + 2, policy)).toEqual({ failures: 3, lockedUntil: t0 + 2 + 10_000 });
    expect(await rateLimits.get(key)).toEqual({ failures: 3, lockedUntil: t0 + 2 + 10_000 });
    expect(await rateLimits.fail(other, t0 + 3, policy)).toEqual({ failures: 1, lockedUntil: 0 });
  });

  it('starts counting again when the last failure is older than the window', async () => {
    const { rateLimits } = store().repos;
    const key = `account:${randomUUID()}`;
    await rateLimits.fail(key, t0, policy);
    await rateLimits.fail(key, t0 + windowMs, policy);
    expect((await rateLimits.get(key))!.failures).toBe(2);
    expect((await rateLimits.fail(key, t0 + 2 * windowMs + 1, policy)).failures).toBe(1);
  });

  it('keeps counting after a lockout that outlasts the window, until a window has passed since it ended', async () => {
    const { rateLimits } = store().repos;
    const key = `account:${randomUUID()}`;
    const long = { windowMs, lockFor: (failures: number) => (failures >= 2 ? 3 * windowMs : 0) };
    await rateLimits.fail(key, t0, long);
    expect(await rateLimits.fail(key, t0 + 1, long)).toEqual({ failures: 2, lockedUntil: t0 + 1 + 3 * windowMs });
    expect(await rateLimits.fail(key, t0 + 3 * windowMs, long)).toEqual({ failures: 3, lockedUntil: t0 + 6 * windowMs });
    expect((await rateLimits.fail(key, t0 + 7 * windowMs, long)).failures).toBe(4);
    expect((await rateLimits.fail(key, t0 + 11 * windowMs + 1, long)).failures).toBe(1);
  });

  it('counts every one of many concurrent failures', async () => {
    const { rateLimits } = store().repos;
    const key = `ip:${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => rateLimits.fail(key, t0, policy)));
    expect(results.map((r) => r.failures).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await rateLimits.get(key)).toEqual({ failures: 20, lockedUntil: t0 + 10_000 });
  });

  it('forgets a key when cleared, and only that key', async () => {
    const { rateLimits } = store().repos;
    const [key, kept] = [`account:${randomUUID()}`, `account:${randomUUID()}`];
    await rateLimits.fail(key, t0, policy);
    await rateLimits.fail(kept, t0, policy);
    await rateLimits.clear(key);
    await rateLimits.clear(`account:${randomUUID()}`);
    expect(await rateLimits.get(key)).toBeNull();
    expect(await rateLimits.get(kept)).toEqual({ failures: 1, lockedUntil: 0 });
  });
});
