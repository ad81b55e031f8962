import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { User } from '../../src/core/model.js';
import type { TestServer } from '../support/test-server.js';
import { wrongCode } from '../native-auth/native-client.js';
import { expectV2Error, useV2Server, v2Client, type V2Client } from './v2-client.js';

describe('native auth V2: MFA, with just-in-time registration and the later challenge', () => {
  let t: TestServer;
  let v2: V2Client;
  let users = 0;
  useV2Server(async (server) => {
    t = server;
    v2 = v2Client(t, (await t.registerApp({ name: 'Bank', requireMfa: true })).app.clientId);
  });

  const newUser = (): Promise<User> =>
    t.services.accounts.create(t.tenant, {
      email: `mfa${++users}@example.com`,
      password: t.userPassword,
      emailVerified: true,
    });

  /** Entry, start and the password: the answer to the proved first factor. */
  const password = async (client: V2Client, user: User) => {
    const challenged = await client.passwordChallenge(user.email);
    const res = await client.call(challenged._links.verify.href, {
      continuationToken: challenged.continuationToken,
      password: t.userPassword,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  /** The first sign-in: enroll the sign-in address, activate it with its code: proved. */
  const register = async (user: User) => {
    const enroll = await password(v2, user);
    expect(enroll).toEqual({
      continuationToken: expect.any(String),
      action: 'enroll',
      _embedded: {
        methods: [
          { type: 'email', hint: user.email, _links: { enroll: { href: '/acme/native-auth/v2/register/email' } } },
        ],
      },
    });
    const activate = await v2.call(enroll._embedded.methods[0]._links.enroll.href, {
      continuationToken: enroll.continuationToken,
      email: user.email,
    });
    expect(activate.status, JSON.stringify(activate.body)).toBe(200);
    return { activate: activate.body, code: await t.mail.nextCode(user.email) };
  };

  it('offers only the password first, singleFactor', async () => {
    const started = await v2.startSignIn((await newUser()).email);
    expect(started.body.challengeContext).toEqual({ authenticationFactor: 'singleFactor' });
    expect(started.body._embedded.methods.map((m: { id: string }) => m.id)).toEqual(['password']);
  });

  it('registers the sign-in address just in time: enroll, activate with a wrong then the right code, tokens with mfa', async () => {
    const user = await newUser();
    const { activate, code } = await register(user);
    expect(activate).toEqual({
      continuationToken: expect.any(String),
      action: 'activate',
      type: 'email',
      hint: user.email,
      codeLength: code.length,
      _links: {
        activate: { href: '/acme/native-auth/v2/register/activate' },
        resend: { href: '/acme/native-auth/v2/register/resend' },
      },
    });
    const submit = (otp: string) =>
      v2.call(activate._links.activate.href, { continuationToken: activate.continuationToken, otp });
    expectV2Error(await submit(wrongCode(code)), 400, 'invalidGrant', 'invalidOneTimeCode');
    const proved = await submit(code);
    expect(proved.body.state, JSON.stringify(proved.body)).toBe('continue');
    const tokens = await v2.redeem(proved.body);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(decodeJwt(tokens.body.id_token).amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(await t.services.repos.mfaMethods.list(user.id)).toHaveLength(1);
  });

  it('registers only the sign-in address unless the app takes any address', async () => {
    const user = await newUser();
    const enroll = await password(v2, user);
    expectV2Error(
      await v2.call(enroll._embedded.methods[0]._links.enroll.href, {
        continuationToken: enroll.continuationToken,
        email: 'elsewhere@example.com',
      }),
      400,
      'invalidRequest',
    );
    expect(await t.services.repos.mfaMethods.list(user.id)).toHaveLength(0);
  });

  it('refuses a phone registration with a clear V2 error: SMS is not available', async () => {
    const user = await newUser();
    const enroll = await password(v2, user);
    const res = await v2.call('/acme/native-auth/v2/register/phone', {
      continuationToken: enroll.continuationToken,
      phoneNumber: '+15555550100',
      channel: 'sms',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unsupportedChallengeType');
    expect(res.body.error.message).toMatch(/SMS/);
  });

  it('offers no phone to register without an SMS gateway, even to an app that takes any method', async () => {
    const anyAddress = v2Client(
      t,
      (await t.registerApp({ name: 'Any', requireMfa: true, mfaRegistration: 'any-address' })).app.clientId,
    );
    const user = await newUser();
    const enroll = await password(anyAddress, user);
    expect(enroll._embedded.methods.map((m: { type: string }) => m.type)).toEqual(['email']);
    const res = await anyAddress.call('/acme/native-auth/v2/register/phone', {
      continuationToken: enroll.continuationToken,
      phoneNumber: '+15555550100',
      channel: 'sms',
    });
    expectV2Error(res, 400, 'unsupportedChallengeType');
    expect(await t.services.repos.mfaMethods.list(user.id)).toEqual([]);
  });

  it('asks a registered user for the second factor (multiFactor), a wrong then the right code', async () => {
    const user = await newUser();
    const first = await register(user);
    const firstProved = await v2.call(first.activate._links.activate.href, {
      continuationToken: first.activate.continuationToken,
      otp: first.code,
    });
    expect(firstProved.body.state).toBe('continue');

    const challenge = await password(v2, user);
    expect(challenge).toMatchObject({
      action: 'challenge',
      challengeContext: { authenticationFactor: 'multiFactor' },
      _embedded: { methods: [{ id: expect.any(String), type: 'email', hint: expect.stringContaining('@') }] },
    });
    const method = challenge._embedded.methods[0];
    expect(method._links.challenge.href).toBe(`/acme/native-auth/v2/mfa/methods/${method.id}/challenge`);
    const sent = await v2.call(method._links.challenge.href, { continuationToken: challenge.continuationToken });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body).toMatchObject({
      action: 'verify',
      type: 'email',
      _links: { verify: { href: '/acme/native-auth/v2/mfa/verify' } },
    });
    const code = await t.mail.nextCode(user.email);
    const verify = (otp: string) =>
      v2.call(sent.body._links.verify.href, { continuationToken: sent.body.continuationToken, otp });
    expectV2Error(await verify(wrongCode(code)), 400, 'invalidGrant', 'invalidOneTimeCode');
    const proved = await verify(code);
    expect(proved.body.state, JSON.stringify(proved.body)).toBe('continue');
    const tokens = await v2.redeem(proved.body);
    expect(decodeJwt(tokens.body.id_token).amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('refuses an email-code sign-in on an MFA app', async () => {
    const user = await newUser();
    const started = await v2.startSignIn(user.email);
    expectV2Error(
      await v2.call('/acme/native-auth/v2/sign-in/methods/email/challenge', {
        continuationToken: started.body.continuationToken,
      }),
      400,
      'unsupportedChallengeType',
    );
  });

  it('answers the registration resend link with the activate step again', async () => {
    const user = await newUser();
    const { activate, code } = await register(user);
    const resent = await v2.call(activate._links.resend.href, { continuationToken: activate.continuationToken });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect(resent.body).toMatchObject({ action: 'activate', hint: user.email });
    const proved = await v2.call(resent.body._links.activate.href, {
      continuationToken: resent.body.continuationToken,
      otp: code,
    });
    expect(proved.body.state).toBe('continue');
  });

  it('asks for the second factor after a password reset, before the finish', async () => {
    const user = await newUser();
    const first = await register(user);
    await v2.call(first.activate._links.activate.href, {
      continuationToken: first.activate.continuationToken,
      otp: first.code,
    });
    const entered = await v2.entry();
    const started = await v2.call(entered.body.reset_password, {
      continuationToken: entered.body.continuation_token,
      username: user.email,
    });
    const challenged = await v2.call(started.body._embedded.methods[0]._links.challenge.href, {
      continuationToken: started.body.continuationToken,
    });
    const verified = await v2.call(challenged.body._links.verify.href, {
      continuationToken: challenged.body.continuationToken,
      otp: await t.mail.nextCode(user.email),
    });
    const updated = await v2.call(
      verified.body._links.update.href,
      { continuationToken: verified.body.continuationToken, newPassword: 'a brand new passphrase' },
      'PUT',
    );
    const polled = await v2.call(updated.body._links.poll.href, { continuationToken: updated.body.continuationToken });
    expect(polled.body, JSON.stringify(polled.body)).toMatchObject({
      action: 'challenge',
      challengeContext: { authenticationFactor: 'multiFactor' },
    });
    const sent = await v2.call(polled.body._embedded.methods[0]._links.challenge.href, {
      continuationToken: polled.body.continuationToken,
    });
    const proved = await v2.call(sent.body._links.verify.href, {
      continuationToken: sent.body.continuationToken,
      otp: await t.mail.nextCode(user.email),
    });
    expect(proved.body.state).toBe('continue');
    expect((await v2.redeem(proved.body)).status).toBe(200);
  });
});
