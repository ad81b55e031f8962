import { describe, expect, it } from 'vitest';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import {
  createUser,
  ctOf,
  expectCodeSent,
  expectOk,
  expectTokens,
  nativeClient,
  passwordSignIn,
  passwordStep,
  resetThroughCode,
  useNativeAuthServer,
  wrongCode,
  type NativeClient,
} from './native-client.js';

const newPassword = 'a brand new passphrase';

describe.each(engines)('native-auth password reset on %s', (engine) => {
  let t: TestServer;
  let client: NativeClient;
  useNativeAuthServer(engine, (server) => {
    t = server;
    client = nativeClient(t.base, t.app.clientId);
  });

  it('resets the password: code, new password, polling, then sign-in with the continuation token', async () => {
    const user = await createUser(t);
    const challenged = await client.resetChallenge(ctOf(await client.resetStart(user.email)));
    expectCodeSent(challenged, t.tenant.codeLength, user.email);
    const code = await t.mail.nextCode(user.email);

    const wrong = await client.resetContinue(challenged.body.continuation_token, wrongCode(code));
    expectNativeAuthError(wrong, 400, 'invalid_grant', { suberror: 'invalid_oob_value' });
    const verified = await client.resetContinue(challenged.body.continuation_token, code);
    expect(verified.body.expires_in).toBeGreaterThan(0);

    const submitted = await client.resetSubmit(ctOf(verified), newPassword);
    expect(
      Number.isInteger(submitted.body.poll_interval) && submitted.body.poll_interval >= 1,
      JSON.stringify(submitted.body),
    ).toBe(true);
    const submitCt = ctOf(submitted);

    const poll = await client.resetPoll(submitCt);
    expectOk(poll);
    expect(poll.body).toMatchObject({ status: 'succeeded', continuation_token: expect.any(String) });
    // The submit token is valid until a poll succeeds (reference §9): one reset, one sign-in.
    expectNativeAuthError(await client.resetPoll(submitCt), 400, 'invalid_grant', { errorCode: 55200 });
    const signIn = poll.body.continuation_token;
    expectTokens(await client.token('continuation_token', signIn, { username: user.email }));
    expectNativeAuthError(
      await client.token('continuation_token', signIn, { username: user.email }),
      400,
      'invalid_grant',
      { errorCode: 55200 },
    );

    expectTokens(await passwordSignIn(client, user.email, newPassword));
    expectNativeAuthError(await passwordSignIn(client, user.email, t.userPassword), 400, 'invalid_grant', {
      errorCode: 50126,
    });
  });

  it('ends every flow the account had open: a sign-in started before the reset cannot finish after it', async () => {
    const user = await createUser(t);
    const startedBefore = await passwordStep(client, user.email);
    ctOf(await client.resetSubmit(await resetThroughCode(t, client, user.email), newPassword));
    expectNativeAuthError(
      await client.token('password', startedBefore, { password: newPassword }),
      400,
      'invalid_grant',
      { errorCode: 55200 },
    );
    expectTokens(await passwordSignIn(client, user.email, newPassword));
  });

  it('refuses each kind of unacceptable new password, and takes a good one on the same token', async () => {
    const user = await createUser(t);
    const ct = await resetThroughCode(t, client, user.email);
    const refused: Array<[string, string]> = [
      ['short1!', 'password_too_short'],
      ['y'.repeat(257), 'password_too_long'],
      ['password', 'password_banned'],
      ['12345678', 'password_banned'],
      [user.email, 'password_banned'],
      [t.userPassword, 'password_recently_used'],
      [' '.repeat(10), 'password_is_invalid'],
      ['', 'password_is_invalid'],
    ];
    for (const [password, suberror] of refused) {
      const res = await client.resetSubmit(ct, password);
      expectNativeAuthError(res, 400, 'invalid_grant', { suberror, errorCode: 399246 });
      expect(res.body.continuation_token).toBeUndefined();
    }
    expectNativeAuthError(
      await client.post('/resetpassword/v1.0/submit', { continuation_token: ct }),
      400,
      'invalid_request',
    );
    expectTokens(await passwordSignIn(client, user.email, t.userPassword));
    ctOf(await client.resetSubmit(ct, newPassword));
  });

  it('signs the account out everywhere: refresh tokens issued before the reset stop working', async () => {
    const user = await createUser(t);
    const before = await passwordSignIn(client, user.email, t.userPassword);
    expectTokens(before);
    const submitted = ctOf(await client.resetSubmit(await resetThroughCode(t, client, user.email), newPassword));
    expectNativeAuthError(await client.refresh(before.body.refresh_token), 400, 'invalid_grant');
    const sessions = await t.services.repos.sessions.listByUser(t.tenant.id, user.id);
    expect(sessions.map((s) => s.revokedReason)).toEqual(['password_reset']);

    const after = await client.token('continuation_token', ctOf(await client.resetPoll(submitted)));
    expectTokens(after);
    expectOk(await client.refresh(after.body.refresh_token));
  });

  it('answers user_not_found for an unknown address and 90100 for a malformed one', async () => {
    expectNativeAuthError(await client.resetStart('nobody@example.com'), 400, 'user_not_found', { errorCode: 50034 });
    expectNativeAuthError(await client.resetStart('nobody'), 400, 'invalid_request', {
      errorCode: 90100,
      description: 'username parameter is empty or not valid',
    });
  });

  it('resends the code when challenge is called again', async () => {
    const user = await createUser(t);
    const first = ctOf(await client.resetChallenge(ctOf(await client.resetStart(user.email))));
    const firstCode = await t.mail.nextCode(user.email);
    t.clock.advance!(60_000);
    const again = await client.resetChallenge(first);
    expectCodeSent(again, t.tenant.codeLength, user.email);
    const secondCode = await t.mail.nextCode(user.email);
    expectNativeAuthError(await client.resetContinue(again.body.continuation_token, firstCode), 400, 'invalid_grant', {
      suberror: 'invalid_oob_value',
    });
    expectOk(await client.resetContinue(again.body.continuation_token, secondCode));
  });

  it('takes each step only in order', async () => {
    const user = await createUser(t);
    const started = ctOf(await client.resetStart(user.email));
    expectNativeAuthError(await client.resetContinue(started, '12345678'), 400, 'invalid_grant', { errorCode: 55200 });
    expectNativeAuthError(await client.resetSubmit(started, newPassword), 400, 'invalid_grant', { errorCode: 55200 });
    const challenged = ctOf(await client.resetChallenge(started));
    const code = await t.mail.nextCode(user.email);
    expectNativeAuthError(await client.resetSubmit(challenged, newPassword), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    expectNativeAuthError(await client.resetPoll(challenged), 400, 'invalid_grant', { errorCode: 55200 });
    expectNativeAuthError(
      await client.post('/resetpassword/v1.0/continue', {
        continuation_token: challenged,
        grant_type: 'password',
        oob: code,
      }),
      400,
      'invalid_request',
    );
    const verified = ctOf(await client.resetContinue(challenged, code));
    expectNativeAuthError(await client.resetPoll(verified), 400, 'invalid_grant', { errorCode: 55200 });
    expectNativeAuthError(await client.resetChallenge(verified), 400, 'invalid_grant', { errorCode: 55200 });
    const submitted = ctOf(await client.resetSubmit(verified, newPassword));
    expectNativeAuthError(await client.resetSubmit(verified, 'yet another passphrase'), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    expectNativeAuthError(await client.token('continuation_token', submitted), 400, 'invalid_grant', {
      errorCode: 55200,
    });
  });

  it('gives a code-only account its first password', async () => {
    const user = await createUser(t, { password: null });
    ctOf(await client.resetSubmit(await resetThroughCode(t, client, user.email), newPassword));
    expectTokens(await passwordSignIn(client, user.email, newPassword));
  });

  it('redirects when the client does not offer oob', async () => {
    const res = await client.post('/resetpassword/v1.0/start', {
      username: t.user.email,
      challenge_type: 'password redirect',
    });
    expectOk(res);
    expect(res.body).toMatchObject({ challenge_type: 'redirect', redirect_reason: expect.any(String) });
  });
});
