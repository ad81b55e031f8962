import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { getJson, postForm } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  authorizeUrl,
  exchangeCode,
  hostedPasswordSignIn,
  newPkce,
  redirectParams,
  registerWebApp,
  WebClient,
  type Pkce,
} from './web-client.js';

describe.each(engines)('the authorization code grant on %s', (engine) => {
  let t: TestServer;
  let app: App;
  beforeAll(async () => {
    t = await startTestServer({ engine, manualClock: true });
    app = await registerWebApp(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh code for `app` from a hosted password sign-in, with its PKCE pair. */
  async function code(forApp = app): Promise<{ code: string; pkce: Pkce }> {
    const pkce = newPkce();
    const query = redirectParams(
      await hostedPasswordSignIn(new WebClient(t.url), authorizeUrl(t, forApp, pkce), t.user.email, t.userPassword),
    );
    return { code: query.code!, pkce };
  }
  const refresh = (refreshToken: string, forApp = app) =>
    postForm(`${t.base}/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: forApp.clientId,
      refresh_token: refreshToken,
    });

  it('exchanges a code once for tokens of a session below the browser session', async () => {
    const { code: c, pkce } = await code();
    const tokens = await exchangeCode(t, app, c, pkce.verifier);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(tokens.body).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
    });
    const webSession = await t.services.sessions.find(decodeJwt(tokens.body.id_token).sid as string);
    expect(webSession).toMatchObject({ clientId: app.clientId, parentId: expect.any(String), revokedAt: null });
    const browserSession = await t.services.sessions.find(webSession!.parentId!);
    expect(browserSession).toMatchObject({ userId: t.user.id, parentId: null, amr: ['pwd'] });
  });

  describe('PKCE at the token endpoint', () => {
    it.each([
      ['a wrong code_verifier', () => newPkce().verifier, /does not match/],
      ['no code_verifier', () => undefined, /missing or malformed/],
      ['the code_challenge sent as the verifier', (p: Pkce) => p.challenge, /does not match/],
      ['a verifier too short for RFC 7636', () => 'short', /missing or malformed/],
    ])('%s is invalid_grant', async (_case, verifierOf, description) => {
      const { code: c, pkce } = await code();
      const res = await exchangeCode(t, app, c, verifierOf(pkce) as string);
      expectError(res, 400, 'invalid_grant', {});
      expect(res.body.error_description).toMatch(description);
      expect(res.body.access_token).toBeUndefined();
    });
  });

  it('a replayed code fails and revokes what its first use issued', async () => {
    const { code: c, pkce } = await code();
    const first = await exchangeCode(t, app, c, pkce.verifier);
    expect(first.status).toBe(200);
    const second = await exchangeCode(t, app, c, pkce.verifier);
    expectError(second, 400, 'invalid_grant', { description: 'already used' });
    expectError(await refresh(first.body.refresh_token), 400, 'invalid_grant');
    expect(
      (await getJson(`${t.base}/oidc/userinfo`, { authorization: `Bearer ${first.body.access_token}` })).status,
    ).toBe(401);
    const replays = await t.services.repos.audit.list({ tenantId: t.tenant.id, type: 'authorization_code.replayed' });
    expect(replays.length).toBeGreaterThan(0);
  });

  it('a code for another client is invalid_grant for that client, and still works for its own', async () => {
    const other = await registerWebApp(t, { name: 'Other web app' });
    const { code: c, pkce } = await code();
    expectError(
      await exchangeCode(t, other, c, pkce.verifier, { redirect_uri: app.redirectUris[0] }),
      400,
      'invalid_grant',
    );
    expect((await exchangeCode(t, app, c, pkce.verifier)).status).toBe(200);
  });

  it.each([
    ['another registered redirect_uri', 'https://shop.example/other-callback'],
    ['no redirect_uri', undefined],
  ])('%s at the token endpoint is invalid_grant', async (_case, redirectUri) => {
    const twoUris = await registerWebApp(t, {
      redirectUris: ['https://shop.example/callback', 'https://shop.example/other-callback'],
    });
    const { code: c, pkce } = await code(twoUris);
    expectError(await exchangeCode(t, twoUris, c, pkce.verifier, { redirect_uri: redirectUri }), 400, 'invalid_grant', {
      description: 'redirect_uri',
    });
  });

  it('a code expires after 60 seconds', async () => {
    const fresh = await code();
    const stale = await code();
    t.clock.advance!(59_000);
    expect((await exchangeCode(t, app, fresh.code, fresh.pkce.verifier)).status).toBe(200);
    t.clock.advance!(2_000);
    expectError(await exchangeCode(t, app, stale.code, stale.pkce.verifier), 400, 'invalid_grant', {
      description: 'expired',
    });
  });

  it('an unknown code is invalid_grant', async () => {
    expectError(await exchangeCode(t, app, 'not-a-code', newPkce().verifier), 400, 'invalid_grant');
  });
});
