import { describe, expect, it } from 'vitest';
import type { User } from '../../src/core/model.js';
import type { TestServer } from '../support/test-server.js';
import { wrongCode } from '../native-auth/native-client.js';
import { expectV2Error, useV2Server, v2Client, type V2Client } from './v2-client.js';

describe('native auth V2: password reset', () => {
  let t: TestServer;
  let v2: V2Client;
  let users = 0;
  useV2Server(async (server) => {
    t = server;
    v2 = v2Client(t);
  });

  const newUser = (): Promise<User> =>
    t.services.accounts.create(t.tenant, {
      email: `reset${++users}@example.com`,
      password: t.userPassword,
      emailVerified: true,
    });

  /** Entry, the reset_password link, the email challenge and the code: the update answer. */
  const throughCode = async (user: User) => {
    const entered = await v2.entry();
    const started = await v2.call(entered.body.reset_password, {
      continuationToken: entered.body.continuation_token,
      username: user.email,
    });
    expect(started.body).toEqual({
      continuationToken: expect.any(String),
      action: 'challenge',
      challengeContext: { authenticationFactor: 'singleFactor' },
      _embedded: {
        methods: [
          {
            id: 'email',
            type: 'email',
            _links: { challenge: { href: '/acme/native-auth/v2/reset-password/challenge' } },
          },
        ],
      },
    });
    const challenged = await v2.call(started.body._embedded.methods[0]._links.challenge.href, {
      continuationToken: started.body.continuationToken,
    });
    expect(challenged.body).toMatchObject({ action: 'verify', type: 'email', _links: { verify: expect.any(Object) } });
    const code = await t.mail.nextCode(user.email);
    const verify = (otp: string) =>
      v2.call(challenged.body._links.verify.href, { continuationToken: challenged.body.continuationToken, otp });
    expectV2Error(await verify(wrongCode(code)), 400, 'invalidGrant', 'invalidOneTimeCode');
    const verified = await verify(code);
    expect(verified.body).toEqual({
      continuationToken: expect.any(String),
      action: 'update',
      _links: { update: { href: '/acme/native-auth/v2/reset-password/password' } },
    });
    return verified.body;
  };

  it('updates the password with PUT, refusing a weak one first; the first poll continues; the old password fails', async () => {
    const user = await newUser();
    const update = await throughCode(user);
    const put = (newPassword: string) =>
      v2.call(update._links.update.href, { continuationToken: update.continuationToken, newPassword }, 'PUT');
    expectV2Error(await put('password'), 400, 'invalidRequest', 'passwordBanned');
    const updated = await put('a brand new passphrase');
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({
      continuationToken: expect.any(String),
      _links: { poll: { href: '/acme/native-auth/v2/reset-password/poll' } },
    });
    const polled = await v2.call(updated.body._links.poll.href, { continuationToken: updated.body.continuationToken });
    expect(polled.body).toMatchObject({
      state: 'continue',
      _links: { continue: { href: '/acme/oauth2/v2.0/authorize-challenge' } },
    });
    expect((await v2.redeem(polled.body)).status).toBe(200);

    const oldPassword = await v2.passwordChallenge(user.email);
    expectV2Error(
      await v2.call(oldPassword._links.verify.href, {
        continuationToken: oldPassword.continuationToken,
        password: t.userPassword,
      }),
      400,
      'invalidGrant',
      'invalidUserNameOrPassword',
    );
  });

  it('refuses POST on the update link and an unknown user at start', async () => {
    const user = await newUser();
    const update = await throughCode(user);
    const post = await v2.call(update._links.update.href, {
      continuationToken: update.continuationToken,
      newPassword: 'a brand new passphrase',
    });
    expectV2Error(post, 405, 'methodNotAllowed');
    const entered = await v2.entry();
    expectV2Error(
      await v2.call(entered.body.reset_password, {
        continuationToken: entered.body.continuation_token,
        username: 'nobody@example.com',
      }),
      400,
      'invalidRequest',
      'userNotFound',
    );
  });
});
