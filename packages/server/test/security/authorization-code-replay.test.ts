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
} from '../web/web-client.js';

/**
 * Review finding 6: an attacker who saw a used authorization code (a log, a referrer, a
 * browser history) but has neither the redirect URI binding nor the PKCE verifier must not
 * be able to end the legitimate web session by "replaying" it. Only a replay that passes
 * every check of the code is reuse, and only that revokes what the first use issued.
 */
describe.each(engines)('replaying a used authorization code on %s', (engine) => {
  let t: TestServer;
  let app: App;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    app = await registerWebApp(t, {
      redirectUris: ['https://shop.example/callback', 'https://shop.example/other-callback'],
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The victim's sign-in: a code, redeemed once by the web app, and what it got. */
  async function victimSession(): Promise<{
    code: string;
    pkce: Pkce;
    tokens: { access_token: string; refresh_token: string };
  }> {
    const pkce = newPkce();
    const code = redirectParams(
      await hostedPasswordSignIn(new WebClient(t.url), authorizeUrl(t, app, pkce), t.user.email, t.userPassword),
    ).code!;
    const first = await exchangeCode(t, app, code, pkce.verifier);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    return { code, pkce, tokens: first.body };
  }
  const replaysOf = async (forApp: App) =>
    (await t.services.repos.audit.list({ tenantId: t.tenant.id, type: 'authorization_code.replayed' })).filter(
      (e) => e.clientId === forApp.clientId,
    ).length;
  const alive = async (tokens: { access_token: string }) =>
    (await getJson(`${t.base}/oidc/userinfo`, { authorization: `Bearer ${tokens.access_token}` })).status === 200;

  it.each([
    ['a wrong code_verifier', (_p: Pkce) => ({ code_verifier: newPkce().verifier })],
    ['no code_verifier', (_p: Pkce) => ({ code_verifier: undefined })],
    ['another registered redirect_uri', (_p: Pkce) => ({ redirect_uri: 'https://shop.example/other-callback' })],
    ['no redirect_uri', (_p: Pkce) => ({ redirect_uri: undefined })],
  ])('with %s is invalid_grant and revokes nothing', async (_case, tamper) => {
    const victim = await victimSession();
    const replaysBefore = await replaysOf(app);
    const replay = await exchangeCode(t, app, victim.code, victim.pkce.verifier, tamper(victim.pkce));
    expectError(replay, 400, 'invalid_grant', {});
    expect(replay.body.error_description).not.toMatch(/already used|revoked/);
    expect(await alive(victim.tokens)).toBe(true);
    const refreshed = await postForm(`${t.base}/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: app.clientId,
      refresh_token: victim.tokens.refresh_token,
    });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(await replaysOf(app)).toBe(replaysBefore);
  });

  it('by another client is invalid_grant and revokes nothing', async () => {
    const other = await registerWebApp(t, { name: 'Attacker web app' });
    const victim = await victimSession();
    expectError(
      await exchangeCode(t, other, victim.code, victim.pkce.verifier, { redirect_uri: app.redirectUris[0] }),
      400,
      'invalid_grant',
      {},
    );
    expect(await alive(victim.tokens)).toBe(true);
  });

  it('with every check passing is reuse: it fails and revokes what the first use issued', async () => {
    const victim = await victimSession();
    const replaysBefore = await replaysOf(app);
    expectError(await exchangeCode(t, app, victim.code, victim.pkce.verifier), 400, 'invalid_grant', {
      description: 'already used',
    });
    expect(await alive(victim.tokens)).toBe(false);
    expect(await replaysOf(app)).toBe(replaysBefore + 1);
  });
});
