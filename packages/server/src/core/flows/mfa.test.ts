import { beforeEach, describe, expect, it } from 'vitest';
import type { App, MfaRegistration, Tenant, User } from '../model.js';
import { continuationOf, expectFlowStep, expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices, testClient, testContext } from '../testing/in-memory-services.js';
import { wrongCode } from '../testing/mail-outbox.js';

const address = 'ada@example.com';
const backup = 'ada.backup@example.com';
const password = 'violet-lantern-1815';
const device = { name: 'Phone', platform: 'ios' };

describe('SecondFactor', () => {
  let harness: DomainHarness;
  let tenant: Tenant;
  let user: User;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant } = await harness.tenantWithApp());
    user = await harness.user(tenant, address, password);
  });

  const mfa = () => harness.services.secondFactor;
  const mfaApp = async (mfaRegistration: MfaRegistration = 'own-address') =>
    (await harness.services.apps.register(tenant, { name: 'Bank', requireMfa: true, mfaRegistration })).app;
  /** A native password sign-in, up to the step the app's MFA rule stops it at. */
  async function signInWithPassword(app: App) {
    const signIn = harness.services.nativeSignIn;
    const initiated = await signIn.initiate(tenant, app, {
      username: address,
      challengeType: 'password oob redirect',
      capabilities: 'mfa_required registration_required',
      client: testClient,
    });
    const challenged = await signIn.challenge(tenant, app, {
      continuationToken: continuationOf(initiated),
      challengeType: 'password oob redirect',
    });
    return signIn.signInWithPassword(tenant, app, {
      continuationToken: continuationOf(challenged),
      password,
      scope: [],
      device,
      context: testContext,
    });
  }
  const registerAddress = (app: App, continuationToken: string, target: string) =>
    mfa().registrationChallenge(tenant, app, { continuationToken, challengeType: 'oob', target, channel: 'email' });
  const sessions = () => harness.db.sessions.where((session) => session.userId === user.id);

  it('verifies a registered method with a code, a wrong one first, and then signs in with two factors', async () => {
    const app = await mfaApp();
    const method = await harness.addMethod(user, backup);
    const required = await expectFlowStep(signInWithPassword(app), 'mfa_required');
    const challenged = await mfa().challenge(tenant, app, {
      continuationToken: required,
      challengeType: 'oob',
      methodId: method.id,
    });
    const code = harness.outbox.lastCodeTo(backup);
    const verify = (attempt: string) =>
      mfa().verify(tenant, app, {
        continuationToken: continuationOf(challenged),
        code: attempt,
        scope: [],
        device,
        context: testContext,
      });
    await expectRejection(verify(wrongCode(code)), 'invalid_code', /wrong/);
    expect(sessions()).toEqual([]);
    await verify(code);
    expect(sessions()).toMatchObject([{ clientId: app.clientId, amr: ['pwd', 'otp', 'mfa'] }]);
  });

  it('takes no code for a method none was sent to', async () => {
    const app = await mfaApp();
    await harness.addMethod(user, address);
    const required = await expectFlowStep(signInWithPassword(app), 'mfa_required');
    await expectRejection(
      mfa().verify(tenant, app, {
        continuationToken: required,
        code: '123456',
        scope: [],
        device,
        context: testContext,
      }),
      'step_out_of_order',
      /No code was sent/,
    );
  });

  it('after a password sign-in, registers the sign-in address only with a code sent to it, then signs in', async () => {
    const app = await mfaApp();
    const registration = await expectFlowStep(signInWithPassword(app), 'registration_required');
    const step = await registerAddress(app, registration, address);
    expect(step).toMatchObject({ kind: 'continue', challengeType: 'oob' });
    const handOver = await mfa().registrationContinue(tenant, app, {
      continuationToken: continuationOf(step),
      grantType: 'oob',
      code: harness.outbox.lastCodeTo(address),
      context: testContext,
    });
    expect(await harness.repos.mfaMethods.list(user.id)).toMatchObject([{ target: address }]);
    await harness.services.nativeSignIn.signInWithContinuation(tenant, app, {
      continuationToken: handOver,
      username: address,
      scope: [],
      device,
      context: testContext,
    });
    expect(sessions()).toMatchObject([{ amr: ['pwd', 'otp', 'mfa'] }]);
  });

  it('registers only the sign-in address unless the app takes any, and then tells the sign-in address', async () => {
    const ownAddressOnly = await mfaApp();
    const refused = await expectFlowStep(signInWithPassword(ownAddressOnly), 'registration_required');
    await expectRejection(
      registerAddress(ownAddressOnly, refused, backup),
      'method_target_not_allowed',
      /only the account's sign-in address/,
    );
    expect(harness.outbox.codes).toEqual([]);

    const anyAddress = await mfaApp('any-address');
    const registration = await expectFlowStep(signInWithPassword(anyAddress), 'registration_required');
    const step = await registerAddress(anyAddress, registration, backup);
    await mfa().registrationContinue(tenant, anyAddress, {
      continuationToken: continuationOf(step),
      grantType: 'oob',
      code: harness.outbox.lastCodeTo(backup),
      context: testContext,
    });
    expect(await harness.repos.mfaMethods.list(user.id)).toMatchObject([{ target: backup }]);
    expect(harness.outbox.notices).toMatchObject([{ to: address }]);
  });

  it('resends a registration code to the address it went to, and only once a code was sent', async () => {
    const app = await mfaApp();
    const registration = await expectFlowStep(signInWithPassword(app), 'registration_required');
    await expectRejection(mfa().registrationResend(tenant, app, registration), 'step_out_of_order');
    const sent = continuationOf(await registerAddress(app, registration, address));
    harness.clock.advance(60_000);
    const resent = await mfa().registrationResend(tenant, app, sent);
    expect(resent).toMatchObject({ kind: 'continue', challengeType: 'oob', code: { target: address } });
    expect(harness.outbox.codes.filter((c) => c.to === address)).toHaveLength(2);
  });
});
