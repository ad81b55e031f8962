import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { decodeClientInfo } from '../support/tokens.js';

const offered = 'password redirect';

describe.each(engines)('native-auth password sign-in on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine, manualClock: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  const initiate = (username: string, clientId = t.app.clientId, challengeType = offered) =>
    postForm(`${t.base}/oauth2/v2.0/initiate`, { client_id: clientId, username, challenge_type: challengeType });
  const challenge = (continuationToken: string, clientId = t.app.clientId, challengeType = offered) =>
    postForm(`${t.base}/oauth2/v2.0/challenge`, {
      client_id: clientId,
      continuation_token: continuationToken,
      challenge_type: challengeType,
    });
  const passwordGrant = (continuationToken: string | undefined, password: string, clientId = t.app.clientId) =>
    postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: clientId,
      continuation_token: continuationToken,
      grant_type: 'password',
      password,
      scope: 'openid profile offline_access',
      client_info: '1',
    });
  /** initiate and challenge: the continuation token the password grant takes. */
  const passwordContinuation = async (clientId = t.app.clientId): Promise<string> => {
    const started = await initiate(t.user.email, clientId);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const challenged = await challenge(started.body.continuation_token, clientId);
    expect(challenged.body).toMatchObject({ challenge_type: 'password', continuation_token: expect.any(String) });
    return challenged.body.continuation_token;
  };

  it('issues every token MSAL needs, with client_info matching the ID token', async () => {
    const res = await passwordGrant(await passwordContinuation(), t.userPassword);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
      client_info: expect.any(String),
    });
    expect(res.body.expires_in).toBeGreaterThan(0);
    expect(res.body.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'offline_access']));
    const idToken = decodeJwt(res.body.id_token);
    const clientInfo = decodeClientInfo(res.body.client_info);
    expect(clientInfo).toEqual({ uid: t.user.id, utid: t.tenant.id });
    expect(clientInfo.utid).toBe(idToken.tid);
    expect(clientInfo.uid).toBe(idToken.oid);
    expect(idToken.preferred_username).toBe(t.user.email);
  });

  it('signs in through a confidential app that sends its secret in the body, and refuses it without', async () => {
    const { app: confidential, clientSecret } = await t.registerApp({ name: 'Confidential app', type: 'confidential' });
    const res = await signInWithPassword(t.base, confidential.clientId, t.user.email, t.userPassword, undefined, {
      client_secret: clientSecret!,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectNativeAuthError(await initiate(t.user.email, confidential.clientId), 401, 'invalid_client');
  });

  it('answers user_not_found for an unknown user at initiate', async () => {
    expectNativeAuthError(await initiate('nobody@example.com'), 400, 'user_not_found');
  });

  it.each(['not-an-email', '', 'a@b'])('refuses the username %j with 90100', async (username) => {
    expectNativeAuthError(await initiate(username), 400, 'invalid_request', {
      errorCode: 90100,
      description: 'username parameter is empty or not valid',
    });
  });

  it('lets a wrong password be retried with the same continuation token, then burns the token', async () => {
    const continuationToken = await passwordContinuation();
    expectNativeAuthError(await passwordGrant(continuationToken, 'not the password'), 400, 'invalid_grant', {
      errorCode: 50126,
    });
    const retry = await passwordGrant(continuationToken, t.userPassword);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toEqual(expect.any(String));
    expectNativeAuthError(await passwordGrant(continuationToken, t.userPassword), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    const failures = await t.services.repos.audit.list({
      tenantId: t.tenant.id,
      type: 'sign_in.failed',
      userId: t.user.id,
    });
    expect(failures.length).toBeGreaterThanOrEqual(1);
  });

  it('lets only one of two concurrent password grants with one continuation token through', async () => {
    const continuationToken = await passwordContinuation();
    const results = await Promise.all([
      passwordGrant(continuationToken, t.userPassword),
      passwordGrant(continuationToken, t.userPassword),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expectNativeAuthError(results.find((r) => r.status === 400)!, 400, 'invalid_grant');
  });

  it('refuses a continuation token presented by another client', async () => {
    const { app: other } = await t.registerApp({ name: 'Other app' });
    const started = await initiate(t.user.email);
    expectNativeAuthError(await challenge(started.body.continuation_token, other.clientId), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    const continuationToken = await passwordContinuation();
    expectNativeAuthError(
      await passwordGrant(continuationToken, t.userPassword, other.clientId),
      400,
      'invalid_grant',
      { errorCode: 55200 },
    );
    expect((await passwordGrant(continuationToken, t.userPassword)).status).toBe(200);
  });

  it('answers expired_token once the continuation token is older than ten minutes', async () => {
    const started = await initiate(t.user.email);
    const continuationToken = await passwordContinuation();
    t.clock.advance!(10 * 60_000 + 1_000);
    expectNativeAuthError(await challenge(started.body.continuation_token), 400, 'expired_token');
    expectNativeAuthError(await passwordGrant(continuationToken, t.userPassword), 400, 'expired_token');
  });

  it('answers challenge_type redirect, with 200, when no offered challenge type can be used', async () => {
    const onlyRedirect = await initiate(t.user.email, t.app.clientId, 'redirect');
    expect(onlyRedirect.status).toBe(200);
    expect(onlyRedirect.body.challenge_type).toBe('redirect');
    expect(onlyRedirect.body.continuation_token).toBeUndefined();
    const { app: passwordOnly } = await t.registerApp({
      name: 'Password app',
      challengeTypes: ['password', 'redirect'],
    });
    const oobOffered = await initiate(t.user.email, passwordOnly.clientId, 'oob redirect');
    expect(oobOffered.status).toBe(200);
    expect(oobOffered.body.challenge_type).toBe('redirect');
    const started = await initiate(t.user.email);
    const challenged = await challenge(started.body.continuation_token, t.app.clientId, 'redirect');
    expect(challenged.status).toBe(200);
    expect(challenged.body.challenge_type).toBe('redirect');
  });

  it('refuses grant_type=password to an app without the password challenge type', async () => {
    const { app: codeOnly } = await t.registerApp({ name: 'Code-only app', challengeTypes: ['oob', 'redirect'] });
    const continuationToken = await passwordContinuation();
    expectNativeAuthError(
      await passwordGrant(continuationToken, t.userPassword, codeOnly.clientId),
      400,
      'unauthorized_client',
    );
  });

  it('asks for the missing pieces of a password grant', async () => {
    expectNativeAuthError(await passwordGrant(undefined, t.userPassword), 400, 'invalid_request');
    expectNativeAuthError(await passwordGrant(await passwordContinuation(), ''), 400, 'invalid_request');
    expectNativeAuthError(
      await postForm(`${t.base}/oauth2/v2.0/initiate`, { client_id: t.app.clientId, username: t.user.email }),
      400,
      'invalid_request',
    );
  });

  it('tolerates the headers and extra fields MSAL sends, empty x-client-OS and x-client-CPU included', async () => {
    const headers = {
      'x-client-SKU': 'msal.browser',
      'x-client-VER': '5.30.0',
      'x-client-OS': '',
      'x-client-CPU': '',
      'x-client-current-telemetry': '5|100001,0,,,|,',
      'x-client-last-telemetry': '5|0|||0,0',
      'client-request-id': '3f2c1a9e-8b7d-4c6e-a5f4-1e2d3c4b5a69',
    };
    const extra = {
      claims: '{"access_token":{"xms_cc":{"values":["cp1"]}}}',
      client_info: '1',
      'X-AnchorMailbox': `Oid:${t.user.id}@${t.tenant.id}`,
      unknown_field: 'x',
    };
    const body = (fields: Record<string, string>) => ({ client_id: t.app.clientId, ...fields, ...extra });
    const started = await postForm(
      `${t.base}/oauth2/v2.0/initiate`,
      body({ username: t.user.email, challenge_type: offered, capabilities: 'mfa_required registration_required' }),
      headers,
    );
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const challenged = await postForm(
      `${t.base}/oauth2/v2.0/challenge`,
      body({ continuation_token: started.body.continuation_token, challenge_type: offered }),
      headers,
    );
    expect(challenged.body.challenge_type).toBe('password');
    const res = await postForm(
      `${t.base}/oauth2/v2.0/token`,
      body({
        continuation_token: challenged.body.continuation_token,
        grant_type: 'password',
        password: t.userPassword,
        scope: 'openid profile offline_access',
      }),
      headers,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('x-ms-request-id')).toBe(headers['client-request-id']);
  });

  it('issues an ID token and a refresh token even when the app asks for its own scopes only', async () => {
    const res = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword, 'api://orders/read');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id_token: expect.any(String), refresh_token: expect.any(String) });
    expect(res.body.scope.split(' ')).toEqual(
      expect.arrayContaining(['api://orders/read', 'openid', 'offline_access']),
    );
  });

  it("reads the challenge types comma-separated too, as some of Entra's examples write them", async () => {
    const started = await initiate(t.user.email, t.app.clientId, 'password,redirect');
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(
      (await challenge(started.body.continuation_token, t.app.clientId, 'password,redirect')).body.challenge_type,
    ).toBe('password');
  });

  it('refuses the continuation token of initiate at the token endpoint', async () => {
    const started = await initiate(t.user.email);
    expectNativeAuthError(await passwordGrant(started.body.continuation_token, t.userPassword), 400, 'invalid_grant');
  });
});
