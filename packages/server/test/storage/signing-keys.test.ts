import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { createRepositories } from '../../src/storage/repositories/index.js';
import { engines } from '../support/databases.js';
import { aSigningKey, storedTenant, t0, useStore } from './store.js';

describe.each(engines)('signing-key repository on %s', (engine) => {
  const store = useStore(engine);
  const aStoredTenant = async () => (await storedTenant(store().repos)).id;

  it('publishes the first key as active', async () => {
    const { signingKeys } = store().repos;
    const tenantId = await aStoredTenant();
    const key = aSigningKey(tenantId, { alg: 'RS256', publicJwk: { kty: 'RSA', n: 'bg', e: 'AQAB', kid: 'k' } });
    await signingKeys.activate(key, t0, t0 + 1000);
    expect(await signingKeys.listPublished(tenantId, t0)).toEqual([key]);
  });

  it('retires the previous active key with an expiry and keeps publishing it until then', async () => {
    const { signingKeys } = store().repos;
    const tenantId = await aStoredTenant();
    const first = aSigningKey(tenantId, { createdAt: t0 });
    const second = aSigningKey(tenantId, { createdAt: t0 + 100 });
    await signingKeys.activate(first, t0, t0 + 1000);
    await signingKeys.activate(second, t0 + 100, t0 + 100 + 1000);
    const retired = { ...first, status: 'retired', retiredAt: t0 + 100, expiresAt: t0 + 1100 };
    expect(await signingKeys.listPublished(tenantId, t0 + 100)).toEqual([second, retired]);
    expect(await signingKeys.listPublished(tenantId, t0 + 1099)).toEqual([second, retired]);
    expect(await signingKeys.listPublished(tenantId, t0 + 1100)).toEqual([second]);
  });

  it('keeps exactly one active key over several rotations', async () => {
    const { signingKeys } = store().repos;
    const tenantId = await aStoredTenant();
    const keys = [0, 1, 2].map((i) => aSigningKey(tenantId, { createdAt: t0 + i }));
    for (const [i, key] of keys.entries()) await signingKeys.activate(key, t0 + i, t0 + 10_000);
    const published = await signingKeys.listPublished(tenantId, t0 + 5);
    expect(published.map((k) => [k.kid, k.status])).toEqual([
      [keys[2]!.kid, 'active'],
      [keys[1]!.kid, 'retired'],
      [keys[0]!.kid, 'retired'],
    ]);
  });

  it('keeps exactly one active key when rotations race (two operators at once, say)', async () => {
    const { signingKeys } = store().repos;
    const tenantId = await aStoredTenant();
    await signingKeys.activate(aSigningKey(tenantId, { createdAt: t0 }), t0, t0 + 10_000);
    for (let round = 0; round < 5; round += 1) {
      await Promise.all(
        [1, 2, 3, 4].map((i) =>
          signingKeys.activate(aSigningKey(tenantId, { createdAt: t0 + i }), t0 + i, t0 + 10_000),
        ),
      );
    }
    expect((await signingKeys.listPublished(tenantId, t0 + 5)).filter((k) => k.status === 'active')).toHaveLength(1);
  });

  it("never touches or publishes another tenant's keys", async () => {
    const { signingKeys } = store().repos;
    const [mine, theirs] = [await aStoredTenant(), await aStoredTenant()];
    const myKey = aSigningKey(mine);
    await signingKeys.activate(myKey, t0, t0 + 1000);
    const theirKey = aSigningKey(theirs);
    await signingKeys.activate(theirKey, t0 + 1, t0 + 1000);
    expect(await signingKeys.listPublished(mine, t0 + 1)).toEqual([myKey]);
    expect(await signingKeys.listPublished(theirs, t0 + 1)).toEqual([theirKey]);
  });

  it('sees a rotation another process made at once, though it answers repeated reads from memory', async () => {
    const { signingKeys } = store().repos;
    const tenantId = await aStoredTenant();
    const first = aSigningKey(tenantId, { createdAt: t0 });
    await signingKeys.activate(first, t0, t0 + 1000);
    expect((await signingKeys.listPublished(tenantId, t0 + 1)).map((k) => k.kid)).toEqual([first.kid]);

    const other = openDatabase(store().url);
    try {
      const second = aSigningKey(tenantId, { createdAt: t0 + 2 });
      await createRepositories(other).signingKeys.activate(second, t0 + 2, t0 + 1000);
      const published = await signingKeys.listPublished(tenantId, t0 + 3);
      expect(published.map((k) => [k.kid, k.status])).toEqual([
        [second.kid, 'active'],
        [first.kid, 'retired'],
      ]);
      expect(await signingKeys.listPublished(tenantId, t0 + 1000)).toEqual([second]);
    } finally {
      await other.close();
    }
  });

  it('gives every caller its own list', async () => {
    const { signingKeys } = store().repos;
    const tenantId = await aStoredTenant();
    await signingKeys.activate(aSigningKey(tenantId), t0, t0 + 1000);
    (await signingKeys.listPublished(tenantId, t0)).pop();
    expect(await signingKeys.listPublished(tenantId, t0)).toHaveLength(1);
  });
});
