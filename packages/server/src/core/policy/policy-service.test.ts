import { describe, expect, it } from 'vitest';
import { BatonError } from '../errors.js';
import { inMemoryServices } from '../testing/in-memory-services.js';
import { policyFreshnessMs } from './policy-service.js';

const caller = { actor: 'operator', context: { ip: '127.0.0.1', userAgent: 'test', correlationId: 'test' } } as const;
const blockAbroad = {
  rules: [
    {
      name: 'no-watch-abroad',
      state: 'enabled',
      at: ['refresh'],
      when: "device.kind == 'companion' && request.country != 'NL'",
      then: { block: true },
    },
  ],
};

describe('PolicyService', () => {
  it('each set is a new version; show gives the newest; the change is audited with who made it', async () => {
    const h = inMemoryServices();
    const { tenant } = await h.tenantWithApp();
    expect(await h.services.policies.show(tenant)).toMatchObject({ version: 0, document: { rules: [] } });
    expect(await h.services.policies.set(tenant, blockAbroad, caller)).toEqual({ version: 1 });
    expect(await h.services.policies.set(tenant, { rules: [] }, caller)).toEqual({ version: 2 });
    expect(await h.services.policies.show(tenant)).toMatchObject({
      version: 2,
      document: { rules: [] },
      createdBy: 'operator',
    });
    expect(h.db.policies.where().map((row) => row.version)).toEqual([1, 2]);
    const audited = h.db.auditEvents.where((event) => event.type === 'policy.set');
    expect(audited.map((event) => event.data)).toEqual([
      { version: 1, rules: 1, actor: 'operator' },
      { version: 2, rules: 0, actor: 'operator' },
    ]);
  });

  it('a document that does not compile is refused whole and the version in force stays', async () => {
    const h = inMemoryServices();
    const { tenant } = await h.tenantWithApp();
    await h.services.policies.set(tenant, blockAbroad, caller);
    const typo = { rules: [{ ...blockAbroad.rules[0], when: "device.knd == 'companion'" }] };
    await expect(h.services.policies.set(tenant, typo, caller)).rejects.toSatisfy(
      (error) =>
        error instanceof BatonError && error.code === 'invalid_policy' && error.description.includes('no-watch-abroad'),
    );
    expect((await h.services.policies.show(tenant)).version).toBe(1);
    expect((await h.services.policies.inForce(tenant.id)).version).toBe(1);
  });

  it('another instance sees a new version once its copy is older than the freshness window', async () => {
    const h = inMemoryServices();
    const { tenant } = await h.tenantWithApp();
    const other = h.anotherInstance();
    expect((await other.policies.inForce(tenant.id)).version).toBe(0);
    await h.services.policies.set(tenant, blockAbroad, caller);
    expect((await h.services.policies.inForce(tenant.id)).version).toBe(1);
    expect((await other.policies.inForce(tenant.id)).version).toBe(0);
    h.clock.advance(policyFreshnessMs);
    expect((await other.policies.inForce(tenant.id)).version).toBe(1);
  });

  it('what-if evaluates a request that did not happen with the stored user and app, against the version in force or a file', async () => {
    const h = inMemoryServices();
    const { tenant, app } = await h.tenantWithApp();
    const user = await h.user(tenant);
    await h.services.policies.set(tenant, blockAbroad, caller);
    const request = { email: user.email, clientId: app.clientId, at: 'refresh', deviceKind: 'companion' } as const;
    expect(await h.services.policies.whatIf(tenant, request)).toMatchObject({
      version: 1,
      decision: 'block',
      rules: ['no-watch-abroad'],
      facts: { user: { email: user.email }, app: { client_id: app.clientId }, device: { kind: 'companion' } },
    });
    expect(await h.services.policies.whatIf(tenant, { ...request, deviceKind: 'primary' })).toMatchObject({
      decision: 'allow',
      rules: [],
    });
    const trial = { rules: [{ ...blockAbroad.rules[0], state: 'report_only' }] };
    expect(await h.services.policies.whatIf(tenant, request, trial)).toMatchObject({
      version: 0,
      decision: 'allow',
      reportOnly: ['no-watch-abroad'],
    });
    await expect(h.services.policies.whatIf(tenant, { ...request, email: 'nobody@example.com' })).rejects.toSatisfy(
      (error) => error instanceof BatonError && error.code === 'user_not_found',
    );
    await expect(h.services.policies.whatIf(tenant, { ...request, clientId: 'nope' })).rejects.toSatisfy(
      (error) => error instanceof BatonError && error.code === 'unknown_client',
    );
  });

  it('deleting the tenant deletes its policy versions', async () => {
    const h = inMemoryServices();
    const { tenant } = await h.tenantWithApp();
    await h.services.policies.set(tenant, blockAbroad, caller);
    await h.services.tenants.delete(tenant, caller);
    expect(h.db.policies.where()).toEqual([]);
  });
});
