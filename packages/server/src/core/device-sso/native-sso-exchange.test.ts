import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { inMemoryServices, testContext } from '../testing/in-memory-services.js';
import { dsHash } from './device-secret.js';

/** Native SSO in the domain, on in-memory ports with a clock that moves when told: rotation, refusals, audit. */
describe('Native SSO in the domain', () => {
  async function device() {
    const h = inMemoryServices();
    const { tenant, app: mail } = await h.tenantWithApp({ ssoGroup: 'suite' });
    const { app: calendar } = await h.services.apps.register(tenant, { name: 'Calendar', ssoGroup: 'suite' });
    const user = await h.user(tenant);
    const active = await h.services.sessions.open({
      tenant,
      app: mail,
      user,
      amr: ['pwd'],
      scope: 'openid offline_access device_sso',
      device: { name: 'Phone', platform: 'ios', kind: 'primary' },
    });
    const tokens = await h.services.tokens.issue({ tenant, app: mail, session: active });
    const exchange = (deviceSecret = tokens.deviceSecret!, idToken = tokens.idToken!) =>
      h.services.nativeSso.exchange(tenant, calendar, {
        idToken,
        deviceSecret,
        scope: [],
        dpopJkt: null,
        context: testContext,
      });
    return { h, tenant, mail, calendar, user, active, tokens, exchange };
  }

  it('issues a device secret only with device_sso, its ds_hash in the ID token', async () => {
    const { h, tenant, mail, user, tokens } = await device();
    expect(decodeJwt(tokens.idToken!).ds_hash).toBe(dsHash(tokens.deviceSecret!));
    const plain = await h.signIn(tenant, mail, user);
    const without = await h.services.tokens.issue({ tenant, app: mail, session: plain });
    expect(without.deviceSecret).toBeUndefined();
    expect(decodeJwt(without.idToken!)).not.toHaveProperty('ds_hash');
  });

  it('keeps a presented current secret, rotates otherwise; the old secret then refuses', async () => {
    const { h, tenant, mail, active, tokens, exchange } = await device();
    const kept = await h.services.tokens.issue({
      tenant,
      app: mail,
      session: active,
      deviceSecret: tokens.deviceSecret,
    });
    expect(kept.deviceSecret).toBe(tokens.deviceSecret);
    const rotated = await h.services.tokens.issue({ tenant, app: mail, session: active, deviceSecret: 'stale' });
    expect(rotated.deviceSecret).not.toBe(tokens.deviceSecret);
    await expect(exchange(tokens.deviceSecret!, rotated.idToken!)).rejects.toMatchObject({
      code: 'native_sso_refused',
    });
    expect((await exchange(rotated.deviceSecret!, rotated.idToken!)).session.deviceId).toBe(active.session.deviceId);
  });

  it('opens the sibling session with the device sign-in time and methods, and audits it', async () => {
    const { h, tenant, calendar, active, exchange } = await device();
    h.clock.advance!(60_000);
    const sibling = await exchange();
    expect(sibling.session).toMatchObject({
      clientId: calendar.clientId,
      deviceId: active.session.deviceId,
      authTime: active.session.authTime,
      amr: ['pwd'],
      parentId: null,
    });
    expect(sibling.scope.split(' ')).toContain('device_sso');
    const [event] = await h.repos.audit.list({ tenantId: tenant.id, type: 'native_sso.exchanged' });
    expect(event).toMatchObject({ clientId: calendar.clientId, sessionId: sibling.session.id });
  });

  it('audits each refusal with its reason, and answers only native_sso_refused', async () => {
    const { h, tenant, exchange } = await device();
    await expect(exchange('wrong')).rejects.toMatchObject({ code: 'native_sso_refused' });
    await expect(exchange(undefined, 'not.a.jwt')).rejects.toMatchObject({ code: 'native_sso_refused' });
    const reasons = (await h.repos.audit.list({ tenantId: tenant.id, type: 'native_sso.refused' })).map(
      (e) => (e.data as { reason: string }).reason,
    );
    expect(reasons.sort()).toEqual(['ds_hash_mismatch', 'id_token_not_signed']);
  });
});
