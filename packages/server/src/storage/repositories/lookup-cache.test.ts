import { describe, expect, it } from 'vitest';
import type { Tenant } from '../../core/model.js';
import type { TenantRepository } from '../../core/ports.js';
import { cachedTenants } from './lookup-cache.js';

const acme: Tenant = {
  id: 't1',
  name: 'acme',
  displayName: 'Acme',
  signingAlg: 'ES256',
  codeLength: 8,
  theme: {},
  createdAt: 0,
};

function countingRepository(found: Tenant | null) {
  const calls = { findByName: 0 };
  const repository: TenantRepository = {
    create: async () => true,
    list: async () => [],
    findById: async () => null,
    update: async () => {},
    delete: async () => true,
    findByName: async () => {
      calls.findByName += 1;
      return found && { ...found };
    },
  };
  return { repository, calls };
}

describe('cachedTenants', () => {
  it('answers a found tenant from memory until the time-to-live ends', async () => {
    const { repository, calls } = countingRepository(acme);
    const tenants = cachedTenants(repository, 50);
    expect(await tenants.findByName('acme')).toEqual(acme);
    expect(await tenants.findByName('acme')).toEqual(acme);
    expect(calls.findByName).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await tenants.findByName('acme');
    expect(calls.findByName).toBe(2);
  });

  it('never keeps a lookup that found nothing', async () => {
    const { repository, calls } = countingRepository(null);
    const tenants = cachedTenants(repository, 60_000);
    expect(await tenants.findByName('nobody')).toBeNull();
    expect(await tenants.findByName('nobody')).toBeNull();
    expect(calls.findByName).toBe(2);
  });

  it('hands out frozen values, so no request can change what the next one sees', async () => {
    const tenants = cachedTenants(countingRepository(acme).repository, 60_000);
    const found = (await tenants.findByName('acme'))!;
    expect(() => {
      (found as { displayName: string }).displayName = 'changed';
    }).toThrow(TypeError);
  });
});
