import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { getJson, postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { verifyTenantJwt } from '../support/tokens.js';

describe.each(engines)('discovery and JWKS on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine, manualClock: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  const discovery = () => getJson(`${t.base}/v2.0/.well-known/openid-configuration`);
  const jwks = async () =>
    (await getJson<{ keys: Array<Record<string, unknown>> }>(`${t.base}/discovery/v2.0/keys`)).body.keys;

  it('describes the tenant under its issuer', async () => {
    const res = await discovery();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      issuer: `${t.url}/acme/v2.0`,
      token_endpoint: `${t.base}/oauth2/v2.0/token`,
      jwks_uri: `${t.base}/discovery/v2.0/keys`,
      userinfo_endpoint: `${t.base}/oidc/userinfo`,
      revocation_endpoint: `${t.base}/oauth2/v2.0/revoke`,
      introspection_endpoint: `${t.base}/oauth2/v2.0/token/introspect`,
      authorization_challenge_endpoint: `${t.base}/oauth2/v2.0/authorize-challenge`,
    });
    expect(res.body.grant_types_supported).toEqual(
      expect.arrayContaining(['password', 'refresh_token', 'client_credentials']),
    );
  });

  it('lists only endpoints that exist', async () => {
    const { body } = await discovery();
    const endpoints = Object.entries(body).filter(([key]) => /_(endpoint|uri)$/.test(key)) as Array<[string, string]>;
    expect(endpoints.length).toBeGreaterThanOrEqual(5);
    for (const [key, url] of endpoints) {
      expect(url.startsWith(`${t.base}/`), key).toBe(true);
      // Some endpoints answer with a page (authorize, logout), so only the status is read.
      const viaGet = (await fetch(url, { redirect: 'manual' })).status;
      const status = viaGet === 404 ? (await postForm(url, {})).status : viaGet;
      expect(status, `${key} ${url}`).not.toBe(404);
    }
  });

  it('publishes public keys only', async () => {
    const keys = await jwks();
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toMatchObject({ kid: expect.any(String), alg: expect.stringMatching(/^(ES|RS)256$/), use: 'sig' });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
    }
  });

  it('keeps verifying tokens of the old key after a rotation and signs new ones with the new key', async () => {
    const before = (await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword)).body;
    const oldKid = decodeProtectedHeader(before.access_token).kid;
    const { kid: newKid } = await t.services.tenants.rotateKeys(t.tenant);
    expect(newKid).not.toBe(oldKid);
    expect((await jwks()).map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    await verifyTenantJwt(t, before.access_token, { typ: 'at+jwt' });
    await verifyTenantJwt(t, before.id_token);
    expect((await getJson(`${t.base}/oidc/userinfo`, { authorization: `Bearer ${before.access_token}` })).status).toBe(
      200,
    );

    const after = await postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: t.app.clientId,
      grant_type: 'refresh_token',
      refresh_token: before.refresh_token,
    });
    expect(after.status).toBe(200);
    expect(decodeProtectedHeader(after.body.access_token).kid).toBe(newKid);
    expect(decodeProtectedHeader(after.body.id_token).kid).toBe(newKid);
    await verifyTenantJwt(t, after.body.id_token);

    // Once the overlap is over the old key leaves the JWKS, and its tokens stop verifying.
    t.clock.advance!(24 * 3600_000 + 1_000);
    expect((await jwks()).map((k) => k.kid)).toEqual([newKid]);
    await expect(verifyTenantJwt(t, before.id_token)).rejects.toThrow();
  });
});
