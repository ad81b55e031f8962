import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { wrongCode } from '../native-auth/native-client.js';
import { expectV2Error, useV2Server, v2Client, type V2Client } from './v2-client.js';

describe('native auth V2: email-code sign-in', () => {
  let t: TestServer;
  let v2: V2Client;
  useV2Server(async (server) => {
    t = server;
    v2 = v2Client(t);
  });

  /** Start and the email method's challenge: the verify answer, and the code mailed. */
  const emailChallenge = async () => {
    const started = await v2.startSignIn();
    const method = started.body._embedded.methods.find((m: { type: string }) => m.type === 'email');
    const challenged = await v2.call(method._links.challenge.href, {
      continuationToken: started.body.continuationToken,
    });
    expect(challenged.status, JSON.stringify(challenged.body)).toBe(200);
    return { challenged: challenged.body, code: await t.mail.nextCode(t.user.email) };
  };

  it('sends a code, refuses a wrong one on the same token, signs in with the right one', async () => {
    const { challenged, code } = await emailChallenge();
    expect(challenged).toEqual({
      continuationToken: expect.any(String),
      action: 'verify',
      id: 'email',
      type: 'email',
      hint: expect.stringContaining('@'),
      codeLength: code.length,
      interval: expect.any(Number),
      _links: {
        verify: { href: '/acme/native-auth/v2/sign-in/methods/email/verify' },
        resend: { href: '/acme/native-auth/v2/sign-in/methods/email/challenge' },
      },
    });
    const verify = (otp: string) =>
      v2.call(challenged._links.verify.href, { continuationToken: challenged.continuationToken, otp });
    expectV2Error(await verify(wrongCode(code)), 400, 'invalidGrant', 'invalidOneTimeCode');
    const proved = await verify(code);
    expect(proved.body.state, JSON.stringify(proved.body)).toBe('continue');
    const tokens = await v2.redeem(proved.body);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(decodeJwt(tokens.body.id_token).amr).toEqual(['otp']);
  });

  it('answers the resend link with a verify step; within the resend interval the code sent stays the one to enter', async () => {
    const { challenged, code } = await emailChallenge();
    const resent = await v2.call(challenged._links.resend.href, { continuationToken: challenged.continuationToken });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(resent.body.action).toBe('verify');
    const proved = await v2.call(resent.body._links.verify.href, {
      continuationToken: resent.body.continuationToken,
      otp: code,
    });
    expect(proved.body.state).toBe('continue');
  });

  it('refuses a password at the code method and a code at the password method', async () => {
    const { challenged } = await emailChallenge();
    expectV2Error(
      await v2.call('/acme/native-auth/v2/sign-in/methods/password/verify', {
        continuationToken: challenged.continuationToken,
        password: t.userPassword,
      }),
      400,
      'invalidGrant',
      'invalidContinuationToken',
    );
  });
});
