import { beforeEach, describe, expect, it } from 'vitest';
import type { AdminCaller } from '../audit/admin-caller.js';
import type { App, Tenant, User } from '../model.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices, testContext } from '../testing/in-memory-services.js';

const operator: AdminCaller = { actor: 'cli:ops', context: testContext };

describe('AppService administration', () => {
  let harness: DomainHarness;
  let tenant: Tenant;
  let app: App;
  let user: User;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant, app } = await harness.tenantWithApp({ name: 'Phone', scopes: ['orders.read'] }));
    user = await harness.user(tenant);
  });

  const apps = () => harness.services.apps;
  const open = (client: App, parentId?: string) =>
    harness.signIn(tenant, client, user, parentId ? harness.db.sessions.get(parentId)! : undefined);
  const events = (type: string) => harness.db.auditEvents.where((event) => event.type === type);

  describe('update', () => {
    it('changes only the settings given, keeps the rest, and audits before and after with the caller', async () => {
      const updated = await apps().update(
        tenant,
        app.clientId,
        { requireMfa: true, redirectUris: ['https://a.example/cb'] },
        operator,
      );
      expect(updated).toEqual({ ...app, requireMfa: true, redirectUris: ['https://a.example/cb'] });
      expect(harness.db.apps.get(app.clientId)).toEqual(updated);
      const [event] = events('app.updated');
      expect(event).toMatchObject({
        clientId: app.clientId,
        ip: testContext.ip,
        data: { actor: 'cli:ops', before: { requireMfa: false }, after: { requireMfa: true, scopes: ['orders.read'] } },
      });
    });

    it('refuses, by the rules registration follows and naming the setting, what registration would refuse', async () => {
      const refusal = await expectRejection(
        apps().update(tenant, app.clientId, { redirectUris: ['http://evil.example/cb'] }, operator),
        'invalid_setting',
      );
      expect(refusal.details.setting).toBe('redirectUris');
      await expectRejection(apps().update(tenant, app.clientId, { name: ' ' }, operator), 'invalid_setting', /name/);
      await expectRejection(
        apps().update(tenant, app.clientId, { lifetimes: { accessTokenTtl: 0 } }, operator),
        'invalid_setting',
        /accessTokenTtl/,
      );
      expect(harness.db.apps.get(app.clientId)).toEqual(app);
    });

    it("refuses to change an app's type, and an app of another tenant is unknown", async () => {
      await expectRejection(
        apps().update(tenant, app.clientId, { type: 'confidential' } as never, operator),
        'invalid_setting',
        /type cannot change/,
      );
      const other = await harness.services.tenants.create({ name: 'other' });
      await expectRejection(apps().update(other, app.clientId, { name: 'X' }, operator), 'unknown_client');
    });
  });

  describe('delete', () => {
    it("revokes the app's sessions and their children of other apps, leaves other apps' sessions, and audits it", async () => {
      const watchApp = (await apps().register(tenant, { name: 'Watch' })).app;
      const phone = await open(app);
      const watch = await open(watchApp, phone.session.id);
      const elsewhere = await open(watchApp);

      const result = await apps().delete(tenant, app.clientId, operator);

      expect(result.deleted).toBe(true);
      expect([...result.revokedSessions].sort()).toEqual([phone.session.id, watch.session.id].sort());
      expect(harness.db.sessions.get(watch.session.id)?.revokedReason).toBe('app_deleted');
      expect(harness.db.sessions.get(elsewhere.session.id)?.revokedAt).toBeNull();
      expect(harness.db.apps.get(app.clientId)).toBeNull();
      expect(events('app.deleted')).toEqual([
        expect.objectContaining({
          clientId: app.clientId,
          data: { actor: 'cli:ops', sessions: result.revokedSessions },
        }),
      ]);
    });

    it('is idempotent: deleting again answers deleted false and audits nothing more', async () => {
      await apps().delete(tenant, app.clientId, operator);
      expect(await apps().delete(tenant, app.clientId, operator)).toEqual({ deleted: false, revokedSessions: [] });
      expect(events('app.deleted')).toHaveLength(1);
    });
  });

  describe('rotateSecret', () => {
    it('gives a confidential app a new secret: the old one stops working, the new one works, neither is audited', async () => {
      const { app: backend, clientSecret: old } = await apps().register(tenant, {
        name: 'Backend',
        type: 'confidential',
      });
      const rotated = await apps().rotateSecret(tenant, backend.clientId, operator);
      expect(rotated.clientSecret).toEqual(expect.any(String));
      expect(rotated.clientSecret).not.toBe(old);
      await expectRejection(
        apps().authenticate(tenant, { clientId: backend.clientId, clientSecret: old }),
        'client_authentication_failed',
      );
      expect(
        await apps().authenticate(tenant, { clientId: backend.clientId, clientSecret: rotated.clientSecret }),
      ).toMatchObject({
        clientId: backend.clientId,
      });
      const audited = JSON.stringify(harness.db.auditEvents.where());
      expect(audited).not.toContain(rotated.clientSecret!);
      expect(audited).not.toContain(harness.db.apps.get(backend.clientId)!.secretDigest!);
      expect(events('app.secret_rotated')).toHaveLength(1);
    });

    it('refuses a public app, which has no secret', async () => {
      await expectRejection(apps().rotateSecret(tenant, app.clientId, operator), 'invalid_setting', /public app/);
    });
  });
});
