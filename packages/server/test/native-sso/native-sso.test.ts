import { createHash } from 'node:crypto';
import { tokenTypes } from '@baton/protocol';
import { decodeJwt, SignJWT, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { postForm, signInWithPassword } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';
import { verifyTenantJwt } from '../support/tokens.js';
import { nativeSsoClient, tokenExchange, useSuiteServer } from './native-sso-client.js';

const operator = { actor: 'operator', context: { ip: null, userAgent: null, correlationId: 'test' } } as const;

/** OpenID Connect Native SSO 1.0 over HTTP: the device secret, the exchange, what is refused, revocation. */
describe.each(engines)('Native SSO across apps of one group on %s', (engine) => {
  const suite = useSuiteServer(engine);
  let t: TestServer;
  let mail: App;
  let calendar: App;
  let otherGroup: App;
  let ungrouped: App;
  beforeAll(async () => {
    ({ t, mail, calendar, game: otherGroup } = suite());
    ungrouped = (await t.registerApp({ name: 'Loner' })).app;
  });

  const client = () => nativeSsoClient(t);
  const tokenUrl = () => client().tokenUrl;
  const signIn = (app: App, scope?: string) => client().signIn(app, scope);
  const exchange = (app: App, idToken: string, secret: string, extra?: Record<string, string | undefined>) =>
    client().exchange(app, idToken, secret, extra);
  const auditOf = (type: string) => t.services.repos.audit.list({ tenantId: t.tenant.id, type });

  const leftHalfSha256 = (value: string) =>
    createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url');
  const sessionOf = (idToken: string) => decodeJwt(idToken).sid as string;
  const deviceOf = async (sessionId: string) => (await t.services.sessions.find(sessionId))!.deviceId;

  describe('the device secret', () => {
    it('comes with device_sso: the ID token carries sid and ds_hash, and only a digest is stored on the device', async () => {
      const tokens = await signIn(mail);
      expect(tokens.device_secret).toEqual(expect.any(String));
      const { payload: claims } = await verifyTenantJwt(t, tokens.id_token, { audience: mail.clientId });
      expect(claims.sid).toEqual(expect.any(String));
      expect(claims.ds_hash).toBe(leftHalfSha256(tokens.device_secret!));
      const deviceId = await deviceOf(claims.sid as string);
      const rows = await t.server.runtime.database.db
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', deviceId)
        .execute();
      expect(rows[0]!.sso_secret_digest).toEqual(expect.any(String));
      expect(JSON.stringify(rows)).not.toContain(tokens.device_secret);
    });

    it('does not come without device_sso', async () => {
      const tokens = await signIn(mail, 'openid profile offline_access');
      expect(tokens).not.toHaveProperty('device_secret');
      expect(decodeJwt(tokens.id_token)).not.toHaveProperty('ds_hash');
    });

    it('is kept on a refresh that presents it, and rotated on one that does not', async () => {
      const tokens = await signIn(mail);
      const kept = await postForm(tokenUrl(), {
        grant_type: 'refresh_token',
        client_id: mail.clientId,
        refresh_token: tokens.refresh_token,
        device_secret: tokens.device_secret,
      });
      expect(kept.status).toBe(200);
      expect(kept.body.device_secret).toBe(tokens.device_secret);
      expect(decodeJwt(kept.body.id_token).ds_hash).toBe(leftHalfSha256(tokens.device_secret!));
      const rotated = await postForm(tokenUrl(), {
        grant_type: 'refresh_token',
        client_id: mail.clientId,
        refresh_token: kept.body.refresh_token,
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.device_secret).toEqual(expect.any(String));
      expect(rotated.body.device_secret).not.toBe(tokens.device_secret);
      // The old secret stops working for the siblings; the new pair works.
      expectError(await exchange(calendar, tokens.id_token, tokens.device_secret!), 400, 'invalid_grant');
      expect((await exchange(calendar, rotated.body.id_token, rotated.body.device_secret)).status).toBe(200);
    });
  });

  describe('the exchange', () => {
    it('gives a sibling app a full token set of a new session of its own on the same device', async () => {
      const tokens = await signIn(mail);
      const res = await exchange(calendar, tokens.id_token, tokens.device_secret!);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({
        token_type: 'Bearer',
        issued_token_type: tokenTypes.accessToken,
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        id_token: expect.any(String),
        device_secret: tokens.device_secret,
      });
      const { payload: claims } = await verifyTenantJwt(t, res.body.id_token, { audience: calendar.clientId });
      expect(claims.sub).toBe(t.user.id);
      expect(claims.ds_hash).toBe(leftHalfSha256(tokens.device_secret!));
      const mailSession = (await t.services.sessions.find(sessionOf(tokens.id_token)))!;
      const calendarSession = (await t.services.sessions.find(claims.sid as string))!;
      expect(calendarSession).toMatchObject({
        clientId: calendar.clientId,
        deviceId: mailSession.deviceId,
        parentId: null,
        authTime: mailSession.authTime,
        amr: mailSession.amr,
      });
      expect(calendarSession.id).not.toBe(mailSession.id);
      // The sibling's refresh token is its own and works.
      const refreshed = await postForm(tokenUrl(), {
        grant_type: 'refresh_token',
        client_id: calendar.clientId,
        refresh_token: res.body.refresh_token,
        device_secret: tokens.device_secret,
      });
      expect(refreshed.status).toBe(200);
      expect((await auditOf('native_sso.exchanged')).find((e) => e.sessionId === calendarSession.id)).toMatchObject({
        clientId: calendar.clientId,
        userId: t.user.id,
        data: { deviceId: mailSession.deviceId },
      });
    });

    it('accepts an expired ID token: the session it names and the device secret decide', async () => {
      const tokens = await signIn(mail);
      t.clock.advance!((mail.idTokenTtl + 60) * 1000);
      const res = await exchange(calendar, tokens.id_token, tokens.device_secret!);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });

    it('two concurrent exchanges open two sessions', async () => {
      const tokens = await signIn(mail);
      const [first, second] = await Promise.all([
        exchange(calendar, tokens.id_token, tokens.device_secret!),
        exchange(calendar, tokens.id_token, tokens.device_secret!),
      ]);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(sessionOf(first.body.id_token)).not.toBe(sessionOf(second.body.id_token));
    });
  });

  describe('what is refused with invalid_grant, and audited', () => {
    const refusedFor = async (reason: string) =>
      (await auditOf('native_sso.refused')).filter((e) => (e.data as { reason?: string }).reason === reason);

    it('an app of another group, or of none; nothing is written', async () => {
      const tokens = await signIn(mail);
      const before = await t.services.sessions.list(t.tenant, t.user);
      expectError(await exchange(otherGroup, tokens.id_token, tokens.device_secret!), 400, 'invalid_grant');
      expectError(await exchange(ungrouped, tokens.id_token, tokens.device_secret!), 400, 'invalid_grant');
      expect(await t.services.sessions.list(t.tenant, t.user)).toEqual(before);
      expect(await refusedFor('other_sso_group')).not.toHaveLength(0);
      expect(await refusedFor('app_not_in_sso_group')).not.toHaveLength(0);
    });

    it('an app of another tenant, even in a group of the same name', async () => {
      const tokens = await signIn(mail);
      const other = await t.services.tenants.create({ name: `other${engine}` });
      const { app: foreign } = await t.services.apps.register(other, { name: 'Mail', ssoGroup: 'acme-suite' });
      const res = await postForm(`${t.url}/${other.name}/oauth2/v2.0/token`, {
        grant_type: tokenExchange,
        client_id: foreign.clientId,
        subject_token: tokens.id_token,
        subject_token_type: tokenTypes.idToken,
        actor_token: tokens.device_secret,
        actor_token_type: tokenTypes.deviceSecret,
        audience: `${t.url}/${other.name}/v2.0`,
      });
      expectError(res, 400, 'invalid_grant');
    });

    it('a device secret that does not match the ds_hash (another device)', async () => {
      const first = await signIn(mail);
      const second = await signIn(mail);
      expectError(await exchange(calendar, first.id_token, second.device_secret!), 400, 'invalid_grant');
      expect(await refusedFor('ds_hash_mismatch')).not.toHaveLength(0);
    });

    it('an ID token without ds_hash', async () => {
      const plain = await signIn(mail, 'openid profile offline_access');
      const sso = await signIn(mail);
      expectError(await exchange(calendar, plain.id_token, sso.device_secret!), 400, 'invalid_grant');
    });

    it('an ID token Baton did not sign', async () => {
      const tokens = await signIn(mail);
      const { privateKey } = await generateKeyPair('ES256');
      const forged = await new SignJWT({ ...decodeJwt(tokens.id_token) })
        .setProtectedHeader({ alg: 'ES256', kid: 'forged' })
        .sign(privateKey);
      expectError(await exchange(calendar, forged, tokens.device_secret!), 400, 'invalid_grant');
      expect(await refusedFor('id_token_not_signed')).not.toHaveLength(0);
    });

    it('a revoked session', async () => {
      const tokens = await signIn(mail);
      await t.services.sessions.revoke(sessionOf(tokens.id_token), 'test');
      expectError(await exchange(calendar, tokens.id_token, tokens.device_secret!), 400, 'invalid_grant');
    });

    it('an audience other than the issuer, or a missing actor token, is invalid_request', async () => {
      const tokens = await signIn(mail);
      expectError(
        await exchange(calendar, tokens.id_token, tokens.device_secret!, { audience: calendar.clientId }),
        400,
        'invalid_request',
      );
      expectError(
        await exchange(calendar, tokens.id_token, tokens.device_secret!, { actor_token_type: undefined }),
        400,
        'invalid_request',
      );
    });
  });

  describe('revoking the device', () => {
    /** Mail signs in, Calendar joins by the exchange: two apps' sessions on one device. */
    async function twoAppsOnOneDevice() {
      const tokens = await signIn(mail);
      const res = await exchange(calendar, tokens.id_token, tokens.device_secret!);
      expect(res.status).toBe(200);
      return { mail: tokens, calendar: res.body as { id_token: string; refresh_token: string } };
    }
    const refreshFails = async (app: App, refreshToken: string) =>
      expectError(
        await postForm(tokenUrl(), {
          grant_type: 'refresh_token',
          client_id: app.clientId,
          refresh_token: refreshToken,
        }),
        400,
        'invalid_grant',
      );

    it("revoking one app's session (RFC 7009) ends every app's session on the device, and the secret stops working", async () => {
      const device = await twoAppsOnOneDevice();
      const revoked = await postForm(`${t.base}/oauth2/v2.0/revoke`, {
        client_id: calendar.clientId,
        token: device.calendar.refresh_token,
      });
      expect(revoked.status).toBe(200);
      await refreshFails(mail, device.mail.refresh_token);
      await refreshFails(calendar, device.calendar.refresh_token);
      expectError(await exchange(calendar, device.mail.id_token, device.mail.device_secret!), 400, 'invalid_grant');
      const deviceId = await deviceOf(sessionOf(device.mail.id_token));
      const [row] = await t.server.runtime.database.db
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', deviceId)
        .execute();
      expect(row!.sso_secret_digest).toBeNull();
    });

    it("revoking the user's sessions ends them all and the secret stops working", async () => {
      const device = await twoAppsOnOneDevice();
      await t.services.sessions.revokeUser(t.tenant, t.user, 'test');
      await refreshFails(mail, device.mail.refresh_token);
      await refreshFails(calendar, device.calendar.refresh_token);
      expectError(await exchange(calendar, device.calendar.id_token, device.mail.device_secret!), 400, 'invalid_grant');
    });

    it("erasing the account ends every app's session on its devices, and the secret stops working", async () => {
      const user = await t.services.accounts.create(t.tenant, {
        email: `grace-${engine}@example.com`,
        password: t.userPassword,
        emailVerified: true,
      });
      const res = await signInWithPassword(t.base, mail.clientId, user.email, t.userPassword, 'openid device_sso');
      expect(res.status).toBe(200);
      const sibling = await exchange(calendar, res.body.id_token, res.body.device_secret);
      expect(sibling.status).toBe(200);
      await t.services.users.delete(t.tenant, user.id, operator);
      await refreshFails(calendar, sibling.body.refresh_token);
      expectError(await exchange(calendar, res.body.id_token, res.body.device_secret), 400, 'invalid_grant');
      const [row] = await t.server.runtime.database.db
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', await deviceOf(sessionOf(res.body.id_token)))
        .execute();
      expect(row!.sso_secret_digest).toBeNull();
    });

    it('a revoked device refuses concurrent exchanges, both of them', async () => {
      const tokens = await signIn(mail);
      await t.services.sessions.revoke(sessionOf(tokens.id_token), 'test');
      const both = await Promise.all([
        exchange(calendar, tokens.id_token, tokens.device_secret!),
        exchange(calendar, tokens.id_token, tokens.device_secret!),
      ]);
      for (const res of both) expectError(res, 400, 'invalid_grant');
    });

    it('an exchange racing a revocation leaves no live session on the device', async () => {
      const tokens = await signIn(mail);
      const sessionId = sessionOf(tokens.id_token);
      await Promise.all([
        exchange(calendar, tokens.id_token, tokens.device_secret!),
        t.services.sessions.revoke(sessionId, 'test'),
      ]);
      const deviceId = await deviceOf(sessionId);
      const live = (await t.services.sessions.list(t.tenant, t.user)).filter(
        (s) => s.deviceId === deviceId && s.revokedAt === null,
      );
      expect(live).toEqual([]);
    });
  });
});
