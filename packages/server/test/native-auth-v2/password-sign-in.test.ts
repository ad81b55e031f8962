import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { postForm } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';
import { decodeClientInfo } from '../support/tokens.js';
import { expectV2Error, useV2Server, v2Client, type V2Client } from './v2-client.js';

describe.each(engines)('native auth V2: entry, password sign-in, finish and token on %s', (engine) => {
  let t: TestServer;
  let v2: V2Client;
  useV2Server(async (server) => {
    t = server;
    v2 = v2Client(t);
  }, engine);

  it('answers the entry with a continuation token and the three journeys as absolute paths under the tenant', async () => {
    const res = await v2.entry();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      continuation_token: expect.any(String),
      sign_in: '/acme/native-auth/v2/sign-in',
      sign_up: '/acme/native-auth/v2/sign-up',
      reset_password: '/acme/native-auth/v2/reset-password',
    });
    expect(res.headers.get('x-ms-request-id')).toBeTruthy();
  });

  it('lists the methods with ids and challenge links, singleFactor', async () => {
    const res = await v2.startSignIn();
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      continuationToken: expect.any(String),
      action: 'challenge',
      challengeContext: { authenticationFactor: 'singleFactor' },
      _embedded: {
        methods: [
          {
            id: 'password',
            type: 'password',
            hint: expect.stringContaining('@'),
            _links: { challenge: { href: '/acme/native-auth/v2/sign-in/methods/password/challenge' } },
          },
          {
            id: 'email',
            type: 'email',
            hint: expect.stringContaining('@'),
            _links: { challenge: { href: '/acme/native-auth/v2/sign-in/methods/email/challenge' } },
          },
        ],
      },
    });
  });

  it('signs in with a wrong then the right password on the same continuation token, then issues tokens for the code', async () => {
    const challenged = await v2.passwordChallenge();
    expect(challenged).toMatchObject({
      action: 'verify',
      type: 'password',
      _links: { verify: { href: '/acme/native-auth/v2/sign-in/methods/password/verify' } },
    });
    expect(challenged._links.resend).toBeUndefined();
    const verify = (password: string) =>
      v2.call(challenged._links.verify.href, { continuationToken: challenged.continuationToken, password });

    expectV2Error(await verify('wrong password'), 400, 'invalidGrant', 'invalidUserNameOrPassword');
    const proved = await verify(t.userPassword);
    expect(proved.status, JSON.stringify(proved.body)).toBe(200);
    expect(proved.body).toEqual({
      continuationToken: expect.any(String),
      state: 'continue',
      _links: { continue: { href: '/acme/oauth2/v2.0/authorize-challenge' } },
    });

    const res = await v2.redeem(proved.body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
      client_info: expect.any(String),
    });
    expect(res.body.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'offline_access']));
    const idToken = decodeJwt(res.body.id_token);
    expect(decodeClientInfo(res.body.client_info)).toEqual({ uid: t.user.id, utid: t.tenant.id });
    expect(idToken.amr).toEqual(['pwd']);

    const refreshed = await postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: t.app.clientId,
      grant_type: 'refresh_token',
      refresh_token: res.body.refresh_token,
    });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.access_token).toEqual(expect.any(String));
  });

  it('uses a code once, and a proved flow once', async () => {
    const challenged = await v2.passwordChallenge();
    const proved = await v2.call(challenged._links.verify.href, {
      continuationToken: challenged.continuationToken,
      password: t.userPassword,
    });
    const finished = await v2.finish(proved.body.continuationToken);
    expect(finished.status).toBe(200);
    expectV2Error(await v2.finish(proved.body.continuationToken), 400, 'invalidGrant', 'invalidContinuationToken');
    expect((await v2.token(finished.body.code)).status).toBe(200);
    const again = await v2.token(finished.body.code);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('refuses a code to another client, and leaves it usable by its own', async () => {
    const { app: other } = await t.registerApp({ name: 'Other app' });
    const challenged = await v2.passwordChallenge();
    const proved = await v2.call(challenged._links.verify.href, {
      continuationToken: challenged.continuationToken,
      password: t.userPassword,
    });
    const { code } = (await v2.finish(proved.body.continuationToken)).body;
    const stolen = await v2Client(t, other.clientId).token(code);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect((await v2.token(code)).status).toBe(200);
  });

  it('answers an unknown user with invalidRequest/userNotFound', async () => {
    expectV2Error(await v2.startSignIn('nobody@example.com'), 400, 'invalidRequest', 'userNotFound');
  });
});
