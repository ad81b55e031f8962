import { describe, expect, it } from 'vitest';
import { postForm, postRaw } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';
import { expectV2Error, useV2Server, v2Client, type V2Client } from './v2-client.js';

describe('native auth V2: bad input gets the nested V2 error, and uses nothing up', () => {
  let t: TestServer;
  let v2: V2Client;
  useV2Server(async (server) => {
    t = server;
    v2 = v2Client(t);
  });

  const signInLink = '/acme/native-auth/v2/sign-in';
  const passwordVerify = '/acme/native-auth/v2/sign-in/methods/password/verify';

  it('refuses an entry without a known client', async () => {
    expectV2Error(
      await postForm(`${t.base}/oauth2/v2.0/authorize-challenge`, { scope: 'openid' }),
      400,
      'invalidRequest',
    );
    const unknown = await v2Client(t, 'no-such-client').entry();
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalidClient');
  });

  it('refuses a link call without a continuation token, or with one that names nothing', async () => {
    expectV2Error(await v2.call(signInLink, { username: t.user.email }), 400, 'invalidRequest');
    expectV2Error(
      await v2.call(signInLink, { continuationToken: 'garbled', username: t.user.email }),
      400,
      'invalidGrant',
      'invalidContinuationToken',
    );
    expectV2Error(await v2.call(signInLink, { continuationToken: 42, username: t.user.email }), 400, 'invalidRequest');
  });

  it("refuses a token at another step's link, and leaves it usable at its own", async () => {
    const entered = await v2.entry();
    const entryToken = entered.body.continuation_token;
    expectV2Error(
      await v2.call(passwordVerify, { continuationToken: entryToken, password: t.userPassword }),
      400,
      'invalidGrant',
      'invalidContinuationToken',
    );
    expectV2Error(await v2.finish(entryToken), 400, 'invalidGrant', 'invalidContinuationToken');
    const challenged = await v2.passwordChallenge();
    expectV2Error(
      await v2.call(signInLink, { continuationToken: challenged.continuationToken, username: t.user.email }),
      400,
      'invalidGrant',
      'invalidContinuationToken',
    );
    expectV2Error(await v2.finish(challenged.continuationToken), 400, 'invalidGrant', 'invalidContinuationToken');
    const started = await v2.call(entered.body.sign_in, { continuationToken: entryToken, username: t.user.email });
    expect(started.status).toBe(200);
    const proved = await v2.call(challenged._links.verify.href, {
      continuationToken: challenged.continuationToken,
      password: t.userPassword,
    });
    expect(proved.body.state).toBe('continue');
  });

  it('refuses a wrong content type, a body that is not JSON, and a body that is not an object', async () => {
    const { continuationToken } = await v2.passwordChallenge();
    const url = `${t.url}${passwordVerify}`;
    const form = new URLSearchParams({ continuationToken, password: t.userPassword }).toString();
    expectV2Error(await postRaw(url, form, 'application/x-www-form-urlencoded'), 400, 'invalidRequest');
    expectV2Error(await postRaw(url, 'password', 'text/plain'), 400, 'invalidRequest');
    expectV2Error(await postRaw(url, '{"continuationToken": ', 'application/json'), 400, 'invalidRequest');
    expectV2Error(await postRaw(url, '["a"]', 'application/json'), 400, 'invalidRequest');
    const proved = await v2.call(passwordVerify, { continuationToken, password: t.userPassword });
    expect(proved.body.state).toBe('continue');
  });

  it('refuses another HTTP method on a link, and an unknown sign-in method', async () => {
    const res = await fetch(`${t.url}${signInLink}`);
    expect(res.status).toBe(405);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('methodNotAllowed');
    const { continuationToken } = await v2.passwordChallenge();
    expectV2Error(
      await v2.call('/acme/native-auth/v2/sign-in/methods/sms/challenge', { continuationToken }),
      400,
      'invalidRequest',
    );
  });

  it('refuses a finish that names a client: the continuation token binds the flow', async () => {
    const challenged = await v2.passwordChallenge();
    const proved = await v2.call(challenged._links.verify.href, {
      continuationToken: challenged.continuationToken,
      password: t.userPassword,
    });
    const res = await postForm(`${t.base}/oauth2/v2.0/authorize-challenge`, {
      client_id: t.app.clientId,
      continuation_token: proved.body.continuationToken,
    });
    expectV2Error(res, 400, 'invalidRequest');
    expect((await v2.finish(proved.body.continuationToken)).status).toBe(200);
  });

  it("refuses a V2 flow's token at V1's continuation grant (it would skip the code's binding)", async () => {
    const challenged = await v2.passwordChallenge();
    const proved = await v2.call(challenged._links.verify.href, {
      continuationToken: challenged.continuationToken,
      password: t.userPassword,
    });
    const v1 = await postForm(`${t.base}/oauth2/v2.0/token`, {
      client_id: t.app.clientId,
      grant_type: 'continuation_token',
      continuation_token: proved.body.continuationToken,
    });
    expect(v1.status).toBe(400);
    expect(v1.body.error).toBe('invalid_grant');
    expect((await v2.finish(proved.body.continuationToken)).status).toBe(200);
  });
});
