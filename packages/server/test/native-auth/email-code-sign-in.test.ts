import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { codePolicy } from '../../src/core/otp/one-time-codes.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import {
  codeSignInStep,
  createUser,
  ctOf,
  expectCodeSent,
  expectOk,
  expectTokens,
  nativeClient,
  otherTenant,
  passwordStep,
  useNativeAuthServer,
  wrongCode,
  type NativeClient,
} from './native-client.js';

const codeOffered = { challenge_type: 'oob redirect' };

describe.each(engines)('native-auth email-code sign-in on %s', (engine) => {
  let t: TestServer;
  let client: NativeClient;
  useNativeAuthServer(engine, (server) => {
    t = server;
    client = nativeClient(t.base, t.app.clientId);
  });

  const mailsTo = (email: string) => t.mail.messages.filter((m) => m.to.includes(email)).length;

  it('sends a code of the tenant length to a password user who offers only oob, and signs in with it', async () => {
    const user = await createUser(t);
    const started = ctOf(await client.initiate(user.email, codeOffered));
    const challenged = await client.challenge(started, codeOffered);
    expectCodeSent(challenged, 8, user.email);
    expect(challenged.body.challenge_target_label).not.toContain(user.email.split('@')[0]);
    const code = await t.mail.nextCode(user.email);
    expect(code).toMatch(/^\d{8}$/);
    const signedIn = await client.token('oob', challenged.body.continuation_token, { oob: code });
    expectTokens(signedIn);
    expect(decodeJwt(signedIn.body.id_token)).toMatchObject({ oid: user.id, amr: ['otp'] });
  });

  it('reports code_length 6 and mails 6-digit codes in a tenant configured for them', async () => {
    const six = await otherTenant(t, { codeLength: 6 });
    const sixClient = nativeClient(six.base, six.app.clientId);
    const challenged = await sixClient.challenge(
      ctOf(await sixClient.initiate(six.user.email, codeOffered)),
      codeOffered,
    );
    expectCodeSent(challenged, 6, six.user.email);
    const code = await t.mail.nextCode(six.user.email);
    expect(code).toMatch(/^\d{6}$/);
    expectTokens(await sixClient.token('oob', challenged.body.continuation_token, { oob: code }));
  });

  it('answers invalid_oob_value for a wrong code and accepts the right one on the same token', async () => {
    const user = await createUser(t);
    const { ct, code } = await codeSignInStep(t, client, user.email);
    const wrong = await client.token('oob', ct, { oob: wrongCode(code) });
    expectNativeAuthError(wrong, 400, 'invalid_grant', { suberror: 'invalid_oob_value' });
    expect(wrong.body.continuation_token).toBeUndefined();
    expectNativeAuthError(await client.token('oob', ct, {}), 400, 'invalid_grant', { suberror: 'invalid_oob_value' });
    expectTokens(await client.token('oob', ct, { oob: code }));
  });

  it('keeps the code already sent when asked to resend within the interval, and sends a new one after it', async () => {
    const user = await createUser(t);
    const { ct, code: first } = await codeSignInStep(t, client, user.email);
    const sent = mailsTo(user.email);

    t.clock.advance!(codePolicy.resendInterval * 1000 - 1000);
    const soon = await client.challenge(ct, codeOffered);
    expectCodeSent(soon, 8, user.email);
    expect(mailsTo(user.email)).toBe(sent);

    t.clock.advance!(2000);
    const later = await client.challenge(soon.body.continuation_token, codeOffered);
    expectCodeSent(later, 8, user.email);
    expect(mailsTo(user.email)).toBe(sent + 1);
    const second = await t.mail.nextCode(user.email);
    expect(second).not.toBe(first);

    expectNativeAuthError(
      await client.token('oob', later.body.continuation_token, { oob: first }),
      400,
      'invalid_grant',
      { suberror: 'invalid_oob_value' },
    );
    expectTokens(await client.token('oob', later.body.continuation_token, { oob: second }));
  });

  it('lets a resend of a password challenge token fall back to a code when only oob is offered', async () => {
    const user = await createUser(t);
    const passwordCt = await passwordStep(client, user.email);
    const challenged = await client.challenge(passwordCt, codeOffered);
    expectCodeSent(challenged, 8, user.email);
    expectTokens(
      await client.token('oob', challenged.body.continuation_token, { oob: await t.mail.nextCode(user.email) }),
    );
  });

  it('asks a password user for the password when it is offered first, and a code-only user for a code', async () => {
    const withPassword = await createUser(t);
    const codeOnly = await createUser(t, { password: null });
    const both = { challenge_type: 'password oob redirect' };
    const asked = await client.challenge(ctOf(await client.initiate(withPassword.email, both)), both);
    expectOk(asked);
    expect(asked.body.challenge_type).toBe('password');
    const coded = await client.challenge(ctOf(await client.initiate(codeOnly.email, both)), both);
    expectCodeSent(coded, 8, codeOnly.email);
    expectTokens(
      await client.token('oob', coded.body.continuation_token, { oob: await t.mail.nextCode(codeOnly.email) }),
    );
  });

  it('redirects a code-only user whose client offers only password', async () => {
    const codeOnly = await createUser(t, { password: null });
    const offered = { challenge_type: 'password redirect' };
    const redirected = await client.challenge(ctOf(await client.initiate(codeOnly.email, offered)), offered);
    expectOk(redirected);
    expect(redirected.body).toMatchObject({ challenge_type: 'redirect', redirect_reason: expect.any(String) });
    expect(redirected.body.continuation_token).toBeUndefined();
    expect(mailsTo(codeOnly.email)).toBe(0);
  });

  it('answers unsupported_challenge_type, not a redirect, when the client did not offer redirect', async () => {
    const codeOnly = await createUser(t, { password: null });
    const started = ctOf(await client.initiate(codeOnly.email, { challenge_type: 'password oob' }));
    expectNativeAuthError(
      await client.challenge(started, { challenge_type: 'password' }),
      400,
      'unsupported_challenge_type',
      { errorCode: 901007 },
    );
    expect(mailsTo(codeOnly.email)).toBe(0);
    expectNativeAuthError(
      await client.initiate(codeOnly.email, { challenge_type: 'foo bar' }),
      400,
      'unsupported_challenge_type',
      { errorCode: 901007 },
    );
  });

  it('refuses grant_type=oob with a token meant for the password grant, and the password grant with a code token', async () => {
    const user = await createUser(t);
    const passwordCt = await passwordStep(client, user.email);
    expectNativeAuthError(await client.token('oob', passwordCt, { oob: '12345678' }), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    const { ct, code } = await codeSignInStep(t, client, user.email);
    expectNativeAuthError(await client.token('password', ct, { password: t.userPassword }), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    expectTokens(await client.token('oob', ct, { oob: code }));
  });

  it('refuses grant_type=oob to an app without the oob challenge type', async () => {
    const { app } = await t.registerApp({ name: 'Password-only app', challengeTypes: ['password', 'redirect'] });
    const passwordOnly = nativeClient(t.base, app.clientId);
    const user = await createUser(t);
    const { ct } = await codeSignInStep(t, client, user.email);
    expectNativeAuthError(await passwordOnly.token('oob', ct, { oob: '12345678' }), 400, 'unauthorized_client');
    const redirected = await passwordOnly.initiate(user.email, codeOffered);
    expectOk(redirected);
    expect(redirected.body.challenge_type).toBe('redirect');
    expectNativeAuthError(
      await passwordOnly.initiate(user.email, { challenge_type: 'oob' }),
      400,
      'unsupported_challenge_type',
    );
  });
});
