import { decodeJwt } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest } from '../../src/crypto/digest.js';
import { openRuntime, startServer } from '../../src/runtime.js';
import { expectError, expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { dpopProof, newDpopKey } from '../support/dpop.js';
import { freePort } from '../support/free-port.js';
import { getJson, postForm } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';
import { verifyTenantJwt } from '../support/tokens.js';
import { type DeviceApps, type DeviceClient, startDeviceServer } from './device-client.js';

describe.each(engines)('device authorization grant (RFC 8628) on %s', (engine) => {
  let t: TestServer;
  let apps: DeviceApps;
  let client: DeviceClient;
  beforeAll(async () => {
    ({ t, apps, client } = await startDeviceServer(engine));
  });
  afterAll(async () => {
    await t?.close();
  });

  const db = () => t.server.runtime.database.db;
  const auditOf = (type: string) => t.services.repos.audit.list({ tenantId: t.tenant.id, type });
  /** Waits out the interval on the manual clock. */
  const wait = (seconds: number) => t.clock.advance!(seconds * 1000);
  const approved = async () => {
    const codes = await client.codes();
    const phone = await client.signIn();
    const res = await client.decide(phone.accessToken, codes.userCode);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { ...codes, phone };
  };

  describe('the device authorization endpoint', () => {
    it('answers a device code, an XXXX-XXXX user code, where to approve it, and how often to poll; stores only digests', async () => {
      const res = await client.start();
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        device_code: expect.any(String),
        user_code: expect.stringMatching(/^[BCDFGHJKMNPQRSTVWXZ]{4}-[BCDFGHJKMNPQRSTVWXZ]{4}$/),
        verification_uri: `${t.base}/device`,
        verification_uri_complete: `${t.base}/device?user_code=${res.body.user_code}`,
        expires_in: 600,
        interval: 5,
      });
      const rows = await db()
        .selectFrom('device_authorizations')
        .selectAll()
        .where('client_id', '=', apps.tv.clientId)
        .execute();
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain(res.body.device_code);
      expect(stored).not.toContain(res.body.user_code.replace('-', ''));
      expect(rows.at(-1)).toMatchObject({ status: 'pending', device_name: 'Living-room TV', device_platform: 'tvOS' });
      expect((await auditOf('device_code.issued')).at(0)).toMatchObject({ clientId: apps.tv.clientId });
    });

    it('refuses an app registered without --device-code with unauthorized_client, and an unknown one with invalid_client', async () => {
      expectError(await client.start({ app: apps.phone }), 400, 'unauthorized_client');
      expectError(await client.start({ app: { ...apps.tv, clientId: 'no-such-app' } }), 401, 'invalid_client');
    });

    it('is listed in discovery, with its grant type', async () => {
      const res = await getJson(`${t.base}/v2.0/.well-known/openid-configuration`);
      expect(res.body.device_authorization_endpoint).toBe(`${t.base}/oauth2/v2.0/devicecode`);
      expect(res.body.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:device_code');
    });
  });

  describe('polling', () => {
    it('answers authorization_pending, slow_down when polled faster than the interval (which grows by 5 s), then pending again', async () => {
      const { deviceCode } = await client.codes();
      expectNativeAuthError(await client.poll(deviceCode), 400, 'authorization_pending');
      wait(2);
      expectNativeAuthError(await client.poll(deviceCode), 400, 'slow_down');
      const row = await db()
        .selectFrom('device_authorizations')
        .select('poll_interval')
        .where('device_code_digest', '=', digest(deviceCode))
        .executeTakeFirstOrThrow();
      expect(row.poll_interval).toBe(10);
      wait(5);
      expectNativeAuthError(await client.poll(deviceCode), 400, 'slow_down');
      wait(15);
      expectNativeAuthError(await client.poll(deviceCode), 400, 'authorization_pending');
    });

    it('answers expired_token once the code has expired, approved or not', async () => {
      const pending = await client.codes();
      const { deviceCode } = await approved();
      wait(601);
      expectNativeAuthError(await client.poll(pending.deviceCode), 400, 'expired_token');
      expectNativeAuthError(await client.poll(deviceCode), 400, 'expired_token');
    });

    it('refuses an unknown device code and one issued to another app with invalid_grant, and the grant to an app without --device-code', async () => {
      const { deviceCode } = await client.codes();
      const { app: otherTv } = await t.registerApp({ name: 'Other TV app', deviceCode: true });
      expectNativeAuthError(await client.poll(deviceCode, { app: otherTv }), 400, 'invalid_grant');
      expectNativeAuthError(await client.poll('no-such-code'), 400, 'invalid_grant');
      expectNativeAuthError(await client.poll(deviceCode, { app: apps.phone }), 400, 'unauthorized_client');
      expectNativeAuthError(await client.poll(deviceCode), 400, 'authorization_pending');
    });

    it('refuses a device code of another tenant with invalid_grant', async () => {
      const other = await t.services.tenants.create({ name: `globex-${engine}` });
      const { app: foreignTv } = await t.services.apps.register(other, { name: 'Globex TV', deviceCode: true });
      const res = await postForm(`${t.url}/${other.name}/oauth2/v2.0/devicecode`, { client_id: foreignTv.clientId });
      expect(res.status).toBe(200);
      expectNativeAuthError(await client.poll(res.body.device_code), 400, 'invalid_grant');
    });
  });

  describe('native approval', () => {
    it("trades an approved code once for tokens of a session that is the approving session's child", async () => {
      const { deviceCode, phone } = await approved();
      const res = await client.poll(deviceCode);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String) });
      const { payload: idToken } = await verifyTenantJwt(t, res.body.id_token, { audience: apps.tv.clientId });
      expect(idToken).toMatchObject({ aud: apps.tv.clientId, sub: t.user.id });
      const session = await t.services.sessions.find(idToken.sid as string);
      expect(session).toMatchObject({ parentId: phone.sessionId, clientId: apps.tv.clientId, userId: t.user.id });
      const device = await db()
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', session!.deviceId)
        .executeTakeFirst();
      expect(device).toMatchObject({ name: 'Living-room TV', platform: 'tvOS' });
      wait(5);
      expectNativeAuthError(await client.poll(deviceCode), 400, 'invalid_grant');
      expect((await auditOf('device_code.approved')).some((e) => e.sessionId === phone.sessionId)).toBe(true);
      expect((await auditOf('device_code.redeemed')).some((e) => e.sessionId === session!.id)).toBe(true);
      expect((await auditOf('device_code.replayed')).length).toBeGreaterThan(0);
    });

    it('takes the user code in any case, with or without the dash, and answers what was approved', async () => {
      const codes = await client.codes();
      const phone = await client.signIn();
      const res = await client.decide(phone.accessToken, codes.userCode.replace('-', '').toLowerCase());
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({
        decision: 'approve',
        client_id: apps.tv.clientId,
        app: 'Living-room TV app',
        device: { name: 'Living-room TV', platform: 'tvOS' },
      });
      expect((await client.poll(codes.deviceCode)).status).toBe(200);
    });

    it('binds the tokens to the DPoP key of the poll that redeems them', async () => {
      const { deviceCode } = await approved();
      const key = await newDpopKey();
      const proof = await dpopProof(key, { method: 'POST', url: `${t.base}/oauth2/v2.0/token`, now: t.clock.now() });
      const res = await client.poll(deviceCode, { headers: { dpop: proof } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.token_type).toBe('DPoP');
      expect(decodeJwt(res.body.access_token).cnf).toEqual({ jkt: key.jkt });
    });

    it('answers access_denied to the device once the user denies it, and keeps answering it', async () => {
      const codes = await client.codes();
      const phone = await client.signIn();
      expect((await client.decide(phone.accessToken, codes.userCode, 'deny')).status).toBe(200);
      expectNativeAuthError(await client.poll(codes.deviceCode), 400, 'access_denied');
      wait(5);
      expectNativeAuthError(await client.poll(codes.deviceCode), 400, 'access_denied');
      expect((await auditOf('device_code.denied')).some((e) => e.sessionId === phone.sessionId)).toBe(true);
      expectError(await client.decide(phone.accessToken, codes.userCode), 400, 'invalid_grant');
    });

    it('refuses an approving app registered without --allow-session-transfer, and leaves the code pending', async () => {
      const codes = await client.codes();
      const other = await client.signIn(t.app);
      expectError(await client.decide(other.accessToken, codes.userCode), 400, 'unauthorized_client');
      expectNativeAuthError(await client.poll(codes.deviceCode), 400, 'authorization_pending');
    });

    it('refuses a missing or invalid access token with invalid_token, and a decision that is neither approve nor deny', async () => {
      const codes = await client.codes();
      expectError(
        await postForm(`${t.base}/oauth2/v2.0/devicecode/approve`, { user_code: codes.userCode }),
        401,
        'invalid_token',
      );
      expectError(await client.decide('not-a-token', codes.userCode), 401, 'invalid_token');
      const phone = await client.signIn();
      expectError(await client.decide(phone.accessToken, codes.userCode, 'maybe'), 400, 'invalid_request');
    });

    it('refuses a wrong user code with invalid_grant, audited; guesses lock the approver out, the right code included', async () => {
      const codes = await client.codes();
      // A user of their own: the lockout is per approving user.
      const guesser = { email: `guesser-${engine}@example.com`, password: t.userPassword };
      await t.services.accounts.create(t.tenant, { ...guesser, emailVerified: true });
      const phone = await client.signIn(apps.phone, guesser);
      for (const wrong of ['BCDF-GHJK', 'not a code', 'ZZZZ-ZZZZ', 'BBBB-BBBB', 'CCCC-CCCC']) {
        expectError(await client.decide(phone.accessToken, wrong), 400, 'invalid_grant');
      }
      expect((await auditOf('device_code.guess_refused')).filter((e) => e.sessionId === phone.sessionId)).toHaveLength(
        5,
      );
      expectError(await client.decide(phone.accessToken, codes.userCode), 400, 'invalid_grant');
      expectNativeAuthError(await client.poll(codes.deviceCode), 400, 'authorization_pending');
      // The lockout passes.
      wait(120);
      expect((await client.decide(phone.accessToken, codes.userCode)).status).toBe(200);
    });

    it("ends the device's session when the approving session is revoked", async () => {
      const { deviceCode, phone } = await approved();
      const res = await client.poll(deviceCode);
      expect(res.status).toBe(200);
      await t.services.sessions.revoke(phone.sessionId, 'test');
      const refreshed = await postForm(`${t.base}/oauth2/v2.0/token`, {
        grant_type: 'refresh_token',
        client_id: apps.tv.clientId,
        refresh_token: res.body.refresh_token,
      });
      expectNativeAuthError(refreshed, 400, 'invalid_grant');
    });

    it('issues nothing when the approving session ended between approval and redemption', async () => {
      const { deviceCode, phone } = await approved();
      await t.services.sessions.revoke(phone.sessionId, 'test');
      expectNativeAuthError(await client.poll(deviceCode), 400, 'invalid_grant');
      expect((await t.services.sessions.list(t.tenant, t.user)).filter((s) => s.parentId === phone.sessionId)).toEqual(
        [],
      );
    });
  });

  describe('across two server instances over one database', () => {
    it('lets exactly one approval and one redemption win', async () => {
      const second = await startServer(
        await openRuntime(
          { ...t.server.runtime.config, port: await freePort() },
          { clock: t.clock, logger: pino({ level: 'silent' }) },
        ),
      );
      try {
        const codes = await client.codes();
        const phone = await client.signIn();
        const decisions = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            client.decide(
              phone.accessToken,
              codes.userCode,
              i % 3 ? 'approve' : 'deny',
              i % 2 ? { instanceUrl: second.url } : {},
            ),
          ),
        );
        expect(decisions.filter((r) => r.status === 200)).toHaveLength(1);
        const winner = decisions.find((r) => r.status === 200)!.body.decision;
        const polls = await Promise.all(
          Array.from({ length: 10 }, (_, i) => client.poll(codes.deviceCode, i % 2 ? { instanceUrl: second.url } : {})),
        );
        if (winner === 'approve') expect(polls.filter((r) => r.status === 200)).toHaveLength(1);
        else expect(polls.filter((r) => r.body.error === 'access_denied')).toHaveLength(1);
        // A poll that reads the code after the winner redeemed it finds it used (invalid_grant);
        // every other loser was too fast. None is pending and none gets a second session.
        const losers = polls.filter((r) => r.status !== 200 && r.body.error !== 'access_denied');
        expect(losers).toHaveLength(9);
        const loserErrors = winner === 'approve' ? ['slow_down', 'invalid_grant'] : ['slow_down'];
        for (const r of losers) expect(loserErrors).toContain(r.body.error);
        wait(60);
        const again = await client.poll(codes.deviceCode, { instanceUrl: second.url });
        expectNativeAuthError(again, 400, winner === 'approve' ? 'invalid_grant' : 'access_denied');
      } finally {
        await second.close();
      }
    });
  });
});
