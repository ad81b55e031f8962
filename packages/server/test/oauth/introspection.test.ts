import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { basicAuth } from '../support/tokens.js';

describe.each(engines)('RFC 7662 introspection on %s', (engine) => {
  let t: TestServer;
  let resource: { app: App; secret: string };
  let otherResource: { app: App; secret: string };
  beforeAll(async () => {
    t = await startTestServer({ engine });
    const confidential = async (name: string) => {
      const { app, clientSecret } = await t.registerApp({ name, type: 'confidential' });
      return { app, secret: clientSecret! };
    };
    resource = await confidential('Orders API');
    otherResource = await confidential('Billing API');
  });
  afterAll(async () => {
    await t?.close();
  });

  const introspect = (token: string | undefined, as = resource) =>
    postForm(`${t.base}/oauth2/v2.0/token/introspect`, { token }, basicAuth(as.app.clientId, as.secret));
  const publicSignIn = async () =>
    (await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword)).body;

  it('refuses public and unauthenticated clients with 401 invalid_client', async () => {
    const tokens = await publicSignIn();
    expectError(
      await postForm(`${t.base}/oauth2/v2.0/token/introspect`, {
        client_id: t.app.clientId,
        token: tokens.access_token,
      }),
      401,
      'invalid_client',
    );
    expectError(
      await postForm(`${t.base}/oauth2/v2.0/token/introspect`, {
        client_id: resource.app.clientId,
        token: tokens.access_token,
      }),
      401,
      'invalid_client',
    );
    expectError(await introspect(tokens.access_token, { app: resource.app, secret: 'wrong' }), 401, 'invalid_client');
    const anonymous = await postForm(`${t.base}/oauth2/v2.0/token/introspect`, { token: tokens.access_token });
    expectError(anonymous, 401, 'invalid_client');
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('describes an active access token with its claims', async () => {
    const tokens = await publicSignIn();
    const res = await introspect(tokens.access_token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      active: true,
      token_type: 'Bearer',
      sub: t.user.id,
      client_id: t.app.clientId,
      tid: t.tenant.id,
      iss: `${t.url}/acme/v2.0`,
      scope: expect.stringContaining('openid'),
      exp: expect.any(Number),
      iat: expect.any(Number),
    });
  });

  it('answers active false once the session is revoked', async () => {
    const tokens = await publicSignIn();
    expect(
      (await postForm(`${t.base}/oauth2/v2.0/revoke`, { client_id: t.app.clientId, token: tokens.refresh_token }))
        .status,
    ).toBe(200);
    expect((await introspect(tokens.access_token)).body).toEqual({ active: false });
    expect((await introspect(tokens.refresh_token)).body).toEqual({ active: false });
  });

  it('describes a refresh token to the client it was issued to, and to no other', async () => {
    const signIn = await signInWithPassword(t.base, resource.app.clientId, t.user.email, t.userPassword, undefined, {
      client_secret: resource.secret,
    });
    expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
    const own = await introspect(signIn.body.refresh_token);
    expect(own.body).toMatchObject({
      active: true,
      token_type: 'refresh_token',
      client_id: resource.app.clientId,
      sub: t.user.id,
      scope: expect.stringContaining('offline_access'),
    });
    expect((await introspect(signIn.body.refresh_token, otherResource)).body).toEqual({ active: false });
    expect((await introspect((await publicSignIn()).refresh_token)).body).toEqual({ active: false });
  });

  it('answers active false for a rotated refresh token', async () => {
    const signIn = await signInWithPassword(t.base, resource.app.clientId, t.user.email, t.userPassword, undefined, {
      client_secret: resource.secret,
    });
    const rotated = await postForm(
      `${t.base}/oauth2/v2.0/token`,
      { grant_type: 'refresh_token', refresh_token: signIn.body.refresh_token },
      basicAuth(resource.app.clientId, resource.secret),
    );
    expect(rotated.status).toBe(200);
    expect((await introspect(signIn.body.refresh_token)).body).toEqual({ active: false });
    expect((await introspect(rotated.body.refresh_token)).body.active).toBe(true);
  });

  it('answers active false for garbage and asks for a missing token', async () => {
    for (const garbage of ['garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
      expect((await introspect(garbage)).body).toEqual({ active: false });
    }
    expectError(await introspect(undefined), 400, 'invalid_request');
  });
});
