import { beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../credentials/password-hasher.js';
import type { App, Tenant, User } from '../model.js';
import { continuationOf, expectFlowStep, expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices, testClient, testContext } from '../testing/in-memory-services.js';
import { wrongCode } from '../testing/mail-outbox.js';

const address = 'ada@example.com';
const oldPassword = 'violet-lantern-1815';
const newPassword = 'copper-harbour-1843';

describe('PasswordReset', () => {
  let harness: DomainHarness;
  let tenant: Tenant;
  let app: App;
  let user: User;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant, app } = await harness.tenantWithApp());
    user = await harness.user(tenant, address, oldPassword);
  });

  const reset = () => harness.services.passwordReset;
  /** A reset up to the point where the code was accepted: the token `submit` takes. */
  async function verifiedReset(at = app): Promise<string> {
    const started = await reset().start(tenant, at, {
      username: address,
      challengeType: 'oob redirect',
      capabilities: 'mfa_required registration_required',
      client: testClient,
    });
    const challenged = await reset().challenge(tenant, at, {
      continuationToken: continuationOf(started),
      challengeType: 'oob redirect',
    });
    return reset().continue(tenant, at, {
      continuationToken: continuationOf(challenged),
      grantType: 'oob',
      code: harness.outbox.lastCodeTo(address),
      context: testContext,
    });
  }
  const submit = (continuationToken: string, password: string) =>
    reset().submit(tenant, app, { continuationToken, newPassword: password, context: testContext });
  const storedHash = async () => (await harness.repos.users.findPasswordHash(user.id))!;

  it('sets the new password, signs the account out everywhere and ends the flows begun before', async () => {
    const session = await harness.services.sessions.open({
      tenant,
      app,
      user,
      amr: ['pwd'],
      scope: 'openid',
      device: { name: 'Phone', platform: 'ios', kind: 'primary' },
    });
    const pendingSignIn = continuationOf(
      await harness.services.nativeSignIn.initiate(tenant, app, {
        username: address,
        challengeType: 'password',
        capabilities: undefined,
        client: testClient,
      }),
    );
    const { continuationToken, pollInterval } = await submit(await verifiedReset(), newPassword);
    expect(pollInterval).toBe(1);
    expect(await verifyPassword(await storedHash(), newPassword)).toBe(true);
    expect(harness.db.sessions.get(session.session.id)).toMatchObject({ revokedReason: 'password_reset' });
    await expectRejection(
      harness.services.continuations.read(tenant, app, ['sign-in'], pendingSignIn),
      'invalid_continuation_token',
      /not valid/,
    );
    const [event] = await harness.repos.audit.list({ tenantId: tenant.id, type: 'password_reset.succeeded' });
    expect(event?.data).toEqual({ sessionsRevoked: 1 });

    const polled = await reset().poll(tenant, app, continuationToken);
    expect(polled.status).toBe('succeeded');
    await expectRejection(reset().poll(tenant, app, continuationToken), 'invalid_continuation_token');
  });

  it('refuses the current password and a breached one, leaving the step open for another try', async () => {
    const verified = await verifiedReset();
    await expectRejection(submit(verified, oldPassword), 'password_reused', /differ from the current one/);
    await expectRejection(submit(verified, 'password'), 'password_banned', /too common/);
    expect(await verifyPassword(await storedHash(), oldPassword)).toBe(true);
    await submit(verified, newPassword);
  });

  it('takes no step out of order, and a wrong code leaves the code step open', async () => {
    const started = continuationOf(
      await reset().start(tenant, app, {
        username: address,
        challengeType: 'oob',
        capabilities: undefined,
        client: testClient,
      }),
    );
    await expectRejection(submit(started, newPassword), 'invalid_continuation_token', /not for this step/);
    const codeSent = continuationOf(
      await reset().challenge(tenant, app, { continuationToken: started, challengeType: 'oob' }),
    );
    const code = harness.outbox.lastCodeTo(address);
    const answer = (attempt: string) =>
      reset().continue(tenant, app, {
        continuationToken: codeSent,
        grantType: 'oob',
        code: attempt,
        context: testContext,
      });
    await expectRejection(answer(wrongCode(code)), 'invalid_code', /wrong/);
    await submit(await answer(code), newPassword);
  });

  it('hands over a sign-in in which the reset code is no second factor', async () => {
    const { app: mfaApp } = await harness.services.apps.register(tenant, { name: 'Bank', requireMfa: true });
    await harness.addMethod(user, address);
    const verified = await verifiedReset(mfaApp);
    const { continuationToken } = await reset().submit(tenant, mfaApp, {
      continuationToken: verified,
      newPassword,
      context: testContext,
    });
    const polled = await reset().poll(tenant, mfaApp, continuationToken);
    const signIn = harness.services.nativeSignIn.signInWithContinuation(tenant, mfaApp, {
      continuationToken: polled.continuationToken,
      username: address,
      scope: [],
      device: { name: 'Phone', platform: 'ios' },
      context: testContext,
    });
    await expectFlowStep(signIn, 'mfa_required');
    expect(harness.db.sessions.where((session) => session.userId === user.id)).toEqual([]);
  });
});
