import { beforeEach, describe, expect, it } from 'vitest';
import type { App, Tenant, User } from '../model.js';
import { expectFlowStep } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices, testContext } from '../testing/in-memory-services.js';
import { codeProof, passwordProof, type Proof } from './proofs.js';
import { ChallengeCodes } from './challenge-codes.js';
import { passwordFirst, SignInCompletion } from './sign-in-completion.js';

const address = 'ada@example.com';
const bothSteps = ['mfa_required', 'registration_required'];

describe('SignInCompletion', () => {
  let harness: DomainHarness;
  let completion: SignInCompletion;
  let tenant: Tenant;
  let app: App;
  let mfaApp: App;
  let user: User;

  beforeEach(async () => {
    harness = inMemoryServices();
    const { services } = harness;
    completion = new SignInCompletion(
      services.sessions,
      services.tokens,
      services.audit,
      services.continuations,
      harness.repos.mfaMethods,
      services.browserSessions,
      new ChallengeCodes(services.continuations),
    );
    ({ tenant, app } = await harness.tenantWithApp());
    mfaApp = (await services.apps.register(tenant, { name: 'Bank', requireMfa: true })).app;
    user = await harness.user(tenant, address);
  });

  const complete = (at: App, proofs: Proof[], capabilities = bothSteps) =>
    completion.complete({
      tenant,
      app: at,
      user,
      proofs,
      capabilities,
      requestedScope: [],
      device: { name: 'Phone', platform: 'ios' },
      context: testContext,
    });
  const sessions = () => harness.db.sessions.where((session) => session.userId === user.id);
  const continuations = () => harness.db.continuations.where((record) => record.userId === user.id);

  it('opens a session on the password alone at an app without MFA, saying so in amr', async () => {
    await complete(app, [passwordProof]);
    expect(sessions()).toMatchObject([{ clientId: app.clientId, amr: ['pwd'], revokedAt: null }]);
    const [event] = await harness.repos.audit.list({ tenantId: tenant.id, type: 'sign_in.succeeded' });
    expect(event).toMatchObject({ userId: user.id, sessionId: sessions()[0]?.id, data: { amr: ['pwd'] } });
  });

  it('stops the password alone at an MFA app: registration first when the account has no method', async () => {
    await expectFlowStep(complete(mfaApp, [passwordProof]), 'registration_required');
    expect(sessions()).toEqual([]);
    expect(continuations()).toMatchObject([
      { flow: 'register', clientId: mfaApp.clientId, state: { proofs: [passwordProof] } },
    ]);
  });

  it('stops the password alone at an MFA app: a code to a method when the account has one', async () => {
    await harness.addMethod(user, address);
    await expectFlowStep(complete(mfaApp, [passwordProof]), 'mfa_required');
    expect(sessions()).toEqual([]);
    expect(continuations()).toMatchObject([{ flow: 'mfa', state: { proofs: [passwordProof] } }]);
  });

  it('takes the password and a second-factor code to a registered method as two factors', async () => {
    await harness.addMethod(user, 'ada.backup@example.com');
    await complete(mfaApp, [passwordProof, codeProof('ada.backup@example.com', 'second-factor')]);
    expect(sessions()).toMatchObject([{ clientId: mfaApp.clientId, amr: ['pwd', 'otp', 'mfa'] }]);
  });

  it('never counts the sign-in address proved by a sign-in code, even when it is a registered method', async () => {
    await harness.addMethod(user, address);
    await expectFlowStep(complete(mfaApp, [passwordProof, codeProof(address, 'sign-in')]), 'mfa_required');
    expect(await complete(mfaApp, [codeProof(address, 'sign-in')])).toEqual({
      kind: 'redirect',
      reason: passwordFirst,
    });
    expect(sessions()).toEqual([]);
  });

  it('does not count a code to an address that is not a registered method', async () => {
    await harness.addMethod(user, address);
    await expectFlowStep(
      complete(mfaApp, [passwordProof, codeProof('mallory@example.com', 'second-factor')]),
      'mfa_required',
    );
    expect(sessions()).toEqual([]);
  });

  it('sends a client that cannot take the MFA step to the browser, issuing nothing', async () => {
    await harness.addMethod(user, address);
    expect(await complete(mfaApp, [passwordProof], ['registration_required'])).toMatchObject({ kind: 'redirect' });
    expect(sessions()).toEqual([]);
    expect(continuations()).toEqual([]);
  });
});
