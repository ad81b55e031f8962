import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CustomAuthApiClientV2 } from '../../../../node_modules/@azure/msal-browser/types/custom_auth/core/network_client/custom_auth_api/v2/CustomAuthApiClientV2.js';
import { wrongCode } from '../native-auth/native-client.js';
import type { TestServer } from '../support/test-server.js';
import { useV2Server } from './v2-client.js';

/**
 * MSAL 5.31's own V2 network client (the pinned dev dependency; not a public export, so
 * loaded by path): what its browser journeys send, and its own parsing of every answer.
 * The browser journeys themselves run in e2e/msal.
 */
const msalV2 =
  '../../../../node_modules/@azure/msal-browser/dist/custom_auth/core/network_client/custom_auth_api/v2/CustomAuthApiClientV2.mjs';
const { CustomAuthApiClientV2: MsalClient } = (await import(msalV2)) as {
  CustomAuthApiClientV2: typeof CustomAuthApiClientV2;
};

type Context = Parameters<CustomAuthApiClientV2['signInStart']>[2];

/** MSAL's IHttpClient over Node's fetch (its own FetchHttpClient is the browser's). */
const httpClient: ConstructorParameters<typeof CustomAuthApiClientV2>[2] = {
  sendAsync: (url, options) => fetch(url, options),
  post: (url, body, headers) => fetch(url, { method: 'POST', body, ...(headers ? { headers } : {}) }),
  get: (url, headers) => fetch(url, headers ? { headers } : {}),
};
const context = () =>
  ({
    correlationId: randomUUID(),
    telemetryManager: { generateCurrentRequestHeaderValue: () => '', generateLastRequestHeaderValue: () => '' },
  }) as unknown as Context;

/** What MSAL's client throws for an error answer: the fields its app-side checks read. */
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected an error answer');
    },
    (error: { error: string; innerErrorCode?: string; subError?: string }) => error,
  );

describe("native auth V2 through MSAL 5.31's own V2 network client", () => {
  let t: TestServer;
  let bankClientId: string;
  useV2Server(async (server) => {
    t = server;
    bankClientId = (await t.registerApp({ name: 'Bank', requireMfa: true })).app.clientId;
  });
  const scopes = ['openid', 'profile', 'offline_access'];
  const msal = (clientId = t.app.clientId) => new MsalClient(t.base, clientId, httpClient);

  /** A code method's challenge, then its verify with the code mailed to `email`. */
  async function proveWithCode(
    client: CustomAuthApiClientV2,
    ctx: Context,
    method: { challengeHref: string },
    continuationToken: string,
    email: string,
  ) {
    const sent = await client.requestChallenge(method.challengeHref, { continuationToken }, ctx);
    if (sent.nextAction !== 'verify') throw new Error(sent.nextAction);
    return client.verifyChallenge(
      sent.verifyHref,
      { continuationToken: sent.continuationToken, otp: await t.mail.nextCode(email) },
      ctx,
    );
  }

  it('signs in with a wrong then the right password and redeems the code', async () => {
    const client = msal();
    const ctx = context();
    const entry = await client.authorizeChallengeStart(ctx, scopes);
    const start = await client.signInStart(
      entry.signInHref!,
      { continuationToken: entry.continuationToken, username: t.user.email },
      ctx,
    );
    expect(start.authenticationFactor).toBe('singleFactor');
    const password = start.methods.find((m) => m.type === 'password')!;
    const challenge = await client.requestChallenge(
      password.challengeHref,
      { continuationToken: start.continuationToken },
      ctx,
    );
    if (challenge.nextAction !== 'verify') throw new Error(challenge.nextAction);
    const verify = (value: string) =>
      client.verifyChallenge(
        challenge.verifyHref,
        { continuationToken: challenge.continuationToken, password: value },
        ctx,
      );
    expect(await refusal(verify('not the password'))).toMatchObject({
      error: 'invalidGrant',
      innerErrorCode: 'invalidUserNameOrPassword',
    });
    const verified = await verify(t.userPassword);
    if (verified.nextAction !== 'continue') throw new Error(verified.nextAction);
    const tokens = await client.completeWithTokens(
      { continuationToken: verified.continuationToken, continueHref: verified.continueHref },
      ctx,
    );
    expect(tokens).toMatchObject({
      access_token: expect.any(String),
      id_token: expect.any(String),
      refresh_token: expect.any(String),
      client_info: expect.any(String),
    });
  });

  it('signs up: the code, the password as an attribute, then tokens', async () => {
    const client = msal();
    const ctx = context();
    const email = `msal-${randomUUID().slice(0, 8)}@example.com`;
    const entry = await client.authorizeChallengeStart(ctx, scopes);
    const start = await client.signUpStart(
      entry.signUpHref!,
      { continuationToken: entry.continuationToken, username: email },
      ctx,
    );
    if (start.nextAction !== 'verify') throw new Error(start.nextAction);
    const code = await t.mail.nextCode(email);
    expect(start.codeLength).toBe(code.length);
    const verify = (otp: string) =>
      client.verifyChallenge(start.verifyHref, { continuationToken: start.continuationToken, otp }, ctx);
    expect(await refusal(verify(wrongCode(code)))).toMatchObject({
      error: 'invalidGrant',
      innerErrorCode: 'invalidOneTimeCode',
    });
    const verified = await verify(code);
    if (verified.nextAction !== 'collectAttributes') throw new Error(verified.nextAction);
    expect(verified.attributes.map((a) => a.attributeId)).toEqual(['password']);
    const submit = (password: string) =>
      client.submitSignUpAttributes(
        verified.submitAttributesHref,
        { continuationToken: verified.continuationToken, attributes: { password, displayName: 'Via MSAL' } },
        ctx,
      );
    expect(await refusal(submit('password'))).toMatchObject({
      error: 'invalidRequest',
      innerErrorCode: 'passwordBanned',
    });
    const created = await submit('a much better passphrase');
    if (created.nextAction !== 'continue') throw new Error(created.nextAction);
    const tokens = await client.completeWithTokens(
      { continuationToken: created.continuationToken, continueHref: created.continueHref },
      ctx,
    );
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('resets a password: code, PUT update, a poll that continues at once', async () => {
    const client = msal();
    const ctx = context();
    const user = await t.services.accounts.create(t.tenant, {
      email: `reset-${randomUUID().slice(0, 8)}@example.com`,
      password: t.userPassword,
      emailVerified: true,
    });
    const entry = await client.authorizeChallengeStart(ctx, scopes);
    const start = await client.resetPasswordStart(
      entry.resetPasswordHref!,
      { continuationToken: entry.continuationToken, username: user.email },
      ctx,
    );
    const verified = await proveWithCode(client, ctx, start.methods[0]!, start.continuationToken, user.email);
    if (verified.nextAction !== 'update') throw new Error(verified.nextAction);
    const updated = await client.submitNewPassword(
      verified.updateHref,
      { continuationToken: verified.continuationToken, newPassword: 'a brand new passphrase' },
      ctx,
    );
    const polled = await client.poll(updated.pollHref, { continuationToken: updated.continuationToken }, ctx);
    if (polled.nextAction !== 'continue') throw new Error(polled.nextAction);
    const tokens = await client.completeWithTokens(
      { continuationToken: polled.continuationToken, continueHref: polled.continueHref },
      ctx,
    );
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('registers a second factor just in time, then asks for it (multiFactor) at the next sign-in', async () => {
    const client = msal(bankClientId);
    const user = await t.services.accounts.create(t.tenant, {
      email: `bank-${randomUUID().slice(0, 8)}@example.com`,
      password: t.userPassword,
      emailVerified: true,
    });
    const passwordSignIn = async (ctx: Context) => {
      const entry = await client.authorizeChallengeStart(ctx, scopes);
      const start = await client.signInStart(
        entry.signInHref!,
        { continuationToken: entry.continuationToken, username: user.email },
        ctx,
      );
      const challenge = await client.requestChallenge(
        start.methods[0]!.challengeHref,
        { continuationToken: start.continuationToken },
        ctx,
      );
      if (challenge.nextAction !== 'verify') throw new Error(challenge.nextAction);
      return client.verifyChallenge(
        challenge.verifyHref,
        { continuationToken: challenge.continuationToken, password: t.userPassword },
        ctx,
      );
    };

    const first = context();
    const enroll = await passwordSignIn(first);
    if (enroll.nextAction !== 'enroll') throw new Error(enroll.nextAction);
    const activation = await client.enrollAuthMethod(
      enroll.methods[0]!.enrollHref,
      { continuationToken: enroll.continuationToken, email: user.email },
      first,
    );
    const activated = await client.activateAuthMethod(
      activation.activateHref,
      { continuationToken: activation.continuationToken, otp: await t.mail.nextCode(user.email) },
      first,
    );
    await client.completeWithTokens(
      { continuationToken: activated.continuationToken, continueHref: activated.continueHref },
      first,
    );

    const second = context();
    const mfa = await passwordSignIn(second);
    if (mfa.nextAction !== 'challenge') throw new Error(mfa.nextAction);
    expect(mfa.authenticationFactor).toBe('multiFactor');
    const proved = await proveWithCode(client, second, mfa.methods[0]!, mfa.continuationToken, user.email);
    if (proved.nextAction !== 'continue') throw new Error(proved.nextAction);
    const tokens = await client.completeWithTokens(
      { continuationToken: proved.continuationToken, continueHref: proved.continueHref },
      second,
    );
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  it('reads an unknown user as userNotFound', async () => {
    const client = msal();
    const ctx = context();
    const entry = await client.authorizeChallengeStart(ctx, scopes);
    expect(
      await refusal(
        client.signInStart(
          entry.signInHref!,
          { continuationToken: entry.continuationToken, username: 'nobody@example.com' },
          ctx,
        ),
      ),
    ).toMatchObject({ error: 'invalidRequest', innerErrorCode: 'userNotFound' });
  });
});
