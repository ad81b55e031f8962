import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { postForm, signInWithPassword, type HttpResult } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { verifyTenantJwt } from '../support/tokens.js';

describe.each(engines)('issued JWTs on %s', (engine) => {
  let t: TestServer;
  let signIn: HttpResult;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    signIn = await signInWithPassword(
      t.base,
      t.app.clientId,
      t.user.email,
      t.userPassword,
      'openid profile offline_access api://orders/read',
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The claims every user token carries, with the values this sign-in must give them. */
  const userClaims = () => ({
    iss: `${t.url}/acme/v2.0`,
    aud: t.app.clientId,
    sub: t.user.id,
    oid: t.user.id,
    tid: t.tenant.id,
    iat: expect.any(Number),
    exp: expect.any(Number),
  });

  it('signs the access token as an at+jwt the tenant JWKS verifies', async () => {
    const { payload, protectedHeader } = await verifyTenantJwt(t, signIn.body.access_token, { typ: 'at+jwt' });
    expect(protectedHeader).toMatchObject({ typ: 'at+jwt', alg: 'ES256', kid: expect.any(String) });
    expect(payload).toMatchObject({ ...userClaims(), client_id: t.app.clientId, sid: expect.any(String) });
    expect((payload.scope as string).split(' ')).toEqual(
      expect.arrayContaining(['openid', 'profile', 'offline_access', 'api://orders/read']),
    );
    expect(payload.exp! - payload.iat!).toBe(signIn.body.expires_in);
  });

  it('signs an ID token with the claims MSAL and relying parties read', async () => {
    const { payload, protectedHeader } = await verifyTenantJwt(t, signIn.body.id_token);
    expect(protectedHeader.typ).not.toBe('at+jwt');
    expect(payload).toMatchObject({
      ...userClaims(),
      preferred_username: t.user.email,
      name: 'Ada Lovelace',
      ver: '2.0',
    });
    expect(payload.exp!).toBeGreaterThan(payload.iat!);
  });

  it('keeps the same claims on tokens issued by a refresh', async () => {
    const refreshed = await postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: t.app.clientId,
      grant_type: 'refresh_token',
      refresh_token: signIn.body.refresh_token,
    });
    expect(refreshed.status).toBe(200);
    const access = await verifyTenantJwt(t, refreshed.body.access_token, { typ: 'at+jwt' });
    const id = await verifyTenantJwt(t, refreshed.body.id_token);
    expect(access.payload).toMatchObject(userClaims());
    expect(id.payload).toMatchObject(userClaims());
    expect(access.payload.sid).toBe((await verifyTenantJwt(t, signIn.body.access_token)).payload.sid);
  });

  it('binds tokens to the app: another audience does not verify', async () => {
    await expect(verifyTenantJwt(t, signIn.body.access_token, { audience: 'someone-else' })).rejects.toThrow(/aud/);
  });

  it('keeps refresh tokens opaque: 256 bits of randomness, not a JWT', () => {
    const token: string = signIn.body.refresh_token;
    expect(token.split('.')).toHaveLength(1);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
  });
});
