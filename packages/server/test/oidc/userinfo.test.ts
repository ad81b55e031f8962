import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { getJson, postForm, signInWithPassword, type HttpResult } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { basicAuth } from '../support/tokens.js';

describe.each(engines)('OIDC userinfo on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine });
  });
  afterAll(async () => {
    await t?.close();
  });

  const userinfo = (headers: Record<string, string>, base = t.base) => getJson(`${base}/oidc/userinfo`, headers);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const signIn = async () => (await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword)).body;
  /** A 401 that tells the client, in the header RFC 6750 names, what is wrong. */
  const expectUnauthorized = (res: HttpResult) => {
    expectError(res, 401, 'invalid_token');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  };

  it("answers a valid Bearer token with the user's claims, on GET and POST", async () => {
    const tokens = await signIn();
    const expected = {
      sub: t.user.id,
      email: t.user.email,
      name: 'Ada Lovelace',
      preferred_username: t.user.email,
      tid: t.tenant.id,
    };
    const viaGet = await userinfo(bearer(tokens.access_token));
    expect(viaGet.status).toBe(200);
    expect(viaGet.body).toMatchObject(expected);
    expect((await postForm(`${t.base}/oidc/userinfo`, {}, bearer(tokens.access_token))).body).toMatchObject(expected);
  });

  it('answers a missing or invalid token with 401 and WWW-Authenticate', async () => {
    const tokens = await signIn();
    expectUnauthorized(await userinfo({}));
    expectUnauthorized(await userinfo({ authorization: 'Basic abc' }));
    expectUnauthorized(await userinfo(bearer('not-a-jwt')));
    expectUnauthorized(await userinfo(bearer(tokens.id_token)));
    expectUnauthorized(await userinfo(bearer(`${tokens.access_token.slice(0, -4)}AAAA`)));
  });

  it('answers 401 once the session is revoked', async () => {
    const tokens = await signIn();
    expect(
      (await postForm(`${t.base}/oauth2/v2.0/revoke`, { client_id: t.app.clientId, token: tokens.refresh_token }))
        .status,
    ).toBe(200);
    expectUnauthorized(await userinfo(bearer(tokens.access_token)));
  });

  it('refuses an app-only token and a token of another tenant', async () => {
    const { app, clientSecret } = await t.registerApp({ name: 'Service', type: 'confidential' });
    const appToken = await postForm(
      `${t.base}/oauth2/v2.0/token`,
      { grant_type: 'client_credentials' },
      basicAuth(app.clientId, clientSecret!),
    );
    expectUnauthorized(await userinfo(bearer(appToken.body.access_token)));
    const other = await t.services.tenants.create({ name: 'globex' });
    expectUnauthorized(await userinfo(bearer((await signIn()).access_token), `${t.url}/${other.name}`));
  });
});
