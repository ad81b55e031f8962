import { beforeEach, describe, expect, it } from 'vitest';
import { digest } from '../../crypto/digest.js';
import type { App, Session, Tenant, User } from '../model.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices } from '../testing/in-memory-services.js';
import type { OpenSessionInput, RefreshInput } from './session-service.js';

const second = 1000;
const retryWindow = 10;
const idleTtl = 3600;
const absoluteTtl = 24 * 3600;
const grantedScope = 'openid profile offline_access mail.read calendar.read';

describe('SessionService', () => {
  let harness: DomainHarness;
  let tenant: Tenant;
  let app: App;
  let user: User;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant, app } = await harness.tenantWithApp({
      lifetimes: { refreshRetryWindow: retryWindow, sessionIdleTtl: idleTtl, sessionAbsoluteTtl: absoluteTtl },
    }));
    user = await harness.user(tenant);
  });

  const open = (fields: Partial<OpenSessionInput> = {}) =>
    harness.services.sessions.open({
      tenant,
      app,
      user,
      amr: ['pwd'],
      scope: grantedScope,
      device: { name: 'Phone', platform: 'android', kind: 'primary' },
      ...fields,
    });
  const refresh = (presented: string, fields: Partial<RefreshInput> = {}, sessions = harness.services.sessions) =>
    sessions.refresh({ tenant, app, presented, ...fields });
  const storedToken = (token: string) => harness.db.refreshTokens.get(digest(token));
  const storedSession = (id: string) => harness.db.sessions.get(id);
  const tokensOf = (session: Session) => harness.db.refreshTokens.where((token) => token.sessionId === session.id);

  describe('open', () => {
    it('stores the device, the session and its first refresh token, as a digest only', async () => {
      const active = await open({
        device: { name: 'Phone', platform: 'android', kind: 'primary', installationId: 'i1' },
      });
      const now = harness.clock.now();
      expect(active.user).toEqual(user);
      expect(active.scope).toBe(grantedScope);
      expect(active.dpopJkt).toBeNull();
      expect(storedSession(active.session.id)).toEqual(active.session);
      expect(active.session).toMatchObject({
        tenantId: tenant.id,
        userId: user.id,
        clientId: app.clientId,
        parentId: null,
        authTime: now,
        amr: ['pwd'],
        lastUsedAt: now,
        idleTtl,
        absoluteExpiresAt: now + absoluteTtl * second,
        revokedAt: null,
      });
      expect(harness.db.devices.get(active.session.deviceId)).toMatchObject({
        userId: user.id,
        name: 'Phone',
        kind: 'primary',
        installationId: 'i1',
      });
      expect(tokensOf(active.session)).toEqual([
        {
          digest: digest(active.refreshToken),
          sessionId: active.session.id,
          tenantId: tenant.id,
          clientId: app.clientId,
          generation: 0,
          scope: grantedScope,
          dpopJkt: null,
          issuedAt: now,
          expiresAt: now + idleTtl * second,
          consumedAt: null,
        },
      ]);
    });

    it('opens a child that keeps the parent sign-in time and never outlives the parent', async () => {
      const phone = await open();
      harness.clock.advance(3600 * second);
      const watch = await open({
        parent: phone.session,
        device: { name: 'Watch', platform: 'wearos', kind: 'companion' },
      });
      expect(watch.session.parentId).toBe(phone.session.id);
      expect(watch.session.authTime).toBe(phone.session.authTime);
      expect(watch.session.absoluteExpiresAt).toBe(phone.session.absoluteExpiresAt);
    });

    it('refuses a child of a session that has ended, and stores nothing', async () => {
      const phone = await open();
      await harness.services.sessions.revoke(phone.session.id, 'signed_out');
      await expectRejection(open({ parent: phone.session }), 'session_ended', /has ended/);
      expect(harness.db.sessions.where((session) => session.parentId === phone.session.id)).toEqual([]);
    });

    it('refuses a child at an app that requires MFA when the parent signed in without it', async () => {
      const phone = await open();
      const strict = { ...app, requireMfa: true };
      await expectRejection(open({ app: strict, parent: phone.session }), 'session_lacks_mfa', /multi-factor/);
      expect(
        (await open({ app: strict, parent: { ...phone.session, amr: ['pwd', 'otp', 'mfa'] } })).session.parentId,
      ).toBe(phone.session.id);
    });
  });

  describe('refresh', () => {
    it('rotates: a new token, the presented one consumed, the session used now', async () => {
      const active = await open();
      harness.clock.advance(60 * second);
      const next = await refresh(active.refreshToken);
      const now = harness.clock.now();
      expect(next.refreshToken).not.toBe(active.refreshToken);
      expect(next.session.id).toBe(active.session.id);
      expect(next.session.lastUsedAt).toBe(now);
      expect(storedToken(active.refreshToken)?.consumedAt).toBe(now);
      expect(storedToken(next.refreshToken)).toMatchObject({ generation: 1, scope: grantedScope, consumedAt: null });
      expect(storedSession(active.session.id)?.lastUsedAt).toBe(now);
    });

    it('answers a retry inside the window with the same successor, up to its last millisecond', async () => {
      const active = await open();
      const next = await refresh(active.refreshToken);
      harness.clock.advance(retryWindow * second);
      const retried = await refresh(active.refreshToken);
      expect(retried.refreshToken).toBe(next.refreshToken);
      expect(retried.session.revokedAt).toBeNull();
      expect(tokensOf(active.session)).toHaveLength(2);
    });

    it('counts each outcome for the metrics: rotated, retried, reuse', async () => {
      const active = await open();
      await refresh(active.refreshToken);
      await refresh(active.refreshToken);
      harness.clock.advance((retryWindow + 1) * second);
      await expectRejection(refresh(active.refreshToken), 'refresh_token_reused');
      expect(harness.counted.filter((event) => event.startsWith('refresh_token.'))).toEqual([
        'refresh_token.rotated',
        'refresh_token.retried',
        'refresh_token.reuse_detected',
      ]);
    });

    it('answers the same successor on another instance, and to racing refreshes', async () => {
      const active = await open();
      const otherInstance = harness.anotherInstance().sessions;
      const [first, second] = await Promise.all([
        refresh(active.refreshToken),
        refresh(active.refreshToken, {}, otherInstance),
      ]);
      expect(second.refreshToken).toBe(first.refreshToken);
      expect((await refresh(active.refreshToken, {}, otherInstance)).refreshToken).toBe(first.refreshToken);
      expect(tokensOf(active.session).map((token) => token.generation)).toEqual([0, 1]);
    });

    it('takes reuse after the window for theft: the session and its children are revoked', async () => {
      const phone = await open();
      const watch = await open({
        parent: phone.session,
        device: { name: 'Watch', platform: 'wearos', kind: 'companion' },
      });
      const webView = await open({ parent: watch.session, device: { name: 'View', platform: 'web', kind: 'browser' } });
      const next = await refresh(phone.refreshToken);
      harness.clock.advance(retryWindow * second + 1);
      await expectRejection(refresh(phone.refreshToken), 'refresh_token_reused', /already used/);
      for (const { session } of [phone, watch, webView]) {
        expect(storedSession(session.id)).toMatchObject({
          revokedAt: harness.clock.now(),
          revokedReason: 'refresh_token_reuse',
        });
      }
      await expectRejection(refresh(next.refreshToken), 'invalid_refresh_token', /revoked/);
      await expectRejection(refresh(watch.refreshToken), 'invalid_refresh_token', /revoked/);
      const [event] = await harness.repos.audit.list({ tenantId: tenant.id, type: 'refresh_token.reuse_detected' });
      expect(event?.sessionId).toBe(phone.session.id);
      expect(event?.data).toMatchObject({ reason: 'refresh_token_reuse', generation: 0 });
      expect(new Set(event?.data?.sessions as string[])).toEqual(
        new Set([phone.session.id, watch.session.id, webView.session.id]),
      );
    });

    it('takes an older generation for reuse even inside the window, once its successor was rotated', async () => {
      const active = await open();
      const next = await refresh(active.refreshToken);
      await refresh(next.refreshToken);
      await expectRejection(refresh(active.refreshToken), 'refresh_token_reused', /already used/);
      expect(storedSession(active.session.id)?.revokedReason).toBe('refresh_token_reuse');
    });

    it('leaves the parent alone when a child is revoked', async () => {
      const phone = await open();
      const watch = await open({
        parent: phone.session,
        device: { name: 'Watch', platform: 'wearos', kind: 'companion' },
      });
      expect(await harness.services.sessions.revoke(watch.session.id, 'signed_out')).toEqual([watch.session.id]);
      expect(storedSession(phone.session.id)?.revokedAt).toBeNull();
      await refresh(phone.refreshToken);
    });

    it('refuses a revoked session, and does not consume its token', async () => {
      const active = await open();
      await harness.services.sessions.revoke(active.session.id, 'signed_out');
      await expectRejection(refresh(active.refreshToken), 'invalid_refresh_token', /revoked/);
      expect(storedToken(active.refreshToken)?.consumedAt).toBeNull();
    });

    it('ends an idle session after idleTtl without a refresh, each refresh starting the count again', async () => {
      const active = await open();
      harness.clock.advance(idleTtl * second - 1);
      const next = await refresh(active.refreshToken);
      harness.clock.advance(idleTtl * second - 1);
      const last = await refresh(next.refreshToken);
      harness.clock.advance(idleTtl * second);
      await expectRejection(refresh(last.refreshToken), 'invalid_refresh_token', /inactivity/);
    });

    it('ends a session at its absolute lifetime, however often it is refreshed', async () => {
      let active = await open();
      const end = active.session.absoluteExpiresAt;
      while (harness.clock.now() + 1800 * second < end) {
        harness.clock.advance(1800 * second);
        active = await refresh(active.refreshToken);
      }
      harness.clock.set(end);
      await expectRejection(refresh(active.refreshToken), 'invalid_refresh_token', /maximum lifetime/);
    });

    it('refuses a token issued to another client or in another tenant', async () => {
      const active = await open();
      const { app: otherApp } = await harness.services.apps.register(tenant, { name: 'Other' });
      await expectRejection(
        harness.services.sessions.refresh({ tenant, app: otherApp, presented: active.refreshToken }),
        'invalid_refresh_token',
        /another client/,
      );
      const otherTenant = await harness.services.tenants.create({ name: 'globex' });
      await expectRejection(
        harness.services.sessions.refresh({ tenant: otherTenant, app, presented: active.refreshToken }),
        'invalid_refresh_token',
        /invalid, expired or revoked/,
      );
      expect(storedToken(active.refreshToken)?.consumedAt).toBeNull();
    });
  });

  describe('DPoP binding', () => {
    it('keeps a bound session bound across rotations, refusing other keys without consuming the token', async () => {
      const active = await open({ dpopJkt: 'key-a' });
      await expectRejection(refresh(active.refreshToken), 'dpop_binding_mismatch', /bound to a DPoP key/);
      await expectRejection(
        refresh(active.refreshToken, { dpopJkt: 'key-b' }),
        'dpop_binding_mismatch',
        /bound to a DPoP key/,
      );
      expect(storedToken(active.refreshToken)?.consumedAt).toBeNull();
      const next = await refresh(active.refreshToken, { dpopJkt: 'key-a' });
      expect(next.dpopJkt).toBe('key-a');
      expect(storedToken(next.refreshToken)?.dpopJkt).toBe('key-a');
      await expectRejection(refresh(next.refreshToken), 'dpop_binding_mismatch', /bound to a DPoP key/);
    });

    it('binds an unbound session to the key of the first refresh that proves one, retries included', async () => {
      const active = await open();
      const next = await refresh(active.refreshToken, { dpopJkt: 'key-a' });
      expect(next.dpopJkt).toBe('key-a');
      expect(storedToken(next.refreshToken)?.dpopJkt).toBe('key-a');
      const retried = await refresh(active.refreshToken);
      expect(retried.refreshToken).toBe(next.refreshToken);
      expect(retried.dpopJkt).toBe('key-a');
      await expectRejection(refresh(next.refreshToken), 'dpop_binding_mismatch', /bound to a DPoP key/);
    });
  });

  describe('narrowing the scope', () => {
    it('accepts a narrower scope and keeps the whole grant on the successor', async () => {
      const active = await open();
      const next = await refresh(active.refreshToken, { requestedScope: ['mail.read'] });
      expect(storedToken(next.refreshToken)?.scope).toBe(grantedScope);
      await refresh(next.refreshToken, { requestedScope: ['calendar.read'] });
    });

    it('refuses a wider scope before the token is consumed, so the next try is no reuse', async () => {
      const active = await open();
      await expectRejection(refresh(active.refreshToken, { requestedScope: ['files.write'] }), 'scope_not_granted');
      expect(storedToken(active.refreshToken)?.consumedAt).toBeNull();
      harness.clock.advance(retryWindow * second + 1);
      const next = await refresh(active.refreshToken);
      expect(storedSession(next.session.id)?.revokedAt).toBeNull();
    });
  });

  describe('inspect', () => {
    it('checks a token without rotating it', async () => {
      const active = await open();
      const inspected = await harness.services.sessions.inspect({ tenant, app, presented: active.refreshToken });
      expect(inspected.session.id).toBe(active.session.id);
      expect(storedToken(active.refreshToken)?.consumedAt).toBeNull();
    });
  });
});
