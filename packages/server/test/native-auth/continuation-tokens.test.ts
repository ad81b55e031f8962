import { describe, expect, it } from 'vitest';
import { tenantDefaults } from '../../src/config/defaults.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { HttpResult } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';
import {
  createUser,
  ctOf,
  expectOk,
  freshEmail,
  nativeClient,
  otherTenant,
  passwordSignIn,
  passwordStep,
  useNativeAuthServer,
  type NativeClient,
} from './native-client.js';

const ttlMs = tenantDefaults.continuationTokenTtl * 1000;

describe.each(engines)('native-auth continuation tokens on %s', (engine) => {
  let t: TestServer;
  let client: NativeClient;
  let mfa: NativeClient;
  useNativeAuthServer(engine, async (server) => {
    t = server;
    client = nativeClient(t.base, t.app.clientId);
    const { app } = await t.registerApp({ name: 'MFA app', requireMfa: true });
    mfa = nativeClient(t.base, app.clientId, { capabilities: 'mfa_required registration_required' });
  });

  const signUpCt = async () =>
    ctOf(await client.signUpStart(freshEmail('ct'), { password: 'a long and unusual passphrase' }));
  const resetCt = async () => ctOf(await client.resetStart(t.user.email));
  const registrationCt = async () =>
    (await passwordSignIn(mfa, (await createUser(t)).email, t.userPassword)).body.continuation_token as string;

  /** Every endpoint that takes a continuation token, called with `ct`. */
  const everyStep = (c: NativeClient, ct: string | undefined): Array<[string, () => Promise<HttpResult>]> => [
    ['oauth2 challenge', () => c.challenge(ct)],
    ['oauth2 introspect', () => c.introspect(ct)],
    ['token password', () => c.token('password', ct, { password: t.userPassword })],
    ['token oob', () => c.token('oob', ct, { oob: '12345678' })],
    ['token mfa_oob', () => c.token('mfa_oob', ct, { oob: '12345678' })],
    ['token continuation_token', () => c.token('continuation_token', ct)],
    ['signup challenge', () => c.signUpChallenge(ct)],
    ['signup continue', () => c.signUpContinue(ct, 'oob', { oob: '12345678' })],
    ['resetpassword challenge', () => c.resetChallenge(ct)],
    ['resetpassword continue', () => c.resetContinue(ct, '12345678')],
    ['resetpassword submit', () => c.resetSubmit(ct, 'a brand new passphrase')],
    ['resetpassword poll_completion', () => c.resetPoll(ct)],
    ['register introspect', () => c.registerIntrospect(ct)],
    ['register challenge', () => c.registerChallenge(ct, t.user.email)],
    ['register continue', () => c.registerContinue(ct, 'continuation_token')],
  ];

  it('asks for a missing continuation token at every step (invalid_request)', async () => {
    for (const [name, call] of everyStep(client, undefined)) {
      const res = await call();
      expect(res.body.error, name).toBe('invalid_request');
      expectNativeAuthError(res, 400, 'invalid_request');
    }
  });

  it('refuses a token it never issued at every step (invalid_grant 55200)', async () => {
    for (const [name, call] of everyStep(client, 'not-a-token-baton-issued')) {
      const res = await call();
      expect(res.body.error, name).toBe('invalid_grant');
      expectNativeAuthError(res, 400, 'invalid_grant', { errorCode: 55200 });
    }
  });

  it("accepts each flow's token only at that flow's own endpoints", async () => {
    const tokens: Record<string, string> = {
      'sign-in': ctOf(await client.initiate(t.user.email)),
      'sign-up': await signUpCt(),
      'reset-password': await resetCt(),
      register: await registrationCt(),
    };
    const flowOfStep = (name: string) =>
      name.startsWith('signup')
        ? 'sign-up'
        : name.startsWith('resetpassword')
          ? 'reset-password'
          : name.startsWith('register')
            ? 'register'
            : name === 'oauth2 introspect' || name === 'token mfa_oob'
              ? 'mfa'
              : 'sign-in';
    for (const [flow, ct] of Object.entries(tokens)) {
      const c = flow === 'register' ? mfa : client;
      for (const [name, call] of everyStep(c, ct)) {
        if (flowOfStep(name) === flow) continue;
        const res = await call();
        expect({ flow, step: name, error: res.body.error }).toEqual({ flow, step: name, error: 'invalid_grant' });
      }
    }
    // Refused everywhere else, each token still works in its own flow.
    expect((await client.challenge(tokens['sign-in'])).body.challenge_type).toBe('password');
    expect((await client.signUpChallenge(tokens['sign-up'])).body.challenge_type).toBe('oob');
    expect((await client.resetChallenge(tokens['reset-password'])).body.challenge_type).toBe('oob');
    expectOk(await mfa.registerIntrospect(tokens.register));
  });

  it('is bound to the client that started the flow', async () => {
    const { app } = await t.registerApp({ name: 'Another app' });
    const other = nativeClient(t.base, app.clientId);
    const tokens = [ctOf(await client.initiate(t.user.email)), await signUpCt(), await resetCt()];
    expectNativeAuthError(await other.challenge(tokens[0]), 400, 'invalid_grant', { errorCode: 55200 });
    expectNativeAuthError(await other.signUpChallenge(tokens[1]), 400, 'invalid_grant', { errorCode: 55200 });
    expectNativeAuthError(await other.resetChallenge(tokens[2]), 400, 'invalid_grant', { errorCode: 55200 });
    expectOk(await client.signUpChallenge(tokens[1]));
  });

  it('is bound to the tenant that issued it', async () => {
    const elsewhere = await otherTenant(t);
    const other = nativeClient(elsewhere.base, elsewhere.app.clientId);
    expectNativeAuthError(await other.challenge(ctOf(await client.initiate(t.user.email))), 400, 'invalid_grant', {
      errorCode: 55200,
    });
    expectNativeAuthError(await other.signUpChallenge(await signUpCt()), 400, 'invalid_grant', { errorCode: 55200 });
    expectNativeAuthError(await other.resetChallenge(await resetCt()), 400, 'invalid_grant', { errorCode: 55200 });
    expectNativeAuthError(
      await nativeClient(elsewhere.base, t.app.clientId).challenge(ctOf(await client.initiate(t.user.email))),
      401,
      'invalid_client',
    );
  });

  it('answers expired_token (552003) ten minutes after it was issued, in every flow', async () => {
    const user = await createUser(t);
    const live = {
      signIn: ctOf(await client.initiate(t.user.email)),
      signUp: await signUpCt(),
      reset: await resetCt(),
      register: await registrationCt(),
      password: await passwordStep(client, user.email),
    };
    t.clock.advance!(ttlMs - 1000);
    expect((await client.challenge(live.signIn)).body.challenge_type).toBe('password');
    const signUpCodeCt = ctOf(await client.signUpChallenge(live.signUp));
    t.clock.advance!(1000);
    for (const res of [
      await client.challenge(live.signIn),
      await client.signUpChallenge(live.signUp),
      await client.resetChallenge(live.reset),
      await mfa.registerIntrospect(live.register),
      await client.token('password', live.password, { password: t.userPassword }),
    ])
      expectNativeAuthError(res, 400, 'expired_token', { errorCode: 552003 });
    expectOk(await client.signUpChallenge(signUpCodeCt));
  });

  it('cannot be kept alive past the flow deadline by stepping through the flow', async () => {
    let ct = ctOf(await client.initiate(t.user.email));
    const step = ttlMs - 60_000;
    for (let elapsed = 0; elapsed + step < tenantDefaults.maxFlowLifetime * 1000; elapsed += step) {
      t.clock.advance!(step);
      ct = ctOf(await client.challenge(ct));
    }
    t.clock.advance!(step);
    expectNativeAuthError(await client.challenge(ct), 400, 'expired_token', { errorCode: 552003 });
  });

  it('is stored only as a digest', async () => {
    const ct = await signUpCt();
    const rows = await t.server.runtime.database.db.selectFrom('continuation_tokens').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(ct);
  });
});
