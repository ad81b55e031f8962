import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * openid-client, a certified relying party, talks to Baton: discovery, JWKS, the
 * refresh_token grant with ID-token validation, and client_credentials.
 */
describe.each(engines)('openid-client as a relying party on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Discovery against the issuer; plain http is allowed because the test server has no TLS. */
  const discover = (clientId: string, auth: client.ClientAuth = client.None()) =>
    client.discovery(new URL(`${t.base}/v2.0`), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });

  it('discovers the tenant and refreshes a native sign-in, validating the ID token against the JWKS', async () => {
    const config = await discover(t.app.clientId);
    expect(config.serverMetadata().issuer).toBe(`${t.url}/acme/v2.0`);
    // Make openid-client fetch the JWKS and check the ID token's signature, not only its claims.
    client.enableNonRepudiationChecks(config);
    const fetched: string[] = [];
    config[client.customFetch] = (url, options) => {
      fetched.push(url);
      return fetch(url, options);
    };
    const signIn = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    const tokens = await client.refreshTokenGrant(config, signIn.body.refresh_token);
    expect(tokens.claims()).toMatchObject({ sub: t.user.id, aud: t.app.clientId, iss: `${t.url}/acme/v2.0` });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).not.toBe(signIn.body.refresh_token);
    expect(tokens.token_type).toBe('bearer');
    expect(fetched).toContain(config.serverMetadata().jwks_uri);
  });

  it('surfaces invalid_grant to the relying party for a revoked session', async () => {
    const config = await discover(t.app.clientId);
    const signIn = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    await postForm(`${t.base}/oauth2/v2.0/revoke`, { client_id: t.app.clientId, token: signIn.body.refresh_token });
    await expect(client.refreshTokenGrant(config, signIn.body.refresh_token)).rejects.toMatchObject({
      error: 'invalid_grant',
      status: 400,
    });
  });

  it.each([
    ['client_secret_basic', client.ClientSecretBasic],
    ['client_secret_post', client.ClientSecretPost],
  ])('runs client_credentials for a confidential app with %s', async (_, method) => {
    const { app, clientSecret } = await t.registerApp({
      name: 'Service',
      type: 'confidential',
      scopes: ['api://orders/.default'],
    });
    const config = await discover(app.clientId, method(clientSecret!));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api://orders/.default' });
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.scope).toBe('api://orders/.default');
    expect(tokens.refresh_token).toBeUndefined();
  });
});
