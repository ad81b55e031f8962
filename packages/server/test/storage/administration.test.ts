import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import {
  aContinuation,
  anApp,
  anEvent,
  aSigningKey,
  aTenant,
  aUser,
  openedSession,
  storedTenant,
  t0,
  useStore,
} from './store.js';

/** What the management services need of storage: updates, deletes, pages, and revoking an app's sessions. */
describe.each(engines)('administration on %s', (engine) => {
  const store = useStore(engine);

  it("updates a tenant's settings, and a lookup by name in this process sees them at once", async () => {
    const { tenants } = store().repos;
    const tenant = aTenant({ theme: { color: 'red' } });
    await tenants.create(tenant);
    expect(await tenants.findByName(tenant.name)).toEqual(tenant);
    const updated = { ...tenant, displayName: 'Renamed', codeLength: 6, signingAlg: 'RS256' as const, theme: {} };
    await tenants.update(updated);
    expect(await tenants.findByName(tenant.name)).toEqual(updated);
  });

  it('deletes a tenant with everything in it, and nothing of another tenant', async () => {
    const { repos } = store();
    const build = async () => {
      const tenant = await storedTenant(repos);
      const app = anApp(tenant.id);
      await repos.apps.create(app);
      const user = aUser(tenant.id);
      await repos.users.create(user, 'hash');
      const { session } = await openedSession(repos, user, { clientId: app.clientId });
      await openedSession(repos, user, { clientId: app.clientId, parentId: session.id });
      await repos.signingKeys.activate(aSigningKey(tenant.id), t0, t0 + 1000);
      await repos.continuations.insert(aContinuation(tenant.id, { userId: user.id }));
      await repos.audit.record(anEvent(tenant.id, { userId: user.id }));
      return { tenant, app, user, session };
    };
    const doomed = await build();
    const kept = await build();
    expect(await repos.tenants.delete(doomed.tenant.id)).toBe(true);
    expect(await repos.tenants.findById(doomed.tenant.id)).toBeNull();
    expect(await repos.tenants.findByName(doomed.tenant.name)).toBeNull();
    expect(await repos.apps.find(doomed.tenant.id, doomed.app.clientId)).toBeNull();
    expect(await repos.users.findById(doomed.tenant.id, doomed.user.id)).toBeNull();
    expect(await repos.users.findPasswordHash(doomed.user.id)).toBeNull();
    expect(await repos.sessions.find(doomed.session.id)).toBeNull();
    expect(await repos.signingKeys.listPublished(doomed.tenant.id, t0)).toEqual([]);
    expect(await repos.audit.list({ tenantId: doomed.tenant.id })).toEqual([]);
    expect(await repos.tenants.delete(doomed.tenant.id)).toBe(false);

    expect(await repos.apps.find(kept.tenant.id, kept.app.clientId)).not.toBeNull();
    expect(await repos.users.findPasswordHash(kept.user.id)).toBe('hash');
    expect(await repos.sessions.find(kept.session.id)).not.toBeNull();
    expect(await repos.audit.list({ tenantId: kept.tenant.id })).toHaveLength(1);
  });

  it("updates an app's settings and secret but never its type, tenant or creation time, and deletes it once", async () => {
    const { repos } = store();
    const tenant = await storedTenant(repos);
    const app = anApp(tenant.id, { type: 'confidential', secretDigest: 'old' });
    await repos.apps.create(app);
    expect(await repos.apps.find(tenant.id, app.clientId)).toEqual(app);
    const changed = {
      ...app,
      name: 'Renamed',
      secretDigest: 'new',
      redirectUris: ['https://app.example/cb'],
      requireMfa: true,
      scopes: ['orders.read'],
      accessTokenTtl: 60,
    };
    await repos.apps.update({ ...changed, type: 'public', createdAt: t0 + 5 });
    expect(await repos.apps.find(tenant.id, app.clientId)).toEqual(changed);
    const other = await storedTenant(repos);
    expect(await repos.apps.delete(other.id, app.clientId)).toBe(false);
    expect(await repos.apps.delete(tenant.id, app.clientId)).toBe(true);
    expect(await repos.apps.find(tenant.id, app.clientId)).toBeNull();
    expect(await repos.apps.delete(tenant.id, app.clientId)).toBe(false);
  });

  it("revokes every session an app opened and their children of any app, and no other app's", async () => {
    const { repos } = store();
    const tenant = await storedTenant(repos);
    const user = aUser(tenant.id);
    await repos.users.create(user, null);
    const phone = await openedSession(repos, user, { clientId: 'phone' });
    const watch = await openedSession(repos, user, { clientId: 'watch', parentId: phone.session.id });
    const other = await openedSession(repos, user, { clientId: 'other' });
    const revoked = await repos.sessions.revokeClient(tenant.id, 'phone', 'app_deleted', t0 + 1);
    expect(revoked.sort()).toEqual([phone.session.id, watch.session.id].sort());
    expect(await repos.sessions.find(watch.session.id)).toMatchObject({
      revokedAt: t0 + 1,
      revokedReason: 'app_deleted',
    });
    expect((await repos.sessions.find(other.session.id))?.revokedAt).toBeNull();
    expect(await repos.sessions.revokeClient(tenant.id, 'phone', 'app_deleted', t0 + 2)).toEqual([]);
  });

  it("lists a tenant's users oldest first, page after page, by address, leaving erased accounts out", async () => {
    const { repos } = store();
    const tenant = await storedTenant(repos);
    const users = [
      aUser(tenant.id, { createdAt: t0 + 2 }),
      aUser(tenant.id, { createdAt: t0 + 1, id: `b-${randomUUID()}` }),
      aUser(tenant.id, { createdAt: t0 + 1, id: `a-${randomUUID()}` }),
    ];
    for (const user of users) await repos.users.create(user, null);
    const erased = aUser(tenant.id, { createdAt: t0 });
    await repos.users.create(erased, null);
    await repos.users.erase(erased, `deleted:${erased.id}`);
    await repos.users.create(aUser((await storedTenant(repos)).id), null);

    const [third, second, first] = users;
    expect(await repos.users.list(tenant.id, { limit: 10 })).toEqual([first, second, third]);
    const page = await repos.users.list(tenant.id, { limit: 1, after: { createdAt: first!.createdAt, id: first!.id } });
    expect(page).toEqual([second]);
    expect(await repos.users.list(tenant.id, { limit: 10, email: third!.email })).toEqual([third]);
  });

  it("updates a user's verification, name and attributes, and not the address", async () => {
    const { repos } = store();
    const tenant = await storedTenant(repos);
    const user = aUser(tenant.id);
    await repos.users.create(user, null);
    const updated = { ...user, emailVerified: false, displayName: 'Ada', attributes: { city: 'Oslo', vip: true } };
    await repos.users.update({ ...updated, email: 'other@example.com' });
    expect(await repos.users.findById(tenant.id, user.id)).toEqual(updated);
  });

  it('pages audit events newest first, before a given event', async () => {
    const { repos } = store();
    const tenant = await storedTenant(repos);
    for (const n of [1, 2, 3]) await repos.audit.record(anEvent(tenant.id, { data: { n } }));
    const all = await repos.audit.list({ tenantId: tenant.id });
    expect(all.map((event) => event.data)).toEqual([{ n: 3 }, { n: 2 }, { n: 1 }]);
    const older = await repos.audit.list({ tenantId: tenant.id, beforeId: all[0]!.id, limit: 1 });
    expect(older.map((event) => event.data)).toEqual([{ n: 2 }]);
  });
});
