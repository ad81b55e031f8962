import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { wrongCode } from '../native-auth/native-client.js';
import { expectV2Error, useV2Server, v2Client, type V2Client } from './v2-client.js';

describe('native auth V2: sign-up', () => {
  let t: TestServer;
  let v2: V2Client;
  let loyalty: V2Client;
  let bank: V2Client;
  let people = 0;
  const newEmail = () => `new${++people}@example.com`;
  useV2Server(async (server) => {
    t = server;
    v2 = v2Client(t);
    const loyaltyApp = await t.registerApp({
      name: 'Loyalty',
      userAttributes: [{ name: 'memberNumber', type: 'string', required: true, regex: '^[0-9]{4}$' }],
    });
    loyalty = v2Client(t, loyaltyApp.app.clientId);
    bank = v2Client(t, (await t.registerApp({ name: 'Bank', requireMfa: true })).app.clientId);
  });

  /** Entry, the sign_up link and the code: the answer to the code. */
  const throughCode = async (client: V2Client, email: string) => {
    const entered = await client.entry();
    const started = await client.call(entered.body.sign_up, {
      continuationToken: entered.body.continuation_token,
      username: email,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const code = await t.mail.nextCode(email);
    expect(started.body).toEqual({
      continuationToken: expect.any(String),
      action: 'verify',
      type: 'email',
      hint: expect.stringContaining('@'),
      codeLength: code.length,
      interval: expect.any(Number),
      _links: {
        verify: { href: '/acme/native-auth/v2/sign-up/verify' },
        resend: { href: '/acme/native-auth/v2/sign-up/challenge' },
      },
    });
    const verify = (otp: string) =>
      client.call(started.body._links.verify.href, { continuationToken: started.body.continuationToken, otp });
    expectV2Error(await verify(wrongCode(code)), 400, 'invalidGrant', 'invalidOneTimeCode');
    const verified = await verify(code);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    return verified.body;
  };

  it('asks for the password as the attribute password, refuses a weak one on the same token, then signs in', async () => {
    const email = newEmail();
    const verified = await throughCode(v2, email);
    expect(verified).toEqual({
      continuationToken: expect.any(String),
      action: 'collectAttributes',
      attributes: [{ attributeId: 'password', inputType: 'password', required: true }],
      _links: { submitAttributes: { href: '/acme/native-auth/v2/sign-up/attributes' } },
    });
    const submit = (attributes: Record<string, unknown>) =>
      v2.call(verified._links.submitAttributes.href, { continuationToken: verified.continuationToken, attributes });
    expectV2Error(await submit({ password: 'password' }), 400, 'invalidRequest', 'passwordBanned');
    const created = await submit({ password: 'a much better passphrase', displayName: 'New Person' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.state).toBe('continue');
    const tokens = await v2.redeem(created.body);
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.id_token).preferred_username).toBe(email);
    const user = await t.services.accounts.findByEmail(t.tenant, email);
    expect(user?.displayName).toBe('New Person');
  });

  it("takes the app's attributes before the password, then asks only for what is still missing, never email", async () => {
    const email = newEmail();
    const verified = await throughCode(loyalty, email);
    const first = await loyalty.call(verified._links.submitAttributes.href, {
      continuationToken: verified.continuationToken,
      attributes: { displayName: 'Loyal Member', email },
    });
    expect(first.body).toMatchObject({
      action: 'collectAttributes',
      attributes: [{ attributeId: 'password' }],
    });
    const second = await loyalty.call(first.body._links.submitAttributes.href, {
      continuationToken: first.body.continuationToken,
      attributes: { password: 'a much better passphrase' },
    });
    expect(second.body).toMatchObject({
      action: 'collectAttributes',
      attributes: [{ attributeId: 'memberNumber', required: true }],
    });
    const refused = await loyalty.call(second.body._links.submitAttributes.href, {
      continuationToken: second.body.continuationToken,
      attributes: { memberNumber: 'abc' },
    });
    expectV2Error(refused, 400, 'invalidRequest', 'attributeValidationError');
    expect(refused.body.error.innerError.details).toEqual([
      { code: 'attributeValidationFailed', attributeIds: ['memberNumber'], message: expect.any(String) },
    ]);
    const created = await loyalty.call(second.body._links.submitAttributes.href, {
      continuationToken: second.body.continuationToken,
      attributes: { memberNumber: '1234' },
    });
    expect(created.body.state, JSON.stringify(created.body)).toBe('continue');
    const user = await t.services.accounts.findByEmail(t.tenant, email);
    expect(user?.attributes).toMatchObject({ displayName: 'Loyal Member', memberNumber: '1234' });
  });

  it('answers an address that has an account with the sign-in challenge (MSAL’s existing-account path)', async () => {
    const entered = await v2.entry();
    const res = await v2.call(entered.body.sign_up, {
      continuationToken: entered.body.continuation_token,
      username: t.user.email.toUpperCase(),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      action: 'challenge',
      challengeContext: { authenticationFactor: 'singleFactor' },
      _embedded: { methods: [{ id: 'password' }, { id: 'email' }] },
    });
    const challenged = await v2.call(res.body._embedded.methods[0]._links.challenge.href, {
      continuationToken: res.body.continuationToken,
    });
    const proved = await v2.call(challenged.body._links.verify.href, {
      continuationToken: challenged.body.continuationToken,
      password: t.userPassword,
    });
    expect(proved.body.state).toBe('continue');
    expect(t.mail.messages.filter((m) => m.to.includes(t.user.email))).toHaveLength(0);
  });

  it('on an MFA app, asks the new account to register its second factor with a code before the finish', async () => {
    const email = newEmail();
    const verified = await throughCode(bank, email);
    const created = await bank.call(verified._links.submitAttributes.href, {
      continuationToken: verified.continuationToken,
      attributes: { password: 'a much better passphrase' },
    });
    expect(created.body).toMatchObject({ action: 'enroll', _embedded: { methods: [{ type: 'email' }] } });
    const activate = await bank.call(created.body._embedded.methods[0]._links.enroll.href, {
      continuationToken: created.body.continuationToken,
      email,
    });
    expect(activate.body.action, JSON.stringify(activate.body)).toBe('activate');
    const proved = await bank.call(activate.body._links.activate.href, {
      continuationToken: activate.body.continuationToken,
      otp: await t.mail.nextCode(email),
    });
    expect(proved.body.state, JSON.stringify(proved.body)).toBe('continue');
    const tokens = await bank.redeem(proved.body);
    expect(decodeJwt(tokens.body.id_token).amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
  });
});
