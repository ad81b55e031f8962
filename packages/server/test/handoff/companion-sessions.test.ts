import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectError, expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { dpopProof, newDpopKey, type DpopKey } from '../support/dpop.js';
import { getJson, postForm } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';
import { startHandoffServer, type HandoffApps, type HandoffClient, type HandedOff } from './handoff-client.js';

/** The demo's setting: access tokens that expire within a minute, so the companion refreshes often. */
const accessTokenTtl = 60;

describe.each(engines)('companion sessions on %s', (engine) => {
  let t: TestServer;
  let client: HandoffClient;
  let apps: HandoffApps;
  beforeAll(async () => {
    ({ t, client, apps } = await startHandoffServer(engine, { lifetimes: { accessTokenTtl } }));
  });
  afterAll(async () => {
    await t?.close();
  });

  const userinfo = async (key: DpopKey, accessToken: string) => {
    const url = `${t.base}/oidc/userinfo`;
    return getJson(url, {
      authorization: `DPoP ${accessToken}`,
      dpop: await dpopProof(key, { method: 'GET', url, now: t.clock.now(), accessToken }),
    });
  };
  const revoke = (app: App, token: string) =>
    postForm(`${t.base}/oauth2/v2.0/revoke`, { client_id: app.clientId, token });
  /** The companion's next refresh, with a fresh proof from its own key. */
  const companionRefresh = (h: HandedOff, refreshToken = h.companion.tokens.refresh_token) =>
    client.refresh(h.companion.app, refreshToken, h.companion.key);
  const phoneState = async (h: HandedOff) => ({
    session: await t.services.sessions.find(h.phone.sessionId),
    tokens: await t.server.runtime.database.db
      .selectFrom('session_refresh_tokens')
      .selectAll()
      .where('session_id', '=', h.phone.sessionId)
      .execute(),
  });

  it('keeps refreshing on its own across five access-token lifetimes while the phone does nothing', async () => {
    const h = await client.handOff();
    const phoneBefore = await phoneState(h);
    let tokens = h.companion.tokens;
    const seen = new Set([tokens.refresh_token]);
    for (let round = 1; round <= 5; round += 1) {
      t.clock.advance!((accessTokenTtl + 1) * 1000);
      expectError(await userinfo(h.companion.key, tokens.access_token), 401, 'invalid_token');
      const res = await companionRefresh(h, tokens.refresh_token);
      expect(res.status, `round ${round}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'DPoP', expires_in: accessTokenTtl });
      expect(seen.has(res.body.refresh_token)).toBe(false);
      seen.add(res.body.refresh_token);
      tokens = res.body;
      expect((await userinfo(h.companion.key, tokens.access_token)).status).toBe(200);
    }
    expect(await phoneState(h)).toEqual(phoneBefore);
  });

  it("ends when the phone's session reaches its absolute lifetime, though it was paired late and refreshes often", async () => {
    const week = 7 * 86_400_000;
    const phone = await client.signIn();
    const phoneSession = (await t.services.sessions.find(phone.sessionId))!;
    let phoneToken = phone.refreshToken;
    // The phone stays in use for ten weeks, then pairs a watch.
    for (let i = 0; i < 10; i += 1) {
      t.clock.advance!(week);
      phoneToken = (await client.refresh(apps.phone, phoneToken)).body.refresh_token;
    }
    const key = await newDpopKey();
    const paired = await client.redeem(await client.transferToken(phoneToken), key);
    expect(paired.status, JSON.stringify(paired.body)).toBe(200);
    let watchToken = paired.body.refresh_token as string;
    while (t.clock.now() + week < phoneSession.absoluteExpiresAt) {
      t.clock.advance!(week);
      const res = await client.refresh(apps.watch, watchToken, key);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      watchToken = res.body.refresh_token;
    }
    t.clock.advance!(phoneSession.absoluteExpiresAt - t.clock.now() + 1000);
    expectNativeAuthError(await client.refresh(apps.watch, watchToken, key), 400, 'invalid_grant', {
      description: 'maximum lifetime',
    });
  });

  it("ends with the phone's session when the phone revokes its refresh token (RFC 7009)", async () => {
    const h = await client.handOff();
    expect((await revoke(h.phone.app, h.phone.refreshToken)).status).toBe(200);
    expectNativeAuthError(await companionRefresh(h), 400, 'invalid_grant');
    expectError(await userinfo(h.companion.key, h.companion.tokens.access_token), 401, 'invalid_token');
    expect(await t.services.sessions.find(h.companion.sessionId)).toMatchObject({ revokedAt: expect.any(Number) });
  });

  it("ends with the phone's session when an administrator revokes it", async () => {
    const h = await client.handOff();
    expect(await t.services.sessions.revoke(h.phone.sessionId, 'revoked_by_admin')).toEqual(
      expect.arrayContaining([h.phone.sessionId, h.companion.sessionId]),
    );
    expectNativeAuthError(await companionRefresh(h), 400, 'invalid_grant');
    expectNativeAuthError(await client.refresh(h.phone.app, h.phone.refreshToken), 400, 'invalid_grant');
  });

  it('leaves the phone signed in when the companion is revoked', async () => {
    const h = await client.handOff();
    expect((await revoke(h.companion.app, h.companion.tokens.refresh_token)).status).toBe(200);
    expectNativeAuthError(await companionRefresh(h), 400, 'invalid_grant');
    const phone = await client.refresh(h.phone.app, h.phone.refreshToken);
    expect(phone.status).toBe(200);
    expect(
      (await getJson(`${t.base}/oidc/userinfo`, { authorization: `Bearer ${phone.body.access_token}` })).status,
    ).toBe(200);
    // The phone can pair again: a new transfer for a new companion.
    expect((await client.requestTransfer(phone.body.refresh_token)).status).toBe(200);
  });

  it("keeps the companion's rotation separate: its reuse revokes only itself", async () => {
    const h = await client.handOff();
    expect((await companionRefresh(h)).status).toBe(200);
    t.clock.advance!(11_000);
    expectNativeAuthError(await companionRefresh(h), 400, 'invalid_grant');
    expect(await t.services.sessions.find(h.companion.sessionId)).toMatchObject({
      revokedReason: 'refresh_token_reuse',
    });
    expect((await client.refresh(h.phone.app, h.phone.refreshToken)).status).toBe(200);
  });
});
