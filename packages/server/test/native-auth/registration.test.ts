import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/core/model.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import {
  createUser,
  ctOf,
  expectOk,
  expectTokens,
  freshEmail,
  nativeClient,
  passwordSignIn,
  useNativeAuthServer,
  wrongCode,
  type NativeClient,
} from './native-client.js';

describe.each(engines)('native-auth second-factor registration on %s', (engine) => {
  let t: TestServer;
  /** An app with the default: only the sign-in address can be registered. */
  let mfa: NativeClient;
  /** An app created with `mfaRegistration: 'any-address'`. */
  let anyAddress: NativeClient;
  useNativeAuthServer(engine, async (server) => {
    t = server;
    const capabilities = { capabilities: 'mfa_required registration_required' };
    mfa = nativeClient(t.base, (await t.registerApp({ name: 'MFA app', requireMfa: true })).app.clientId, capabilities);
    anyAddress = nativeClient(
      t.base,
      (await t.registerApp({ name: 'Any-address MFA app', requireMfa: true, mfaRegistration: 'any-address' })).app
        .clientId,
      capabilities,
    );
  });

  /** A password sign-in that stops at registration_required: the registration continuation token. */
  async function registrationRequired(user: User, client = mfa): Promise<string> {
    const res = await passwordSignIn(client, user.email, t.userPassword);
    expectNativeAuthError(res, 400, 'invalid_grant', { suberror: 'registration_required', errorCode: 50079 });
    return res.body.continuation_token;
  }

  /** register/introspect: the token register/challenge takes. */
  const introspected = async (user: User, client = mfa) =>
    ctOf(await client.registerIntrospect(await registrationRequired(user, client)));

  it('lists email as the method to register, with the sign-in address as the hint', async () => {
    const user = await createUser(t);
    const res = await mfa.registerIntrospect(await registrationRequired(user));
    expectOk(res);
    expect(res.body).toEqual({
      continuation_token: expect.any(String),
      methods: [{ id: 'email', challenge_type: 'oob', challenge_channel: 'email', login_hint: user.email }],
    });
  });

  it('registers the verified sign-in address with a code sent to it after a password sign-in, then signs in without a username', async () => {
    const user = await createUser(t);
    const challenged = await mfa.registerChallenge(await introspected(user), user.email.toUpperCase());
    expectOk(challenged);
    expect(challenged.body).toMatchObject({
      challenge_type: 'oob',
      challenge_channel: 'email',
      challenge_target: user.email,
      continuation_token: expect.any(String),
    });
    const code = await t.mail.nextCode(user.email);

    expectNativeAuthError(
      await mfa.registerContinue(challenged.body.continuation_token, 'continuation_token'),
      400,
      'invalid_grant',
      { errorCode: 55200 },
    );
    const registered = ctOf(await mfa.registerContinue(challenged.body.continuation_token, 'oob', { oob: code }));
    const signedIn = await mfa.token('continuation_token', registered);
    expectTokens(signedIn);
    // The password, then a code to the method: two factors, and the tokens say so (RFC 8176).
    expect(decodeJwt(signedIn.body.id_token).amr).toEqual(['pwd', 'otp', 'mfa']);
    expect((await t.services.repos.mfaMethods.list(user.id)).map((m) => ({ type: m.type, target: m.target }))).toEqual([
      { type: 'email', target: user.email },
    ]);
  });

  it('refuses another address by default (invalid_request 901001) without sending it anything', async () => {
    const user = await createUser(t);
    const backup = freshEmail('backup');
    expectNativeAuthError(await mfa.registerChallenge(await introspected(user), backup), 400, 'invalid_request', {
      errorCode: 901001,
    });
    expect(t.mail.messages.some((m) => m.to.includes(backup))).toBe(false);
  });

  it('at an any-address app, sends a code to another address, refuses a wrong one, registers it with the right one', async () => {
    const mfa = anyAddress;
    const user = await createUser(t);
    const backup = freshEmail('backup');
    const challenged = await mfa.registerChallenge(await introspected(user, mfa), backup);
    expectOk(challenged);
    expect(challenged.body).toMatchObject({
      challenge_type: 'oob',
      challenge_channel: 'email',
      challenge_target: backup,
      code_length: t.tenant.codeLength,
      continuation_token: expect.any(String),
    });
    const code = await t.mail.nextCode(backup);
    const ct = challenged.body.continuation_token;
    expectNativeAuthError(await mfa.registerContinue(ct, 'continuation_token'), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    const wrong = await mfa.registerContinue(ct, 'oob', { oob: wrongCode(code) });
    expectNativeAuthError(wrong, 400, 'invalid_grant', { suberror: 'invalid_oob_value' });
    expect(await t.services.repos.mfaMethods.list(user.id)).toEqual([]);

    const registered = await mfa.token(
      'continuation_token',
      ctOf(await mfa.registerContinue(ct, 'oob', { oob: code })),
    );
    expectTokens(registered);
    expect(decodeJwt(registered.body.id_token).amr).toEqual(['pwd', 'otp', 'mfa']);
    const [method] = await t.services.repos.mfaMethods.list(user.id);
    expect(method).toMatchObject({ type: 'email', target: backup });

    // From now on the second factor is a code sent to the registered address.
    const required = await passwordSignIn(mfa, user.email, t.userPassword);
    expectNativeAuthError(required, 400, 'invalid_grant', { suberror: 'mfa_required' });
    const listed = await mfa.introspect(required.body.continuation_token);
    expect(listed.body.methods).toEqual([
      {
        id: method!.id,
        challenge_type: 'oob',
        challenge_channel: 'email',
        login_hint: expect.stringMatching(/^b\*+@example\.com$/),
      },
    ]);
    const sent = await mfa.challenge(ctOf(listed), { id: method!.id });
    expectTokens(await mfa.token('mfa_oob', ctOf(sent), { oob: await t.mail.nextCode(backup) }));
  });

  it('sends a code to the sign-in address of an account whose address was never verified', async () => {
    const user = await createUser(t, { emailVerified: false });
    const challenged = await mfa.registerChallenge(await introspected(user), user.email);
    expect(challenged.body.challenge_type).toBe('oob');
    expectTokens(
      await mfa.token(
        'continuation_token',
        ctOf(await mfa.registerContinue(ctOf(challenged), 'oob', { oob: await t.mail.nextCode(user.email) })),
      ),
    );
  });

  it('refuses what it cannot register', async () => {
    const user = await createUser(t);
    const ct = await introspected(user);
    expectNativeAuthError(await mfa.registerChallenge(ct, 'not-an-address'), 400, 'invalid_request', {
      errorCode: 901001,
    });
    expectNativeAuthError(
      await mfa.registerChallenge(ct, '+15551234567', { challenge_channel: 'sms' }),
      400,
      'invalid_request',
      { errorCode: 901001 },
    );
    expectNativeAuthError(
      await mfa.registerChallenge(ct, user.email, { challenge_type: 'password' }),
      400,
      'unsupported_challenge_type',
    );
    expectNativeAuthError(await mfa.registerContinue(ct, 'continuation_token'), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    expectNativeAuthError(await mfa.registerContinue(ct, 'oob', { oob: '12345678' }), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    expectNativeAuthError(await mfa.registerContinue(ct, 'password'), 400, 'invalid_request');
    expect(await t.services.repos.mfaMethods.list(user.id)).toEqual([]);
  });

  it('does not let the registration continuation token stand in for anything else', async () => {
    const user = await createUser(t);
    const ct = await registrationRequired(user);
    for (const res of [
      await mfa.introspect(ct),
      await mfa.challenge(ct),
      await mfa.token('continuation_token', ct),
      await mfa.token('mfa_oob', ct, { oob: '12345678' }),
      await mfa.signUpContinue(ct, 'oob', { oob: '12345678' }),
    ])
      expectNativeAuthError(res, 400, 'invalid_grant', { errorCode: 55200 });
  });
});
