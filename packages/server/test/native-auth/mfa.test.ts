import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/core/model.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { HttpResult } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';
import {
  createUser,
  ctOf,
  expectCodeSent,
  expectOk,
  expectTokens,
  freshEmail,
  nativeClient,
  passwordSignIn,
  passwordStep,
  registerOwnAddress,
  resetThroughCode,
  signUpThroughCode,
  useNativeAuthServer,
  wrongCode,
  type NativeClient,
} from './native-client.js';

describe.each(engines)('native-auth MFA on %s', (engine) => {
  let t: TestServer;
  /** MSAL configured with both MFA capabilities. */
  let mfa: NativeClient;
  /** MSAL configured without capabilities. */
  let plain: NativeClient;
  useNativeAuthServer(engine, async (server) => {
    t = server;
    const { app } = await t.registerApp({ name: 'MFA app', requireMfa: true });
    mfa = nativeClient(t.base, app.clientId, { capabilities: 'mfa_required registration_required' });
    plain = nativeClient(t.base, app.clientId);
  });

  /** A user of the MFA app with their own address registered as the second factor. */
  async function enrolledUser(): Promise<User> {
    const user = await createUser(t);
    expectTokens(await registerOwnAddress(t, mfa, user.email, t.userPassword));
    return user;
  }

  /** A password sign-in that stops at mfa_required: the MFA continuation token. */
  async function mfaRequired(user: User): Promise<string> {
    const res = await passwordSignIn(mfa, user.email, t.userPassword);
    expectNativeAuthError(res, 400, 'invalid_grant', { suberror: 'mfa_required', errorCode: 50076 });
    expect(res.body.continuation_token).toEqual(expect.any(String));
    return res.body.continuation_token;
  }

  /** introspect, then challenge the first method: the token for the code grant. */
  async function challengeFirstMethod(user: User, ct: string): Promise<{ challenged: HttpResult; code: string }> {
    const introspected = await mfa.introspect(ct);
    const challenged = await mfa.challenge(ctOf(introspected), { id: introspected.body.methods[0].id });
    return { challenged, code: await t.mail.nextCode(user.email) };
  }

  it('asks a user without a second factor to register one (registration_required 50079) when the client can', async () => {
    const user = await createUser(t);
    const res = await passwordSignIn(mfa, user.email, t.userPassword);
    expectNativeAuthError(res, 400, 'invalid_grant', { suberror: 'registration_required', errorCode: 50079 });
    expect(res.body.continuation_token).toEqual(expect.any(String));
    expect(await t.services.repos.sessions.listByUser(t.tenant.id, user.id)).toEqual([]);
  });

  it('redirects, with no tokens, a client that declared no capabilities', async () => {
    const newcomer = await createUser(t);
    const enrolled = await enrolledUser();
    for (const user of [newcomer, enrolled]) {
      const res = await passwordSignIn(plain, user.email, t.userPassword);
      expectOk(res);
      expect(res.body).toMatchObject({ challenge_type: 'redirect', redirect_reason: expect.any(String) });
      expect(res.body.access_token).toBeUndefined();
    }
    const onlyRegistration = nativeClient(t.base, plain.clientId, { capabilities: 'registration_required' });
    expect((await passwordSignIn(onlyRegistration, enrolled.email, t.userPassword)).body.challenge_type).toBe(
      'redirect',
    );
  });

  it("reads the capabilities as Entra's docs write them too: `capability`, comma-separated", async () => {
    const user = await createUser(t);
    const offered = { challenge_type: 'password redirect' };
    const started = ctOf(
      await plain.initiate(user.email, { ...offered, capability: 'mfa_required,registration_required' }),
    );
    const res = await plain.token('password', ctOf(await plain.challenge(started, offered)), {
      password: t.userPassword,
    });
    expectNativeAuthError(res, 400, 'invalid_grant', { suberror: 'registration_required' });
  });

  it('asks an enrolled user for the second factor: introspect, challenge by id, mfa_oob', async () => {
    const user = await enrolledUser();
    const ct = await mfaRequired(user);
    const introspected = await mfa.introspect(ct);
    expectOk(introspected);
    expect(introspected.body.continuation_token).toEqual(expect.any(String));
    const [method] = await t.services.repos.mfaMethods.list(user.id);
    expect(introspected.body.methods).toEqual([
      {
        id: method!.id,
        challenge_type: 'oob',
        challenge_channel: 'email',
        login_hint: expect.stringMatching(/^.\*+@example\.com$/),
      },
    ]);

    const challenged = await mfa.challenge(introspected.body.continuation_token, { id: method!.id });
    expectCodeSent(challenged, t.tenant.codeLength, user.email);
    const code = await t.mail.nextCode(user.email);
    const wrong = await mfa.token('mfa_oob', challenged.body.continuation_token, { oob: wrongCode(code) });
    expectNativeAuthError(wrong, 400, 'invalid_grant', { suberror: 'invalid_oob_value' });
    const signedIn = await mfa.token('mfa_oob', challenged.body.continuation_token, { oob: code });
    expectTokens(signedIn);
    expect(decodeJwt(signedIn.body.id_token).amr).toEqual(expect.arrayContaining(['pwd', 'mfa']));
    expectNativeAuthError(
      await mfa.token('mfa_oob', challenged.body.continuation_token, { oob: code }),
      400,
      'invalid_grant',
    );
  });

  it('sends no code when the client does not offer oob: redirect if it offered redirect, else unsupported_challenge_type', async () => {
    const user = await enrolledUser();
    const [method] = await t.services.repos.mfaMethods.list(user.id);
    const introspected = ctOf(await mfa.introspect(await mfaRequired(user)));
    const mailsBefore = t.mail.messages.length;
    const redirected = await mfa.challenge(introspected, { id: method!.id, challenge_type: 'password redirect' });
    expectOk(redirected);
    expect(redirected.body).toMatchObject({
      challenge_type: 'redirect',
      redirect_reason: expect.stringContaining('oob'),
    });
    expectNativeAuthError(
      await mfa.challenge(introspected, { id: method!.id, challenge_type: 'password' }),
      400,
      'unsupported_challenge_type',
    );
    expect(t.mail.messages).toHaveLength(mailsBefore);
  });

  it('accepts the second factor code with grant_type=oob too, as Entra documents it', async () => {
    const user = await enrolledUser();
    const { challenged, code } = await challengeFirstMethod(user, await mfaRequired(user));
    expectTokens(await mfa.token('oob', ctOf(challenged), { oob: code }));
  });

  it('starts with the password: an email-code sign-in is refused before any code is sent (redirect, else unsupported_challenge_type)', async () => {
    const user = await enrolledUser();
    const mailsBefore = t.mail.messages.length;
    const offeredRedirect = await mfa.challenge(
      ctOf(await mfa.initiate(user.email, { challenge_type: 'oob redirect' })),
      { challenge_type: 'oob redirect' },
    );
    expectOk(offeredRedirect);
    expect(offeredRedirect.body).toMatchObject({
      challenge_type: 'redirect',
      redirect_reason: expect.stringContaining('password'),
    });
    const onlyOob = await mfa.challenge(ctOf(await mfa.initiate(user.email, { challenge_type: 'oob' })), {
      challenge_type: 'oob',
    });
    expectNativeAuthError(onlyOob, 400, 'unsupported_challenge_type', { errorCode: 901007 });
    expect(t.mail.messages).toHaveLength(mailsBefore);
  });

  it("answers invalid_request 901001 for a method id that is not the user's", async () => {
    const user = await enrolledUser();
    const other = await enrolledUser();
    const [othersMethod] = await t.services.repos.mfaMethods.list(other.id);
    const ct = ctOf(await mfa.introspect(await mfaRequired(user)));
    for (const id of ['no-such-method', othersMethod!.id, undefined]) {
      expectNativeAuthError(await mfa.challenge(ct, { id }), 400, 'invalid_request', { errorCode: 901001 });
    }
  });

  it('does not let the MFA continuation token stand in for anything else', async () => {
    const user = await enrolledUser();
    const ct = await mfaRequired(user);
    for (const res of [
      await mfa.token('password', ct, { password: t.userPassword }),
      await mfa.token('continuation_token', ct),
      await mfa.signUpChallenge(ct),
      await mfa.signUpContinue(ct, 'oob', { oob: '12345678' }),
      await mfa.resetSubmit(ct, 'a brand new passphrase'),
      await mfa.registerIntrospect(ct),
    ])
      expectNativeAuthError(res, 400, 'invalid_grant', { errorCode: 55200 });
    const signInCt = await passwordStep(mfa, user.email);
    expectNativeAuthError(await mfa.token('mfa_oob', signInCt, { oob: '12345678' }), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    expectNativeAuthError(await mfa.introspect(signInCt), 400, 'invalid_grant', { errorCode: 55200 });
  });

  it('answers unsupported_challenge_type when the client offers nothing the app can challenge with', async () => {
    const user = await enrolledUser();
    const ct = ctOf(await mfa.introspect(await mfaRequired(user)));
    const [method] = await t.services.repos.mfaMethods.list(user.id);
    expectNativeAuthError(
      await mfa.challenge(ct, { id: method!.id, challenge_type: 'sms' }),
      400,
      'unsupported_challenge_type',
    );
  });

  it('carries the capabilities given at sign-up and reset start through to the sign-in that ends those flows', async () => {
    const email = freshEmail('mfa-signup');
    const signedUp = ctOf(await signUpThroughCode(t, mfa, email, { password: t.userPassword }));
    expectNativeAuthError(await mfa.token('continuation_token', signedUp), 400, 'invalid_grant', {
      suberror: 'registration_required',
    });
    const plainSignUp = ctOf(
      await signUpThroughCode(t, plain, freshEmail('plain-signup'), { password: t.userPassword }),
    );
    expect((await plain.token('continuation_token', plainSignUp)).body.challenge_type).toBe('redirect');

    const user = await enrolledUser();
    for (const [client, expected] of [
      [mfa, 'mfa_required'],
      [plain, 'redirect'],
    ] as const) {
      const submitted = ctOf(
        await client.resetSubmit(await resetThroughCode(t, client, user.email), `a brand new passphrase ${expected}`),
      );
      const res = await client.token('continuation_token', ctOf(await client.resetPoll(submitted)));
      expect(res.body.suberror ?? res.body.challenge_type).toBe(expected);
    }
  });

  it('does not ask a user of an app without the requirement for a second factor', async () => {
    const user = await enrolledUser();
    expectTokens(
      await passwordSignIn(
        nativeClient(t.base, t.app.clientId, { capabilities: 'mfa_required registration_required' }),
        user.email,
        t.userPassword,
      ),
    );
  });
});
