import { beforeEach, describe, expect, it } from 'vitest';
import type { AdminCaller } from '../audit/admin-caller.js';
import type { Tenant } from '../model.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices } from '../testing/in-memory-services.js';

const operator: AdminCaller = { actor: 'cli:ops' };

describe('TenantService administration', () => {
  let harness: DomainHarness;
  let tenant: Tenant;

  beforeEach(async () => {
    harness = inMemoryServices();
    tenant = await harness.services.tenants.create(
      { name: 'acme', theme: { logoUrl: 'https://cdn.example/logo.svg', color: 'red' } },
      operator,
    );
  });

  const tenants = () => harness.services.tenants;
  const events = (type: string) => harness.db.auditEvents.where((event) => event.type === type);

  it('audits a creation and its first key with the caller', () => {
    expect(events('tenant.created')).toEqual([
      expect.objectContaining({
        tenantId: tenant.id,
        data: expect.objectContaining({ actor: 'cli:ops', name: 'acme' }),
      }),
    ]);
    expect(events('keys.rotated')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ actor: 'cli:ops' }) }),
    ]);
  });

  it('changes only what is given; an empty theme field removes it', async () => {
    const updated = await tenants().update(tenant, { displayName: 'Acme Inc', theme: { color: '' } }, operator);
    expect(updated).toEqual({ ...tenant, displayName: 'Acme Inc', theme: { logoUrl: 'https://cdn.example/logo.svg' } });
    expect(await harness.repos.tenants.findByName('acme')).toEqual(updated);
    expect(events('tenant.updated')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          actor: 'cli:ops',
          after: expect.objectContaining({ displayName: 'Acme Inc' }),
        }),
      }),
    ]);
  });

  it('refuses what creation refuses, naming the setting, and stores nothing', async () => {
    const refusal = await expectRejection(
      tenants().update(tenant, { theme: { logoUrl: 'http://x' } }, operator),
      'invalid_setting',
    );
    expect(refusal.details.setting).toBe('logoUrl');
    await expectRejection(tenants().update(tenant, { codeLength: 9 }, operator), 'invalid_setting', /code length/);
    await expectRejection(tenants().update(tenant, { displayName: '' }, operator), 'invalid_setting', /display name/);
    expect(await harness.repos.tenants.findByName('acme')).toEqual(tenant);
  });

  it('a new signing algorithm signs from now on: a key of it is made at once, and the old one still verifies', async () => {
    harness.clock.advance(1000);
    await tenants().update(tenant, { signingAlg: 'RS256' }, operator);
    const listed = await tenants().listKeys(tenant);
    expect(listed.map((key) => [key.alg, key.status])).toEqual([
      ['RS256', 'active'],
      ['ES256', 'retired'],
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/sealed|private|"d"/i);
  });

  it('deletes everything in the tenant, records the deletion outside it, and frees the name', async () => {
    const { app } = await harness.services.apps.register(tenant, { name: 'App' });
    const user = await harness.user(tenant);
    await harness.signIn(tenant, app, user);
    const other = await tenants().create({ name: 'other' }, operator);

    expect(await tenants().delete(tenant, operator)).toEqual({ deleted: true });

    for (const rows of [harness.db.apps, harness.db.users, harness.db.sessions, harness.db.signingKeys])
      expect(rows.where((row) => row.tenantId === tenant.id)).toEqual([]);
    expect(harness.db.auditEvents.where((event) => event.tenantId === tenant.id)).toEqual([]);
    expect(events('tenant.deleted')).toEqual([
      expect.objectContaining({ tenantId: null, data: { actor: 'cli:ops', tenantId: tenant.id, name: 'acme' } }),
    ]);
    expect(harness.db.signingKeys.where((key) => key.tenantId === other.id)).toHaveLength(1);
    await expectRejection(tenants().require('acme'), 'unknown_tenant');
    expect(await tenants().delete(tenant, operator)).toEqual({ deleted: false });
    await tenants().create({ name: 'acme' }, operator);
  });
});
