import { describe, expect, it } from 'vitest';
import type { StoredPolicy } from '../../src/core/ports.js';
import { engines } from '../support/databases.js';
import { aTenant, t0, useStore } from './store.js';

const aPolicy = (version: number, fields: Partial<StoredPolicy> = {}): StoredPolicy => ({
  version,
  document: {
    rules: [
      {
        name: `rule-${version}`,
        state: 'enabled',
        at: ['refresh'],
        when: "request.country == 'NL'",
        then: { block: true },
      },
    ],
  },
  createdAt: t0 + version,
  createdBy: 'operator',
  ...fields,
});

describe.each(engines)('policy repository on %s', (engine) => {
  const store = useStore(engine);
  const storedTenant = async () => {
    const tenant = aTenant();
    await store().repos.tenants.create(tenant);
    return tenant;
  };

  it('keeps every version; the newest is the one read, the document as it was set', async () => {
    const { policies } = store().repos;
    const tenant = await storedTenant();
    expect(await policies.latest(tenant.id)).toBeNull();
    expect(await policies.latestVersion(tenant.id)).toBe(0);
    expect(await policies.add(tenant.id, aPolicy(1))).toBe(true);
    expect(await policies.add(tenant.id, aPolicy(2, { createdBy: 'cli:ada' }))).toBe(true);
    expect(await policies.latestVersion(tenant.id)).toBe(2);
    expect(await policies.latest(tenant.id)).toEqual(aPolicy(2, { createdBy: 'cli:ada' }));
  });

  it('two sets of one version: the second is told it lost, and nothing of it is stored', async () => {
    const { policies } = store().repos;
    const tenant = await storedTenant();
    const [first, second] = await Promise.all([
      policies.add(tenant.id, aPolicy(1)),
      policies.add(tenant.id, aPolicy(1, { createdBy: 'app:other' })),
    ]);
    expect([first, second].sort()).toEqual([false, true]);
    expect(await policies.latestVersion(tenant.id)).toBe(1);
  });

  it("tenants' versions are their own, and deleting a tenant deletes its versions", async () => {
    const { policies, tenants } = store().repos;
    const [one, two] = [await storedTenant(), await storedTenant()];
    await policies.add(one.id, aPolicy(1));
    await policies.add(one.id, aPolicy(2));
    await policies.add(two.id, aPolicy(1));
    expect(await policies.latestVersion(two.id)).toBe(1);
    expect(await tenants.delete(one.id)).toBe(true);
    expect(await policies.latest(one.id)).toBeNull();
    expect(await policies.latest(two.id)).toEqual(aPolicy(1));
  });
});
