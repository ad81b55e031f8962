import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectError, expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { getJson, postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe.each(engines)('session lifetimes on %s', (engine) => {
  let t: TestServer;
  let app: App;
  beforeAll(async () => {
    t = await startTestServer({ engine, manualClock: true });
    ({ app } = await t.registerApp({
      name: 'Short sessions',
      lifetimes: { sessionIdleTtl: 60, sessionAbsoluteTtl: 300 },
    }));
  });
  afterAll(async () => {
    await t?.close();
  });

  const signIn = () => signInWithPassword(t.base, app.clientId, t.user.email, t.userPassword);
  const refresh = (refreshToken: string) =>
    postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: app.clientId,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
  const seconds = (n: number) => t.clock.advance!(n * 1000);

  it('ends a session left idle longer than the app allows', async () => {
    const first = await signIn();
    seconds(59);
    const kept = await refresh(first.body.refresh_token);
    expect(kept.status).toBe(200);
    seconds(61);
    expectNativeAuthError(await refresh(kept.body.refresh_token), 400, 'invalid_grant', { description: 'inactivity' });
    expectError(
      await getJson(`${t.base}/oidc/userinfo`, { authorization: `Bearer ${kept.body.access_token}` }),
      401,
      'invalid_token',
    );
  });

  it('stops accepting an access token after expires_in, while its session lives on', async () => {
    const { app: shortTokens } = await t.registerApp({ name: 'Short tokens', lifetimes: { accessTokenTtl: 60 } });
    const tokens = (await signInWithPassword(t.base, shortTokens.clientId, t.user.email, t.userPassword)).body;
    expect(tokens.expires_in).toBe(60);
    const userinfo = () => getJson(`${t.base}/oidc/userinfo`, { authorization: `Bearer ${tokens.access_token}` });
    seconds(59);
    expect((await userinfo()).status).toBe(200);
    seconds(2);
    expectError(await userinfo(), 401, 'invalid_token');
    const refreshed = await postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: shortTokens.clientId,
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    expect(refreshed.status).toBe(200);
  });

  it('ends a session at its absolute lifetime however often it is refreshed', async () => {
    let current = (await signIn()).body.refresh_token as string;
    for (let elapsed = 50; elapsed < 300; elapsed += 50) {
      seconds(50);
      const res = await refresh(current);
      expect(res.status, `refresh after ${elapsed} s`).toBe(200);
      current = res.body.refresh_token;
    }
    seconds(51);
    expectNativeAuthError(await refresh(current), 400, 'invalid_grant', { description: 'maximum lifetime' });
  });

  it('issues no access token that outlives its session', async () => {
    const first = await signIn();
    expect(first.body.expires_in).toBe(300);
    seconds(50);
    const late = await refresh(first.body.refresh_token);
    expect(late.body.expires_in).toBe(250);
    const { exp, iat } = JSON.parse(
      Buffer.from(String(late.body.access_token).split('.')[1]!, 'base64url').toString(),
    ) as { exp: number; iat: number };
    expect(exp - iat).toBe(250);
  });
});
