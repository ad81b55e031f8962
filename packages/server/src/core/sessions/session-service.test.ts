import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { digest } from '../../crypto/digest.js';
import type { App, Session, Tenant, User } from '../model.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices } from '../testing/in-memory-services.js';
import {
  formatRefreshToken,
  newRefreshTokenSecret,
  readRefreshToken,
  refreshTokenKeysOf,
} from './refresh-token-format.js';
import { legacySuccessorOf, refreshTokenRecord } from './refresh-tokens.js';
import type { OpenSessionInput, RefreshInput } from './session-service.js';
import { sessionSlotKey } from '../testing/memory-database.js';

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
  /** A token in its session's slot, or stored before migration 0018. */
  const storedToken = (token: string) =>
    harness.db.sessionRefreshTokens.where((stored) => stored.digest === digest(token))[0] ??
    harness.db.refreshTokens.get(digest(token));
  const storedSession = (id: string) => harness.db.sessions.get(id);
  const tokensOf = (session: Session) =>
    harness.db.sessionRefreshTokens
      .where((token) => token.sessionId === session.id)
      .sort((left, right) => left.generation - right.generation);

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

  describe('bounded storage', () => {
    const keys = () => refreshTokenKeysOf(harness.masterKey);
    const refreshTimes = async (first: string, times: number) => {
      const tokens = [first];
      for (let count = 0; count < times; count++) tokens.push((await refresh(tokens.at(-1)!)).refreshToken);
      return tokens;
    };
    /** A session's token as Baton issued them before migration 0014: 256 random bits, recognised by its row alone. */
    const legacyToken = (session: Session, fields: { generation: number; consumedAt?: number }) => {
      const token = randomBytes(32).toString('base64url');
      const record = refreshTokenRecord(token, session, {
        scope: grantedScope,
        generation: fields.generation,
        dpopJkt: null,
        now: harness.clock.now(),
      });
      harness.db.refreshTokens.insert({ ...record, consumedAt: fields.consumedAt ?? null, previousDigest: null });
      return token;
    };

    it('keeps the current token and the previous one only, however often the session is refreshed', async () => {
      const active = await open();
      const tokens = await refreshTimes(active.refreshToken, 50);
      expect(tokensOf(active.session).map((token) => [token.generation, token.consumedAt === null])).toEqual([
        [49, false],
        [50, true],
      ]);
      expect(readRefreshToken(tokens[50]!, keys().mac)).toEqual({ sessionId: active.session.id, generation: 50 });
    });

    it('takes a token older than the previous one for reuse, by the session and generation it carries', async () => {
      const active = await open();
      const watch = await open({
        parent: active.session,
        device: { name: 'W', platform: 'wearos', kind: 'companion' },
      });
      const tokens = await refreshTimes(active.refreshToken, 10);
      expect(storedToken(tokens[3]!)).toBeNull();
      await expectRejection(refresh(tokens[3]!), 'refresh_token_reused', /already used/);
      expect(storedSession(active.session.id)?.revokedReason).toBe('refresh_token_reuse');
      expect(storedSession(watch.session.id)?.revokedReason).toBe('refresh_token_reuse');
      const [event] = await harness.repos.audit.list({ tenantId: tenant.id, type: 'refresh_token.reuse_detected' });
      expect(event?.data).toMatchObject({ generation: 3 });
      await expectRejection(refresh(tokens[10]!), 'invalid_refresh_token', /revoked/);
    });

    it('refuses a forged token (a known session id, a made-up MAC) as invalid, and revokes nothing', async () => {
      const active = await open();
      const tokens = await refreshTimes(active.refreshToken, 3);
      const madeUp = formatRefreshToken(
        { sessionId: active.session.id, generation: 0 },
        newRefreshTokenSecret(),
        randomBytes(32),
      );
      const renumbered = Buffer.from(tokens[3]!, 'base64url');
      renumbered.writeUInt32BE(1, 17);
      for (const forged of [madeUp, renumbered.toString('base64url')]) {
        await expectRejection(refresh(forged), 'invalid_refresh_token', /invalid/);
        await expectRejection(
          harness.services.sessions.inspect({ tenant, app, presented: forged }, 'session_transfer'),
          'invalid_refresh_token',
        );
      }
      expect(await harness.services.sessions.ownerOfRefreshToken(tenant, madeUp)).toBeNull();
      expect(storedSession(active.session.id)?.revokedAt).toBeNull();
      expect(await harness.repos.audit.list({ tenantId: tenant.id, type: 'refresh_token.reuse_detected' })).toEqual([]);
      await refresh(tokens[3]!);
    });

    it('takes an older token presented to another app, or of a session that has ended, as invalid only', async () => {
      const other = await harness.services.apps.register(tenant, { name: 'Other' });
      const active = await open();
      const tokens = await refreshTimes(active.refreshToken, 3);
      await expectRejection(
        harness.services.sessions.refresh({ tenant, app: other.app, presented: tokens[0]! }),
        'invalid_refresh_token',
      );
      expect(storedSession(active.session.id)?.revokedAt).toBeNull();
      harness.clock.advance((idleTtl + 1) * second);
      await expectRejection(refresh(tokens[0]!), 'invalid_refresh_token');
      expect(storedSession(active.session.id)?.revokedAt).toBeNull();
    });

    it('names the session of an older token for RFC 7009 revocation, and none for introspection', async () => {
      const active = await open();
      const tokens = await refreshTimes(active.refreshToken, 3);
      expect(await harness.services.sessions.ownerOfRefreshToken(tenant, tokens[0]!)).toEqual({
        sessionId: active.session.id,
        clientId: app.clientId,
      });
      expect(await harness.services.sessions.findByRefreshToken(tenant, tokens[0]!)).toBeNull();
    });

    it('refreshes a token issued before migration 0014 into the new format, and still knows it afterwards', async () => {
      const active = await open();
      const legacy = legacyToken(active.session, { generation: 7 });
      const next = await refresh(legacy);
      expect(readRefreshToken(next.refreshToken, keys().mac)).toEqual({ sessionId: active.session.id, generation: 8 });
      expect((await refresh(legacy)).refreshToken).toBe(next.refreshToken);
      await refreshTimes(next.refreshToken, 3);
      expect(storedToken(legacy)?.consumedAt).not.toBeNull();
      await expectRejection(refresh(legacy), 'refresh_token_reused');
      expect(storedSession(active.session.id)?.revokedReason).toBe('refresh_token_reuse');
    });

    /** Moves a token from its session's slot to where an instance before migration 0018 stored it. */
    const storedBefore0018 = (token: string) => {
      const claims = readRefreshToken(token, keys().mac)!;
      const slot = sessionSlotKey(claims.sessionId, claims.generation);
      harness.db.refreshTokens.insert({ ...harness.db.sessionRefreshTokens.get(slot)!, previousDigest: null });
      harness.db.sessionRefreshTokens.delete(slot);
    };
    /** What an instance before migration 0014 stored when it rotated `presented` at generation `generation`. */
    const rotatedTheOldWay = (session: Session, presented: string, generation: number) => {
      const successor = legacySuccessorOf(presented, keys());
      harness.db.refreshTokens.update(digest(presented), { consumedAt: harness.clock.now() });
      harness.db.refreshTokens.insert({
        ...refreshTokenRecord(successor, session, {
          scope: grantedScope,
          generation: generation + 1,
          dpopJkt: null,
          now: harness.clock.now(),
        }),
        previousDigest: null,
      });
      return successor;
    };

    it('answers a retry of a token rotated just before the upgrade with the successor it got then', async () => {
      const active = await open();
      const legacy = legacyToken(active.session, { generation: 2 });
      const successor = rotatedTheOldWay(active.session, legacy, 2);
      harness.clock.advance(retryWindow * second);
      expect((await refresh(legacy)).refreshToken).toBe(successor);
      const next = await refresh(successor);
      expect(readRefreshToken(next.refreshToken, keys().mac)).toEqual({ sessionId: active.session.id, generation: 4 });
    });

    it('answers a retry of a token an instance not yet upgraded rotated with the successor it got there', async () => {
      const active = await open();
      storedBefore0018(active.refreshToken);
      const successor = rotatedTheOldWay(active.session, active.refreshToken, 0);
      expect((await refresh(active.refreshToken)).refreshToken).toBe(successor);
      expect(storedSession(active.session.id)?.revokedAt).toBeNull();
    });
  });

  describe('inspect', () => {
    it('checks a token without rotating it', async () => {
      const active = await open();
      const inspected = await harness.services.sessions.inspect(
        { tenant, app, presented: active.refreshToken },
        'session_transfer',
      );
      expect(inspected.session.id).toBe(active.session.id);
      expect(storedToken(active.refreshToken)?.consumedAt).toBeNull();
    });
  });
});
