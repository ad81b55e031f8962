import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { t0, useStore } from './store.js';

const windowMs = 60_000;
/** Locks for 10 s from the third failure on. */
const policy = { windowMs, lockFor: (failures: number) => (failures >= 3 ? 10_000 : 0) };

describe.each(engines)('rate-limit repository on %s', (engine) => {
  const store = useStore(engine);

  it('reserves while a successful attempt clears the key at the same moment, without failing', async () => {
    const { rateLimits } = store().repos;
    const key = `account:${randomUUID()}`;
    // A clear (DELETE) landing between a reservation's insert and its read once left it no row to read: a 500.
    const raced = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? rateLimits.clear(key) : rateLimits.reserve(key, t0 + i, policy))),
    );
    expect(raced.filter((result) => result.status === 'rejected')).toEqual([]);
  });

  it('counts each reserved attempt per key, locks when the policy says so, and counts nothing while locked', async () => {
    const { rateLimits } = store().repos;
    const [key, other] = [`account:${randomUUID()}`, `ip:${randomUUID()}`];
    expect(await rateLimits.get(key)).toBeNull();
    expect(await rateLimits.reserve(key, t0, policy)).toMatchObject({ allowed: true, failures: 1, lockedUntil: 0 });
    expect(await rateLimits.reserve(key, t0 + 1, policy)).toMatchObject({ allowed: true, failures: 2, lockedUntil: 0 });
    expect(await rateLimits.reserve(key, t0 + 2, policy)).toMatchObject({
      allowed: true,
      failures: 3,
      lockedUntil: t0 + 2 + 10_000,
    });
    expect(await rateLimits.reserve(key, t0 + 3, policy)).toMatchObject({
      allowed: false,
      failures: 3,
      lockedUntil: t0 + 2 + 10_000,
    });
    expect(await rateLimits.get(key)).toEqual({ failures: 3, lockedUntil: t0 + 2 + 10_000 });
    // After the lockout the next attempt is allowed, and counted.
    expect(await rateLimits.reserve(key, t0 + 2 + 10_000, policy)).toMatchObject({
      allowed: true,
      failures: 4,
      lockedUntil: t0 + 2 + 10_000 + 10_000,
    });
    expect(await rateLimits.reserve(other, t0 + 3, policy)).toMatchObject({
      allowed: true,
      failures: 1,
      lockedUntil: 0,
    });
  });

  it('starts counting again when the last failure is older than the window', async () => {
    const { rateLimits } = store().repos;
    const key = `account:${randomUUID()}`;
    await rateLimits.reserve(key, t0, policy);
    await rateLimits.reserve(key, t0 + windowMs, policy);
    expect((await rateLimits.get(key))!.failures).toBe(2);
    expect((await rateLimits.reserve(key, t0 + 2 * windowMs + 1, policy)).failures).toBe(1);
  });

  it('keeps counting after a lockout that outlasts the window, until a window has passed since it ended', async () => {
    const { rateLimits } = store().repos;
    const key = `account:${randomUUID()}`;
    const long = { windowMs, lockFor: (failures: number) => (failures >= 2 ? 3 * windowMs : 0) };
    await rateLimits.reserve(key, t0, long);
    expect(await rateLimits.reserve(key, t0 + 1, long)).toMatchObject({
      allowed: true,
      failures: 2,
      lockedUntil: t0 + 1 + 3 * windowMs,
    });
    expect(await rateLimits.reserve(key, t0 + 3 * windowMs + 1, long)).toMatchObject({
      allowed: true,
      failures: 3,
      lockedUntil: t0 + 6 * windowMs + 1,
    });
    expect((await rateLimits.reserve(key, t0 + 7 * windowMs, long)).failures).toBe(4);
    expect((await rateLimits.reserve(key, t0 + 14 * windowMs, long)).failures).toBe(1);
  });

  it('lets no more concurrent attempts through than the policy allows before it locks', async () => {
    const { rateLimits } = store().repos;
    const key = `account:${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => rateLimits.reserve(key, t0, policy)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect(await rateLimits.get(key)).toEqual({ failures: 3, lockedUntil: t0 + 10_000 });
  });

  it('refunds an attempt that did not fail: the count, the lockout and the time it wrote', async () => {
    const { rateLimits } = store().repos;
    const key = `ip:${randomUUID()}`;
    await rateLimits.reserve(key, t0, policy);
    await rateLimits.reserve(key, t0 + 1, policy);
    const third = await rateLimits.reserve(key, t0 + 2, policy);
    expect(third.lockedUntil).toBe(t0 + 2 + 10_000);
    await rateLimits.refund(key, third);
    expect(await rateLimits.get(key)).toEqual({ failures: 2, lockedUntil: 0 });
    // Refunded, the key is quiet after one window from the last real failure, as if the attempt never happened.
    expect((await rateLimits.reserve(key, t0 + 1 + windowMs + 1, policy)).failures).toBe(1);
  });

  it('leaves what a later reservation wrote when refunding an earlier one', async () => {
    const { rateLimits } = store().repos;
    const key = `ip:${randomUUID()}`;
    await rateLimits.reserve(key, t0, policy);
    const second = await rateLimits.reserve(key, t0 + 1, policy);
    const third = await rateLimits.reserve(key, t0 + 2, policy);
    await rateLimits.refund(key, second);
    expect(await rateLimits.get(key)).toEqual({ failures: 2, lockedUntil: third.lockedUntil });
  });

  it('forgets a key when cleared, and only that key', async () => {
    const { rateLimits } = store().repos;
    const [key, kept] = [`account:${randomUUID()}`, `account:${randomUUID()}`];
    await rateLimits.reserve(key, t0, policy);
    await rateLimits.reserve(kept, t0, policy);
    await rateLimits.clear(key);
    await rateLimits.clear(`account:${randomUUID()}`);
    expect(await rateLimits.get(key)).toBeNull();
    expect(await rateLimits.get(kept)).toEqual({ failures: 1, lockedUntil: 0 });
  });
});
