import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { dpopProof, newDpopKey, type DpopKey } from '../support/dpop.js';
import { getJson, postForm, type HttpResult } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';
import { basicAuth } from '../support/tokens.js';
import {
  authorizeUrl,
  hostedPasswordSignIn,
  newPkce,
  redirectParams,
  registerWebApp,
  WebClient,
} from '../web/web-client.js';
import {
  codeSignInStep,
  createUser,
  ctOf,
  freshEmail,
  nativeClient,
  passwordStep,
  scope,
  signUpThroughCode,
  useNativeAuthServer,
  type NativeClient,
} from '../native-auth/native-client.js';

/**
 * Finding 9 (DPoP): a valid DPoP proof on a native-auth sign-in, a code exchange or a
 * client_credentials request was ignored: Bearer tokens came back, and a refresh token
 * stolen from the device worked anywhere. A proof on any token request now binds what is
 * issued: `token_type` DPoP, the access token's `cnf.jkt`, and the session's refresh token,
 * which then works only with proofs from the same key.
 */
describe.each(engines)('DPoP binds what every grant issues on %s', (engine) => {
  let t: TestServer;
  let client: NativeClient;
  let mfaApp: App;
  useNativeAuthServer(engine, async (server) => {
    t = server;
    client = nativeClient(t.base, t.app.clientId);
    mfaApp = (await t.registerApp({ name: 'MFA app', requireMfa: true })).app;
  });

  const tokenUrl = () => `${t.base}/oauth2/v2.0/token`;
  const proofHeader = async (key: DpopKey, url = tokenUrl()) => ({
    dpop: await dpopProof(key, { method: 'POST', url, now: t.clock.now() }),
  });
  /** A token request with a proof from `key` (none when null). */
  const token = async (
    params: Record<string, string | undefined>,
    key: DpopKey | null,
    headers: Record<string, string> = {},
  ) => postForm(tokenUrl(), { scope, ...params }, { ...headers, ...(key ? await proofHeader(key) : {}) });
  const refresh = (refreshToken: string, key: DpopKey | null, clientId = t.app.clientId) =>
    token({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }, key);

  /** Tokens bound to `key`: the answer says DPoP, the access token names the key, and the refresh token needs it. */
  async function expectBound(res: HttpResult, key: DpopKey, clientId = t.app.clientId): Promise<void> {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect(decodeJwt(res.body.access_token).cnf).toEqual({ jkt: key.jkt });
    if (res.body.refresh_token === undefined) return;
    expectNativeAuthError(await refresh(res.body.refresh_token, null, clientId), 400, 'invalid_grant');
    expectNativeAuthError(await refresh(res.body.refresh_token, await newDpopKey(), clientId), 400, 'invalid_grant');
    const refreshed = await refresh(res.body.refresh_token, key, clientId);
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.token_type).toBe('DPoP');
    expect(decodeJwt(refreshed.body.access_token).cnf).toEqual({ jkt: key.jkt });
  }

  it('password sign-in', async () => {
    const key = await newDpopKey();
    const ct = await passwordStep(client, t.user.email);
    await expectBound(
      await token(
        { client_id: t.app.clientId, grant_type: 'password', continuation_token: ct, password: t.userPassword },
        key,
      ),
      key,
    );
  });

  it('email-code sign-in (grant_type=oob)', async () => {
    const key = await newDpopKey();
    const { ct, code } = await codeSignInStep(t, client, t.user.email);
    await expectBound(
      await token({ client_id: t.app.clientId, grant_type: 'oob', continuation_token: ct, oob: code }, key),
      key,
    );
  });

  it('the second factor (grant_type=mfa_oob)', async () => {
    const key = await newDpopKey();
    const user = await createUser(t);
    await t.services.repos.mfaMethods.add({
      id: randomUUID(),
      tenantId: t.tenant.id,
      userId: user.id,
      type: 'email',
      target: user.email,
      createdAt: t.clock.now(),
    });
    const mfa = nativeClient(t.base, mfaApp.clientId, { capabilities: 'mfa_required registration_required' });
    const required = await mfa.token('password', await passwordStep(mfa, user.email), { password: t.userPassword });
    expectNativeAuthError(required, 400, 'invalid_grant', { suberror: 'mfa_required' });
    const introspected = await mfa.introspect(required.body.continuation_token);
    const challenged = ctOf(await mfa.challenge(ctOf(introspected), { id: introspected.body.methods[0].id }));
    const code = await t.mail.nextCode(user.email);
    await expectBound(
      await token(
        { client_id: mfaApp.clientId, grant_type: 'mfa_oob', continuation_token: challenged, oob: code },
        key,
      ),
      key,
      mfaApp.clientId,
    );
  });

  it('sign-in after sign-up (grant_type=continuation_token)', async () => {
    const key = await newDpopKey();
    const email = freshEmail('signup');
    const done = await signUpThroughCode(t, client, email, { password: 'a long and unusual passphrase 42' });
    await expectBound(
      await token(
        {
          client_id: t.app.clientId,
          grant_type: 'continuation_token',
          continuation_token: ctOf(done),
          username: email,
        },
        key,
      ),
      key,
    );
  });

  it('the authorization code grant', async () => {
    const key = await newDpopKey();
    const web = await registerWebApp(t, { name: `Web ${randomUUID().slice(0, 6)}` });
    const pkce = newPkce();
    const { code } = redirectParams(
      await hostedPasswordSignIn(new WebClient(t.url), authorizeUrl(t, web, pkce), t.user.email, t.userPassword),
    );
    const res = await token(
      {
        grant_type: 'authorization_code',
        client_id: web.clientId,
        code,
        redirect_uri: web.redirectUris[0],
        code_verifier: pkce.verifier,
      },
      key,
    );
    await expectBound(res, key, web.clientId);
  });

  it('client_credentials', async () => {
    const key = await newDpopKey();
    const { app, clientSecret } = await t.registerApp({ name: 'Worker', type: 'confidential' });
    const res = await token(
      { grant_type: 'client_credentials', scope: undefined },
      key,
      basicAuth(app.clientId, clientSecret!),
    );
    await expectBound(res, key, app.clientId);
    const bearer = await token(
      { grant_type: 'client_credentials', scope: undefined },
      null,
      basicAuth(app.clientId, clientSecret!),
    );
    expect(bearer.body.token_type).toBe('Bearer');
  });

  it('a refresh of a session signed in without a proof binds the refresh token it issues', async () => {
    const key = await newDpopKey();
    const signedIn = await client.token('password', await passwordStep(client, t.user.email), {
      password: t.userPassword,
    });
    expect(signedIn.body.token_type).toBe('Bearer');
    await expectBound(await refresh(signedIn.body.refresh_token, key), key);
  });

  it('the bound access token is refused as a Bearer token at userinfo', async () => {
    const key = await newDpopKey();
    const ct = await passwordStep(client, t.user.email);
    const res = await token(
      { client_id: t.app.clientId, grant_type: 'password', continuation_token: ct, password: t.userPassword },
      key,
    );
    expect(res.body.token_type).toBe('DPoP');
    expect(
      (await getJson(`${t.base}/oidc/userinfo`, { authorization: `Bearer ${res.body.access_token}` })).status,
    ).toBe(401);
  });

  it('an invalid proof is invalid_dpop_proof and uses nothing up: the same step then works with a good one', async () => {
    const key = await newDpopKey();
    const ct = await passwordStep(client, t.user.email);
    const params = {
      client_id: t.app.clientId,
      grant_type: 'password',
      continuation_token: ct,
      password: t.userPassword,
      scope,
    };
    const foreign = await postForm(
      tokenUrl(),
      params,
      await proofHeader(key, 'https://other.example/acme/oauth2/v2.0/token'),
    );
    expectNativeAuthError(foreign, 400, 'invalid_dpop_proof');
    expect(foreign.body.access_token).toBeUndefined();
    await expectBound(await token(params, key), key);
  });

  it('without a proof, tokens stay Bearer', async () => {
    const res = await client.token('password', await passwordStep(client, t.user.email), { password: t.userPassword });
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
    expect(decodeJwt(res.body.access_token).cnf).toBeUndefined();
    expect((await refresh(res.body.refresh_token, null)).status).toBe(200);
  });
});
