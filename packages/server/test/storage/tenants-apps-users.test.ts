import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { randomUUID } from 'node:crypto';
import { aContinuation, aTenant, anApp, aUser, openedSession, storedTenant, t0, useStore } from './store.js';

describe.each(engines)('tenant, app and user repositories on %s', (engine) => {
  const store = useStore(engine);

  describe('tenants', () => {
    it('creates, finds by name and id, and lists in creation order', async () => {
      const { tenants } = store().repos;
      const first = aTenant({ createdAt: t0 + 1 });
      const second = aTenant({ createdAt: t0 + 2, signingAlg: 'RS256', codeLength: 6 });
      expect(await tenants.create(second)).toBe(true);
      expect(await tenants.create(first)).toBe(true);
      expect(await tenants.findByName(second.name)).toEqual(second);
      expect(await tenants.findById(first.id)).toEqual(first);
      const listed = (await tenants.list()).filter((t) => t.id === first.id || t.id === second.id);
      expect(listed).toEqual([first, second]);
    });

    it('answers false for a taken name and keeps the first tenant', async () => {
      const { tenants } = store().repos;
      const original = aTenant();
      await tenants.create(original);
      expect(await tenants.create(aTenant({ name: original.name, displayName: 'Impostor' }))).toBe(false);
      expect(await tenants.findByName(original.name)).toEqual(original);
    });

    it('answers null for an unknown name or id', async () => {
      const { tenants } = store().repos;
      expect(await tenants.findByName('no-such-tenant')).toBeNull();
      expect(await tenants.findById('no-such-id')).toBeNull();
    });
  });

  describe('apps', () => {
    it('round-trips every flag set and every list filled, and every flag clear and every list empty', async () => {
      const { repos } = store();
      const { apps } = repos;
      const tenant = await storedTenant(repos);
      const full = anApp(tenant.id, {
        type: 'confidential',
        secretDigest: 'c2VjcmV0',
        challengeTypes: ['oob', 'password', 'redirect'],
        redirectUris: ['https://app.example/cb', 'com.example.app://auth'],
        allowedOrigins: ['https://app.example'],
        requireMfa: true,
        allowRefreshTokenExport: true,
        allowSessionTransfer: true,
        acceptSessionTransfer: true,
        accessTokenTtl: 600,
        idTokenTtl: 300,
        refreshRetryWindow: 5,
        sessionIdleTtl: 7200,
        sessionAbsoluteTtl: 172_800,
        scopes: ['orders.read', 'api://orders/.default'],
        admin: 'read',
        userAttributes: [
          { name: 'country', type: 'string', required: true, options: ['FR', 'GB'] },
          { name: 'age', type: 'number', required: false },
        ],
        createdAt: t0 + 1,
      });
      const bare = anApp(tenant.id, { challengeTypes: [], createdAt: t0 + 2 });
      await apps.create(full);
      await apps.create(bare);
      expect(await apps.find(tenant.id, full.clientId)).toEqual(full);
      expect(await apps.find(tenant.id, bare.clientId)).toEqual(bare);
      expect(await apps.list(tenant.id)).toEqual([full, bare]);
    });

    it('finds an app only within its own tenant', async () => {
      const { repos } = store();
      const { apps } = repos;
      const [mine, other] = [await storedTenant(repos), await storedTenant(repos)];
      const app = anApp(mine.id);
      await apps.create(app);
      expect(await apps.find(other.id, app.clientId)).toBeNull();
      expect(await apps.list(other.id)).toEqual([]);
      expect(await apps.find(mine.id, 'no-such-client')).toBeNull();
    });
  });

  describe('users', () => {
    it('erases a user: the row keeps its id under the tombstone, credentials, MFA methods, pending flows and codes go, devices lose their names', async () => {
      const { repos, handle } = store();
      const tenant = await storedTenant(repos);
      const user = aUser(tenant.id, { displayName: 'Ada', attributes: { city: 'London' } });
      const kept = aUser(tenant.id);
      await repos.users.create(user, 'hash');
      await repos.users.create(kept, 'kept-hash');
      const { device, session } = await openedSession(repos, user);
      await repos.mfaMethods.add({
        id: randomUUID(),
        tenantId: tenant.id,
        userId: user.id,
        type: 'email',
        target: 'ada.backup@example.com',
        createdAt: t0,
      });
      await repos.continuations.insert(aContinuation(tenant.id, { userId: user.id }));
      const code = (target: string) => ({
        id: randomUUID(),
        tenantId: tenant.id,
        flowId: randomUUID(),
        target,
        codeDigest: 'd',
        attempts: 0,
        createdAt: t0,
        expiresAt: t0 + 600_000,
        consumedAt: null,
      });
      for (const target of [user.email, 'ada.backup@example.com', kept.email]) await repos.codes.insert(code(target));

      await repos.users.erase(user, `deleted:${user.id}`);

      expect(await repos.users.findByEmail(tenant.id, user.email)).toBeNull();
      expect(await repos.users.findById(tenant.id, user.id)).toEqual({
        ...user,
        email: `deleted:${user.id}`,
        emailVerified: false,
        displayName: null,
        attributes: {},
      });
      expect(await repos.users.findPasswordHash(user.id)).toBeNull();
      expect(await repos.mfaMethods.list(user.id)).toEqual([]);
      expect(
        await handle.db.selectFrom('continuation_tokens').select('digest').where('user_id', '=', user.id).execute(),
      ).toEqual([]);
      expect(
        (
          await handle.db.selectFrom('one_time_codes').select('target').where('tenant_id', '=', tenant.id).execute()
        ).map((c) => c.target),
      ).toEqual([kept.email]);
      expect((await repos.sessions.listByUser(tenant.id, user.id)).map((s) => s.device)).toEqual([
        expect.objectContaining({ id: device.id, name: 'deleted', platform: 'deleted', installationId: null }),
      ]);
      expect(await repos.sessions.find(session.id)).toMatchObject({ id: session.id, userId: user.id });
      expect(await repos.users.findByEmail(tenant.id, kept.email)).toEqual(kept);
      expect(await repos.users.findPasswordHash(kept.id)).toBe('kept-hash');
    });

    it('stores a user with a password hash, and one without', async () => {
      const { repos } = store();
      const { users } = repos;
      const tenant = await storedTenant(repos);
      const withPassword = aUser(tenant.id, { displayName: 'Ada', attributes: { city: 'London', tags: ['a', 'b'] } });
      const codeOnly = aUser(tenant.id, { emailVerified: false });
      expect(await users.create(withPassword, '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA')).toBe(true);
      expect(await users.create(codeOnly, null)).toBe(true);
      expect(await users.findByEmail(tenant.id, withPassword.email)).toEqual(withPassword);
      expect(await users.findById(tenant.id, codeOnly.id)).toEqual(codeOnly);
      expect(await users.findPasswordHash(withPassword.id)).toBe('$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA');
      expect(await users.findPasswordHash(codeOnly.id)).toBeNull();
    });

    it('refuses a second account with the same email in a tenant, but not in another tenant', async () => {
      const { repos } = store();
      const { users } = repos;
      const [first, second] = [await storedTenant(repos), await storedTenant(repos)];
      const original = aUser(first.id, { email: 'grace@example.com' });
      await users.create(original, 'hash-1');
      const duplicate = aUser(first.id, { email: 'grace@example.com' });
      expect(await users.create(duplicate, 'hash-2')).toBe(false);
      expect(await users.findById(first.id, duplicate.id)).toBeNull();
      expect(await users.findPasswordHash(duplicate.id)).toBeNull();
      expect(await users.findByEmail(first.id, 'grace@example.com')).toEqual(original);
      expect(await users.findPasswordHash(original.id)).toBe('hash-1');

      const elsewhere = aUser(second.id, { email: 'grace@example.com' });
      expect(await users.create(elsewhere, null)).toBe(true);
      expect(await users.findByEmail(second.id, 'grace@example.com')).toEqual(elsewhere);
    });

    it('sets a first password hash, replaces it, and touches no other account', async () => {
      const { repos } = store();
      const { users } = repos;
      const tenant = await storedTenant(repos);
      const [codeOnly, withPassword, bystander] = [aUser(tenant.id), aUser(tenant.id), aUser(tenant.id)];
      await users.create(codeOnly, null);
      await users.create(withPassword, 'hash-old');
      await users.create(bystander, 'hash-bystander');
      await users.setPasswordHash(codeOnly.id, 'hash-first', t0 + 1);
      await users.setPasswordHash(withPassword.id, 'hash-new', t0 + 2);
      await users.setPasswordHash(withPassword.id, 'hash-newer', t0 + 3);
      expect(await users.findPasswordHash(codeOnly.id)).toBe('hash-first');
      expect(await users.findPasswordHash(withPassword.id)).toBe('hash-newer');
      expect(await users.findPasswordHash(bystander.id)).toBe('hash-bystander');
      const rows = await store()
        .handle.db.selectFrom('credentials')
        .select(['user_id', 'created_at'])
        .where('user_id', '=', withPassword.id)
        .execute();
      expect(rows).toEqual([{ user_id: withPassword.id, created_at: t0 + 3 }]);
    });

    it('finds a user only within its own tenant', async () => {
      const { repos } = store();
      const { users } = repos;
      const [mine, other] = [await storedTenant(repos), await storedTenant(repos)];
      const user = aUser(mine.id);
      await users.create(user, null);
      expect(await users.findById(other.id, user.id)).toBeNull();
      expect(await users.findByEmail(other.id, user.email)).toBeNull();
      expect(await users.findByEmail(mine.id, 'nobody@example.com')).toBeNull();
    });
  });
});
