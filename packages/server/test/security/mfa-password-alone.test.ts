import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import {
  createUser,
  ctOf,
  expectTokens,
  freshEmail,
  nativeClient,
  passwordSignIn,
  signUpThroughCode,
  useNativeAuthServer,
  type NativeClient,
} from '../native-auth/native-client.js';

/**
 * Review finding 1: at an app that requires MFA, the password alone gave full tokens. The
 * attacker knows the password, nothing else: registering the account's own (verified)
 * address answered `preverified`, and the registration's hand-over signed in with amr
 * ["pwd"]. Two factors must mean two factors, proved in the same flow.
 */
describe.each(engines)('security: MFA with the password alone on %s', (engine) => {
  let t: TestServer;
  let mfa: NativeClient;
  useNativeAuthServer(engine, async (server) => {
    t = server;
    const { app } = await t.registerApp({ name: 'MFA app', requireMfa: true });
    mfa = nativeClient(t.base, app.clientId, { capabilities: 'mfa_required registration_required' });
  });

  it('sends a code to the sign-in address registered after a password sign-in, and issues nothing without it', async () => {
    const victim = await createUser(t);
    const required = await passwordSignIn(mfa, victim.email, t.userPassword);
    expectNativeAuthError(required, 400, 'invalid_grant', { suberror: 'registration_required' });
    const introspected = ctOf(await mfa.registerIntrospect(required.body.continuation_token));
    const challenged = await mfa.registerChallenge(introspected, victim.email);
    // Not preverified: nothing in this flow proved the address yet.
    expect(challenged.body.challenge_type, JSON.stringify(challenged.body)).toBe('oob');
    const code = await t.mail.nextCode(victim.email);

    // The attacker cannot read the mailbox: every way on without the code is refused.
    expectNativeAuthError(await mfa.registerContinue(ctOf(challenged), 'continuation_token'), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    expect(await t.services.repos.mfaMethods.list(victim.id)).toEqual([]);
    expect(await t.services.repos.sessions.listByUser(t.tenant.id, victim.id)).toEqual([]);

    // The owner, with the mailbox, gets tokens that say both factors were proved.
    const signedIn = await mfa.token(
      'continuation_token',
      ctOf(await mfa.registerContinue(ctOf(challenged), 'oob', { oob: code })),
    );
    expectTokens(signedIn);
    expect(decodeJwt(signedIn.body.id_token).amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
  });

  it('answers preverified only for the address a code proved earlier in the same sign-up', async () => {
    const email = freshEmail('signup');
    const signedUp = ctOf(await signUpThroughCode(t, mfa, email, { password: t.userPassword }));
    const required = await mfa.token('continuation_token', signedUp);
    expectNativeAuthError(required, 400, 'invalid_grant', { suberror: 'registration_required' });
    const challenged = await mfa.registerChallenge(
      ctOf(await mfa.registerIntrospect(required.body.continuation_token)),
      email,
    );
    expect(challenged.body.challenge_type).toBe('preverified');
    const signedIn = await mfa.token(
      'continuation_token',
      ctOf(await mfa.registerContinue(ctOf(challenged), 'continuation_token')),
    );
    expectTokens(signedIn);
    expect(decodeJwt(signedIn.body.id_token).amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
  });

  it('does not take a code to the sign-in address as both factors: an email-code sign-in gets no tokens', async () => {
    const user = await createUser(t);
    const started = ctOf(await mfa.initiate(user.email, { challenge_type: 'oob redirect' }));
    const challenged = await mfa.challenge(started, { challenge_type: 'oob redirect' });
    // The sign-in starts with the password at an MFA app: no code goes out for a sign-in that cannot finish.
    expect(challenged.body).toMatchObject({ challenge_type: 'redirect' });
    expect(await t.services.repos.sessions.listByUser(t.tenant.id, user.id)).toEqual([]);
  });

  it('leaves whoever has only the password nothing to go on with: no token of any kind, no session', async () => {
    const victim = await createUser(t);
    const required = await passwordSignIn(mfa, victim.email, t.userPassword);
    const challenged = await mfa.registerChallenge(
      ctOf(await mfa.registerIntrospect(required.body.continuation_token)),
      victim.email,
    );
    const continued = await mfa.registerContinue(ctOf(challenged), 'continuation_token');
    expectNativeAuthError(continued, 400, 'invalid_grant', { errorCode: 55200 });
    expect(continued.body).not.toHaveProperty('continuation_token');
    expect(continued.body).not.toHaveProperty('refresh_token');
    expect(await t.services.repos.sessions.listByUser(t.tenant.id, victim.id)).toEqual([]);
  });
});
