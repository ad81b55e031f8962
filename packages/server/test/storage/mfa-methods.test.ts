import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MfaMethod, User } from '../../src/core/model.js';
import { engines } from '../support/databases.js';
import { storedUser, t0, useStore } from './store.js';

const aMethod = (user: User, fields: Partial<MfaMethod> = {}): MfaMethod => ({
  id: randomUUID(),
  tenantId: user.tenantId,
  userId: user.id,
  type: 'email',
  target: 'backup@example.com',
  createdAt: t0,
  ...fields,
});

describe.each(engines)('MFA method repository on %s', (engine) => {
  const store = useStore(engine);

  it("lists a user's methods in the order they were added, and only theirs", async () => {
    const { repos } = store();
    const [user, other] = [await storedUser(repos), await storedUser(repos)];
    const second = aMethod(user, { target: 'second@example.com', createdAt: t0 + 2 });
    const first = aMethod(user, { target: 'first@example.com', createdAt: t0 + 1 });
    const theirs = aMethod(other, { target: 'first@example.com' });
    for (const method of [second, first, theirs]) expect(await repos.mfaMethods.add(method)).toBe(true);
    expect(await repos.mfaMethods.list(user.id)).toEqual([first, second]);
    expect(await repos.mfaMethods.list(other.id)).toEqual([theirs]);
    expect(await repos.mfaMethods.list(randomUUID())).toEqual([]);
  });

  it('answers false for a method the user already has, and keeps the first', async () => {
    const { repos } = store();
    const user = await storedUser(repos);
    const original = aMethod(user);
    expect(await repos.mfaMethods.add(original)).toBe(true);
    expect(await repos.mfaMethods.add(aMethod(user, { createdAt: t0 + 5 }))).toBe(false);
    expect(await repos.mfaMethods.list(user.id)).toEqual([original]);
  });

  it('refuses a method for an account that does not exist', async () => {
    const { repos } = store();
    const user = await storedUser(repos);
    await expect(repos.mfaMethods.add(aMethod({ ...user, id: randomUUID() }))).rejects.toThrow();
  });
});
