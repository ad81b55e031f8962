import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { NativeClient } from './native-client.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import {
  createUser,
  ctOf,
  expectOk,
  expectTokens,
  nativeClient,
  passwordSignIn,
  useNativeAuthServer,
  wrongCode,
} from './native-client.js';

const capabilities = 'mfa_required registration_required';

describe.each(engines)('native-auth (V1) MFA by SMS through the gateway on %s', (engine) => {
  let t: TestServer;
  let client: NativeClient;
  useNativeAuthServer(
    engine,
    async (server) => {
      t = server;
      const { app } = await t.registerApp({ name: 'Bank', requireMfa: true, mfaRegistration: 'any-address' });
      client = nativeClient(t.base, app.clientId, { capabilities });
    },
    { sms: {} },
  );

  /** A password sign-in up to register/introspect: its answer. */
  const introspected = async (email: string) => {
    const required = await passwordSignIn(client, email, t.userPassword);
    expect(required.body.suberror, JSON.stringify(required.body)).toBe('registration_required');
    return client.registerIntrospect(required.body.continuation_token);
  };

  it('registers a phone (register/introspect, challenge on the sms channel, continue with the texted code), then challenges it', async () => {
    const user = await createUser(t);
    const listed = await introspected(user.email);
    expect(listed.body.methods).toEqual([
      { id: 'email', challenge_type: 'oob', challenge_channel: 'email', login_hint: user.email },
      { id: 'sms', challenge_type: 'oob', challenge_channel: 'sms' },
    ]);
    const challenged = await client.registerChallenge(ctOf(listed), '+44 20 7946 0958', { challenge_channel: 'sms' });
    expectOk(challenged);
    const code = await t.sms!.nextCode('+442079460958');
    expect(challenged.body).toMatchObject({
      challenge_type: 'oob',
      challenge_channel: 'sms',
      challenge_target: '+442079460958',
      code_length: code.length,
    });
    expectNativeAuthError(
      await client.registerContinue(ctOf(challenged), 'oob', { oob: wrongCode(code) }),
      400,
      'invalid_grant',
      { suberror: 'invalid_oob_value' },
    );
    const registered = await client.registerContinue(ctOf(challenged), 'oob', { oob: code });
    const tokens = await client.token('continuation_token', ctOf(registered));
    expectTokens(tokens);
    expect(decodeJwt(tokens.body.id_token).amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(await t.services.repos.mfaMethods.list(user.id)).toMatchObject([{ type: 'sms', target: '+442079460958' }]);

    const mfaRequired = await passwordSignIn(client, user.email, t.userPassword);
    expect(mfaRequired.body.suberror).toBe('mfa_required');
    const methods = await client.introspect(mfaRequired.body.continuation_token);
    expect(methods.body.methods).toEqual([
      { id: expect.any(String), challenge_type: 'oob', challenge_channel: 'sms', login_hint: '+44********58' },
    ]);
    const sent = await client.challenge(ctOf(methods), { id: methods.body.methods[0].id });
    expect(sent.body).toMatchObject({
      challenge_type: 'oob',
      challenge_channel: 'sms',
      challenge_target_label: '+44********58',
    });
    expectTokens(await client.token('mfa_oob', ctOf(sent), { oob: await t.sms!.nextCode('+442079460958') }));
  });

  it('refuses a number that is not E.164 as invalid_request, texting nothing', async () => {
    const user = await createUser(t);
    const texts = t.sms!.texts.length;
    const res = await client.registerChallenge(ctOf(await introspected(user.email)), '020 7946 0958', {
      challenge_channel: 'sms',
    });
    expectNativeAuthError(res, 400, 'invalid_request');
    expect(res.body.error_description).toMatch(/E\.164/);
    expect(t.sms!.texts).toHaveLength(texts);
  });
});

describe('native-auth (V1) registration without an SMS gateway', () => {
  let t: TestServer;
  let client: NativeClient;
  useNativeAuthServer('sqlite', async (server) => {
    t = server;
    const { app } = await t.registerApp({ name: 'Bank', requireMfa: true, mfaRegistration: 'any-address' });
    client = nativeClient(t.base, app.clientId, { capabilities });
  });

  it('lists only email and refuses the sms channel', async () => {
    const user = await createUser(t);
    const required = await passwordSignIn(client, user.email, t.userPassword);
    const listed = await client.registerIntrospect(required.body.continuation_token);
    expect(listed.body.methods.map((m: { challenge_channel: string }) => m.challenge_channel)).toEqual(['email']);
    const res = await client.registerChallenge(ctOf(listed), '+442079460958', { challenge_channel: 'sms' });
    expectNativeAuthError(res, 400, 'invalid_request');
    expect(res.body.error_description).toMatch(/SMS gateway/);
  });
});
