import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attemptPolicies } from '../../src/core/abuse/attempt-limiter.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import {
  codeSignInStep,
  createUser,
  ctOf,
  expectTokens,
  freshEmail,
  nativeClient,
  passwordSignIn,
  passwordStep,
  registerOwnAddress,
  useNativeAuthServer,
  wrongCode,
  type NativeClient,
} from './native-client.js';

interface Expected {
  userId: string | null;
}

describe.each(engines)('audit events of native auth on %s', (engine) => {
  let t: TestServer;
  let mfaClientId: string;
  useNativeAuthServer(engine, async (server) => {
    t = server;
    // Takes any address, so the audit trail of registering a backup address can be read below.
    mfaClientId = (await t.registerApp({ name: 'MFA app', requireMfa: true, mfaRegistration: 'any-address' })).app
      .clientId;
  });

  /**
   * A client whose every request carries one correlation id (`client-request-id`, as MSAL
   * sends it for a flow) and its own user agent, so the flow's events can be picked out.
   */
  function tracedClient(
    clientId = t.app.clientId,
    capabilities?: string,
  ): { client: NativeClient; correlationId: string; userAgent: string } {
    const correlationId = randomUUID();
    const userAgent = `audit-test/${correlationId.slice(0, 8)}`;
    const client = nativeClient(t.base, clientId, {
      headers: { 'client-request-id': correlationId, 'user-agent': userAgent },
      ...(capabilities ? { capabilities } : {}),
    });
    return { client, correlationId, userAgent };
  }

  /** The event types recorded under `correlationId`, oldest first, each checked for who, where and which client. */
  async function eventsOf(traced: ReturnType<typeof tracedClient>, expected: Expected): Promise<string[]> {
    const events = (await t.services.repos.audit.list({ tenantId: t.tenant.id, limit: 1000 }))
      .filter((e) => e.correlationId === traced.correlationId)
      .reverse();
    for (const event of events) {
      expect(event, event.type).toMatchObject({
        // Revoking every session of an account (a password reset does) is not one client's act.
        tenantId: t.tenant.id,
        userId: expected.userId,
        clientId: event.type === 'session.revoked' ? null : traced.client.clientId,
        ip: '127.0.0.1',
        userAgent: traced.userAgent,
        correlationId: traced.correlationId,
        createdAt: t.clock.now(),
      });
    }
    return events.map((e) => e.type);
  }

  it('records sign_up.succeeded, then sign_in.succeeded, for the new account; sign_up.code_failed before it exists', async () => {
    const traced = tracedClient();
    const email = freshEmail('audit-signup');
    const challenged = ctOf(
      await traced.client.signUpChallenge(
        ctOf(await traced.client.signUpStart(email, { password: 'a long and unusual passphrase' })),
      ),
    );
    const code = await t.mail.nextCode(email);
    expectNativeAuthError(
      await traced.client.signUpContinue(challenged, 'oob', { oob: wrongCode(code) }),
      400,
      'invalid_grant',
    );
    expect(await eventsOf(traced, { userId: null })).toEqual(['sign_up.code_failed']);

    expectTokens(
      await traced.client.token(
        'continuation_token',
        ctOf(await traced.client.signUpContinue(challenged, 'oob', { oob: code })),
      ),
    );
    const user = await t.services.repos.users.findByEmail(t.tenant.id, email);
    const all = (await t.services.repos.audit.list({ tenantId: t.tenant.id, userId: user!.id }))
      .map((e) => e.type)
      .reverse();
    expect(all).toEqual(['sign_up.succeeded', 'sign_in.succeeded']);
    const [signedIn] = await t.services.repos.audit.list({
      tenantId: t.tenant.id,
      userId: user!.id,
      type: 'sign_in.succeeded',
    });
    expect(signedIn).toMatchObject({
      correlationId: traced.correlationId,
      userAgent: traced.userAgent,
      ip: '127.0.0.1',
      clientId: t.app.clientId,
      sessionId: expect.any(String),
    });
  });

  it('records sign_in.failed for a wrong password and sign_in.succeeded for the right one', async () => {
    const user = await createUser(t);
    const traced = tracedClient();
    const ct = await passwordStep(traced.client, user.email);
    expectNativeAuthError(
      await traced.client.token('password', ct, { password: 'not the password' }),
      400,
      'invalid_grant',
    );
    expectTokens(await traced.client.token('password', ct, { password: t.userPassword }));
    expect(await eventsOf(traced, { userId: user.id })).toEqual(['sign_in.failed', 'sign_in.succeeded']);
  });

  it('records account.locked for the failure that locks the account', async () => {
    const user = await createUser(t);
    const traced = tracedClient();
    const ct = await passwordStep(traced.client, user.email);
    for (let i = 0; i < attemptPolicies.account.freeFailures; i++)
      await traced.client.token('password', ct, { password: 'not the password' });
    expect(await eventsOf(traced, { userId: user.id })).toEqual([
      ...Array<string>(attemptPolicies.account.freeFailures - 1).fill('sign_in.failed'),
      'account.locked',
    ]);
  });

  it('records sign_in.code_failed for a wrong sign-in code', async () => {
    const user = await createUser(t);
    const traced = tracedClient();
    const { ct, code } = await codeSignInStep(t, traced.client, user.email);
    await traced.client.token('oob', ct, { oob: wrongCode(code) });
    expectTokens(await traced.client.token('oob', ct, { oob: code }));
    expect(await eventsOf(traced, { userId: user.id })).toEqual(['sign_in.code_failed', 'sign_in.succeeded']);
  });

  it('records password_reset.code_failed and password_reset.succeeded', async () => {
    const user = await createUser(t);
    const traced = tracedClient();
    const challenged = ctOf(await traced.client.resetChallenge(ctOf(await traced.client.resetStart(user.email))));
    const code = await t.mail.nextCode(user.email);
    await traced.client.resetContinue(challenged, wrongCode(code));
    const verified = ctOf(await traced.client.resetContinue(challenged, code));
    ctOf(await traced.client.resetSubmit(verified, 'a brand new passphrase'));
    expect(await eventsOf(traced, { userId: user.id })).toEqual([
      'password_reset.code_failed',
      'session.revoked',
      'password_reset.succeeded',
    ]);
  });

  it('records the second factor: registration required, code failed, method registered, then required, failed, succeeded', async () => {
    const user = await createUser(t);
    const registering = tracedClient(mfaClientId, 'mfa_required registration_required');
    const required = await passwordSignIn(registering.client, user.email, t.userPassword);
    const introspected = ctOf(await registering.client.registerIntrospect(required.body.continuation_token));
    const backup = freshEmail('audit-backup');
    const challenged = ctOf(await registering.client.registerChallenge(introspected, backup));
    const code = await t.mail.nextCode(backup);
    await registering.client.registerContinue(challenged, 'oob', { oob: wrongCode(code) });
    expectTokens(
      await registering.client.token(
        'continuation_token',
        ctOf(await registering.client.registerContinue(challenged, 'oob', { oob: code })),
      ),
    );
    expect(await eventsOf(registering, { userId: user.id })).toEqual([
      'mfa.registration_required',
      'registration.code_failed',
      'mfa.method_registered',
      'sign_in.succeeded',
    ]);

    const verifying = tracedClient(mfaClientId, 'mfa_required registration_required');
    const mfaRequired = await passwordSignIn(verifying.client, user.email, t.userPassword);
    const listed = await verifying.client.introspect(mfaRequired.body.continuation_token);
    const sent = ctOf(await verifying.client.challenge(ctOf(listed), { id: listed.body.methods[0].id }));
    const mfaCode = await t.mail.nextCode(backup);
    await verifying.client.token('mfa_oob', sent, { oob: wrongCode(mfaCode) });
    expectTokens(await verifying.client.token('mfa_oob', sent, { oob: mfaCode }));
    expect(await eventsOf(verifying, { userId: user.id })).toEqual([
      'mfa.required',
      'mfa.code_failed',
      'mfa.succeeded',
      'sign_in.succeeded',
    ]);
  });

  it('records the registration of the sign-in address as mfa.method_registered', async () => {
    const user = await createUser(t);
    const traced = tracedClient(mfaClientId, 'mfa_required registration_required');
    expectTokens(await registerOwnAddress(t, traced.client, user.email, t.userPassword));
    expect(await eventsOf(traced, { userId: user.id })).toEqual([
      'mfa.registration_required',
      'mfa.method_registered',
      'sign_in.succeeded',
    ]);
  });

  it('uses a generated correlation id when the client sends none or a malformed one, and reports it back', async () => {
    for (const headers of [{}, { 'client-request-id': 'not a correlation id!' }] as Array<Record<string, string>>) {
      const res = await nativeClient(t.base, t.app.clientId, { headers }).initiate('nobody@example.com');
      expectNativeAuthError(res, 400, 'user_not_found');
      expect(res.body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-ms-request-id')).toBe(res.body.correlation_id);
    }
    const correlationId = randomUUID();
    const echoed = await nativeClient(t.base, t.app.clientId, {
      headers: { 'client-request-id': correlationId },
    }).initiate('nobody@example.com');
    expect(echoed.body.correlation_id).toBe(correlationId);
    expect(echoed.headers.get('client-request-id')).toBe(correlationId);
  });
});
