import { tokenTypes } from '@baton/protocol';
import { decodeJwt } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatonJson } from '../../../../e2e/support/baton-process.js';
import { openRuntime, startServer } from '../../src/runtime.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { newDpopKey } from '../support/dpop.js';
import { freePort } from '../support/free-port.js';
import type { TestServer } from '../support/test-server.js';
import { verifyTenantJwt } from '../support/tokens.js';
import { startHandoffServer, type HandoffApps, type HandoffClient } from './handoff-client.js';

describe.each(engines)('session transfer (RFC 8693 token exchange) on %s', (engine) => {
  let t: TestServer;
  let apps: HandoffApps;
  let client: HandoffClient;
  beforeAll(async () => {
    ({ t, apps, client } = await startHandoffServer(engine));
  });
  afterAll(async () => {
    await t?.close();
  });

  const db = () => t.server.runtime.database.db;
  const refreshTokenRows = (sessionId: string) =>
    db()
      .selectFrom('session_refresh_tokens')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('generation')
      .execute();
  const auditOf = (type: string) => t.services.repos.audit.list({ tenantId: t.tenant.id, type });

  describe('asking for a transfer token', () => {
    it('answers a short-lived transfer token for the audience, stored only as its digest', async () => {
      const phone = await client.signIn();
      const res = await client.requestTransfer(phone.refreshToken);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        issued_token_type: tokenTypes.sessionTransferToken,
        token_type: 'N_A',
        expires_in: expect.any(Number),
      });
      expect(res.body.expires_in).toBeGreaterThan(0);
      expect(res.body.expires_in).toBeLessThanOrEqual(60);
      const rows = await db()
        .selectFrom('session_transfer_tokens')
        .selectAll()
        .where('session_id', '=', phone.sessionId)
        .execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        client_id: apps.phone.clientId,
        audience: apps.watch.clientId,
        tenant_id: t.tenant.id,
      });
      expect(JSON.stringify(rows)).not.toContain(res.body.access_token);
      expect((await auditOf('session_transfer.issued')).find((e) => e.sessionId === phone.sessionId)).toMatchObject({
        clientId: apps.phone.clientId,
        data: { audience: apps.watch.clientId },
      });
    });

    it("neither rotates nor consumes the phone's refresh token", async () => {
      const phone = await client.signIn();
      const before = await refreshTokenRows(phone.sessionId);
      expect((await client.requestTransfer(phone.refreshToken)).status).toBe(200);
      expect((await client.requestTransfer(phone.refreshToken)).status).toBe(200);
      expect(await refreshTokenRows(phone.sessionId)).toEqual(before);
      // Well past the retry window: a consumed token would now count as reuse.
      t.clock.advance!(30_000);
      const refreshed = await client.refresh(apps.phone, phone.refreshToken);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refresh_token).not.toBe(phone.refreshToken);
    });

    it('refuses an app registered without --allow-session-transfer with unauthorized_client', async () => {
      const signedIn = await client.signIn(t.app);
      expectNativeAuthError(
        await client.requestTransfer(signedIn.refreshToken, { app: t.app }),
        400,
        'unauthorized_client',
      );
      expect(
        await db()
          .selectFrom('session_transfer_tokens')
          .select('digest')
          .where('session_id', '=', signedIn.sessionId)
          .execute(),
      ).toEqual([]);
    });

    it('refuses an audience that does not accept transfers, an unknown one, a missing one and one of another tenant with invalid_target', async () => {
      const phone = await client.signIn();
      const other = await t.services.tenants.create({ name: `globex-${engine}` });
      const { app: foreign } = await t.services.apps.register(other, {
        name: 'Globex watch',
        acceptSessionTransfer: true,
      });
      for (const audience of [t.app.clientId, apps.phone.clientId, 'no-such-app', '', foreign.clientId]) {
        expectNativeAuthError(await client.requestTransfer(phone.refreshToken, { audience }), 400, 'invalid_target');
      }
      expect((await client.refresh(apps.phone, phone.refreshToken)).status).toBe(200);
    });

    it('treats a rotated phone refresh token presented after the retry window as reuse and revokes the session', async () => {
      const phone = await client.signIn();
      const rotated = await client.refresh(apps.phone, phone.refreshToken);
      expect(rotated.status).toBe(200);
      t.clock.advance!(11_000);
      expectNativeAuthError(await client.requestTransfer(phone.refreshToken), 400, 'invalid_grant');
      expect(await t.services.sessions.find(phone.sessionId)).toMatchObject({
        revokedAt: expect.any(Number),
        revokedReason: 'refresh_token_reuse',
      });
      expectNativeAuthError(await client.refresh(apps.phone, rotated.body.refresh_token), 400, 'invalid_grant');
      expect((await auditOf('refresh_token.reuse_detected')).some((e) => e.sessionId === phone.sessionId)).toBe(true);
    });

    it('refuses the refresh token of a revoked session, and an unknown one, with invalid_grant', async () => {
      const phone = await client.signIn();
      await t.services.sessions.revoke(phone.sessionId, 'signed_out');
      expectNativeAuthError(await client.requestTransfer(phone.refreshToken), 400, 'invalid_grant');
      expectNativeAuthError(await client.requestTransfer('not-a-refresh-token'), 400, 'invalid_grant');
    });
  });

  describe('redeeming a transfer token', () => {
    it('answers DPoP-bound access, refresh and ID tokens for the companion app', async () => {
      const phone = await client.signIn();
      const key = await newDpopKey();
      const res = await client.redeem(await client.transferToken(phone.refreshToken), key);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({
        token_type: 'DPoP',
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        id_token: expect.any(String),
        issued_token_type: tokenTypes.accessToken,
        expires_in: expect.any(Number),
      });
      expect(res.body.refresh_token).not.toBe(phone.refreshToken);
      const { payload: access } = await verifyTenantJwt(t, res.body.access_token, {
        audience: apps.watch.clientId,
        typ: 'at+jwt',
      });
      expect(access).toMatchObject({ sub: t.user.id, client_id: apps.watch.clientId, cnf: { jkt: key.jkt } });
      const { payload: id } = await verifyTenantJwt(t, res.body.id_token, { audience: apps.watch.clientId });
      expect(id.sid).toBe(access.sid);
      expect(id.sid).not.toBe(phone.sessionId);
    });

    it("opens a child of the phone's session on a new companion device, listed with the user's sessions", async () => {
      const phone = await client.signIn();
      const res = await client.redeem(await client.transferToken(phone.refreshToken), await newDpopKey());
      const childId = decodeJwt(res.body.id_token).sid as string;
      const listed = await t.services.sessions.list(t.tenant, t.user);
      const parent = listed.find((s) => s.id === phone.sessionId)!;
      const child = listed.find((s) => s.id === childId);
      expect(child).toMatchObject({
        parentId: phone.sessionId,
        clientId: apps.watch.clientId,
        amr: parent.amr,
        authTime: parent.authTime,
        device: { name: 'Ada’s Watch', platform: 'watchOS', kind: 'companion' },
      });
      expect(child!.device.id).not.toBe(parent.device.id);
      expect((await auditOf('session_transfer.redeemed')).find((e) => e.sessionId === childId)).toMatchObject({
        clientId: apps.watch.clientId,
        data: { parentSessionId: phone.sessionId, device: 'companion', dpop: true },
      });
    });

    it('shows the companion session in `baton sessions list`, as a child of the phone session', async () => {
      const { phone, companion } = await client.handOff();
      const config = t.server.runtime.config;
      const listed = await runBatonJson(['sessions', 'list', '--tenant', t.tenant.name, '--user', t.user.email], {
        env: {
          BATON_DATABASE_URL: config.databaseUrl,
          BATON_DATA_DIR: config.dataDir,
          BATON_MASTER_KEY: config.masterKey!,
          BATON_LOG_LEVEL: 'warn',
        },
      });
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.json.find((s: { id: string }) => s.id === companion.sessionId)).toMatchObject({
        client_id: apps.watch.clientId,
        parent_id: phone.sessionId,
        status: 'active',
        device: { name: 'Ada’s Watch', platform: 'watchOS', kind: 'companion' },
      });
    });

    it('refuses a replayed transfer token with invalid_grant and records the replay', async () => {
      const phone = await client.signIn();
      const transfer = await client.transferToken(phone.refreshToken);
      expect((await client.redeem(transfer, await newDpopKey())).status).toBe(200);
      expectNativeAuthError(await client.redeem(transfer, await newDpopKey()), 400, 'invalid_grant');
      expect((await auditOf('session_transfer.replayed')).find((e) => e.sessionId === phone.sessionId)).toMatchObject({
        clientId: apps.watch.clientId,
      });
      const children = (await t.services.sessions.list(t.tenant, t.user)).filter((s) => s.parentId === phone.sessionId);
      expect(children).toHaveLength(1);
    });

    it('lets exactly one of ten concurrent redemptions of one transfer token win', async () => {
      const phone = await client.signIn();
      const transfer = await client.transferToken(phone.refreshToken);
      const keys = await Promise.all(Array.from({ length: 10 }, () => newDpopKey()));
      const results = await Promise.all(keys.map((key) => client.redeem(transfer, key)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const refused of results.filter((r) => r.status !== 200))
        expectNativeAuthError(refused, 400, 'invalid_grant');
      const children = (await t.services.sessions.list(t.tenant, t.user)).filter((s) => s.parentId === phone.sessionId);
      expect(children).toHaveLength(1);
    });

    it('lets exactly one redemption win across two server instances over one database', async () => {
      const second = await startServer(
        await openRuntime(
          { ...t.server.runtime.config, port: await freePort() },
          { clock: t.clock, logger: pino({ level: 'silent' }) },
        ),
      );
      try {
        const phone = await client.signIn();
        const transfer = await client.transferToken(phone.refreshToken);
        const keys = await Promise.all(Array.from({ length: 10 }, () => newDpopKey()));
        const results = await Promise.all(
          keys.map((key, i) => client.redeem(transfer, key, i % 2 ? { instanceUrl: second.url } : {})),
        );
        expect(results.filter((r) => r.status === 200)).toHaveLength(1);
        expect(results.filter((r) => r.body.error === 'invalid_grant')).toHaveLength(9);
      } finally {
        await second.close();
      }
    });

    it('accepts a transfer token for 60 seconds and not after', async () => {
      const phone = await client.signIn();
      const early = await client.transferToken(phone.refreshToken);
      const late = await client.transferToken(phone.refreshToken);
      t.clock.advance!(59_000);
      expect((await client.redeem(early, await newDpopKey())).status).toBe(200);
      t.clock.advance!(2_000);
      expectNativeAuthError(await client.redeem(late, await newDpopKey()), 400, 'invalid_grant');
    });

    it('refuses a transfer token meant for another app, and leaves it to its audience', async () => {
      const { app: otherWatch } = await t.registerApp({ name: 'Other watch app', acceptSessionTransfer: true });
      const transfer = await client.transferToken();
      expectNativeAuthError(
        await client.redeem(transfer, await newDpopKey(), { app: otherWatch }),
        400,
        'invalid_grant',
      );
      expectNativeAuthError(await client.redeem(transfer, await newDpopKey(), { app: t.app }), 400, 'invalid_grant');
      expect((await client.redeem(transfer, await newDpopKey())).status).toBe(200);
    });

    it('refuses a companion app that requires MFA a phone session signed in with a password alone', async () => {
      const { app: strictWatch } = await t.registerApp({
        name: 'Strict watch app',
        acceptSessionTransfer: true,
        requireMfa: true,
      });
      const phone = await client.signIn();
      const transfer = await client.requestTransfer(phone.refreshToken, { audience: strictWatch.clientId });
      expect(transfer.status, JSON.stringify(transfer.body)).toBe(200);
      const res = await client.redeem(transfer.body.access_token, await newDpopKey(), { app: strictWatch });
      expectNativeAuthError(res, 400, 'invalid_grant', { description: 'multi-factor' });
      expect((await t.services.sessions.list(t.tenant, t.user)).filter((s) => s.parentId === phone.sessionId)).toEqual(
        [],
      );
    });

    it('asks for a DPoP proof, and leaves the transfer token unused', async () => {
      const transfer = await client.transferToken();
      expectNativeAuthError(await client.redeem(transfer, null), 400, 'invalid_dpop_proof');
      expect((await client.redeem(transfer, await newDpopKey())).status).toBe(200);
    });

    it("refuses a transfer token once the phone's session has ended, and a refresh token posing as one", async () => {
      const phone = await client.signIn();
      const transfer = await client.transferToken(phone.refreshToken);
      await t.services.sessions.revoke(phone.sessionId, 'signed_out');
      expectNativeAuthError(await client.redeem(transfer, await newDpopKey()), 400, 'invalid_grant');
      const other = await client.signIn();
      expectNativeAuthError(await client.redeem(other.refreshToken, await newDpopKey()), 400, 'invalid_grant');
    });
  });
});
