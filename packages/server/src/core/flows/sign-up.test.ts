import { beforeEach, describe, expect, it } from 'vitest';
import type { RegisterAppInput } from '../apps/app-service.js';
import { verifyPassword } from '../credentials/password-hasher.js';
import type { App, Tenant } from '../model.js';
import { continuationOf, expectFlowStep, expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices, testClient, testContext } from '../testing/in-memory-services.js';
import { wrongCode } from '../testing/mail-outbox.js';

const address = 'grace@example.com';
const password = 'violet-lantern-1815';

describe('SignUp', () => {
  let harness: DomainHarness;
  let tenant: Tenant;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant } = await harness.tenantWithApp());
  });

  const signUp = () => harness.services.signUp;
  const registerApp = async (fields: Partial<RegisterAppInput> = {}) =>
    (await harness.services.apps.register(tenant, { name: 'Shop', ...fields })).app;
  const start = (app: App, fields: { password?: string; attributes?: string } = {}) =>
    signUp().start(tenant, app, {
      username: address,
      password: fields.password,
      attributes: fields.attributes,
      challengeType: 'oob password redirect',
      capabilities: 'registration_required mfa_required',
      client: testClient,
    });
  /** Starts a sign-up and has its code sent: the token `continue` takes the code with. */
  const codeSent = async (app: App, fields: { password?: string; attributes?: string } = {}) =>
    continuationOf(
      await signUp().challenge(tenant, app, {
        continuationToken: continuationOf(await start(app, fields)),
        challengeType: 'oob password redirect',
      }),
    );
  const go = (
    app: App,
    continuationToken: string,
    fields: { grantType: string; code?: string; password?: string; attributes?: string },
  ) =>
    signUp().continue(tenant, app, {
      continuationToken,
      grantType: fields.grantType,
      code: fields.code,
      password: fields.password,
      attributes: fields.attributes,
      context: testContext,
    });
  const theCode = () => harness.outbox.lastCodeTo(address);
  const stored = () => harness.repos.users.findByEmail(tenant.id, address);
  const signInWith = (app: App, continuationToken: string) =>
    harness.services.nativeSignIn.signInWithContinuation(tenant, app, {
      continuationToken,
      username: address,
      scope: [],
      device: { name: 'Phone', platform: 'ios' },
      context: testContext,
    });

  it('at a password app asks for the password after the code, then creates a verified account that signs in', async () => {
    const app = await registerApp();
    const afterCode = await expectFlowStep(
      go(app, await codeSent(app), { grantType: 'oob', code: theCode() }),
      'credential_required',
    );
    expect(await stored()).toBeNull();
    const handOver = continuationOf(await go(app, afterCode, { grantType: 'password', password }));
    const user = (await stored())!;
    expect(user.emailVerified).toBe(true);
    expect(await verifyPassword(await harness.repos.users.findPasswordHash(user.id), password)).toBe(true);
    await signInWith(app, handOver);
    expect(harness.db.sessions.where((session) => session.userId === user.id)).toMatchObject([{ amr: ['otp', 'pwd'] }]);
  });

  it('at a code-only app takes no password and creates an account without one', async () => {
    const app = await registerApp({ challengeTypes: ['oob'] });
    await expectRejection(start(app, { password }), 'malformed_request', /code-only/);
    await go(app, await codeSent(app), { grantType: 'oob', code: theCode() });
    const user = (await stored())!;
    expect(await harness.repos.users.findPasswordHash(user.id)).toBeNull();
  });

  it('refuses a taken address and a breached password before sending any code', async () => {
    const app = await registerApp();
    await expectRejection(start(app, { password: 'password' }), 'password_banned', /too common/);
    await harness.user(tenant, address);
    await expectRejection(start(app), 'user_already_exists');
    expect(harness.outbox.codes).toEqual([]);
  });

  it('takes nothing before the code, and a wrong code leaves the step open', async () => {
    const app = await registerApp();
    const token = await codeSent(app, { password });
    await expectRejection(go(app, token, { grantType: 'password', password }), 'step_out_of_order', /Verify the email/);
    await expectRejection(go(app, token, { grantType: 'oob', code: wrongCode(theCode()) }), 'invalid_code', /wrong/);
    await go(app, token, { grantType: 'oob', code: theCode() });
    expect(await stored()).not.toBeNull();
  });

  it('asks for the required attributes the start did not give', async () => {
    const app = await registerApp({ userAttributes: [{ name: 'country', type: 'string', required: true }] });
    const afterCode = await expectFlowStep(
      go(app, await codeSent(app, { password }), { grantType: 'oob', code: theCode() }),
      'attributes_required',
    );
    await go(app, afterCode, { grantType: 'attributes', attributes: JSON.stringify({ country: 'NL' }) });
    expect((await stored())?.attributes).toEqual({ country: 'NL' });
  });

  /** A sign-up at an MFA app, then registering the address its code proved. */
  async function registerProvedAddress(options: { codeAlways?: boolean } = {}) {
    const app = await registerApp({ requireMfa: true });
    const handOver = continuationOf(
      await go(app, await codeSent(app, { password }), { grantType: 'oob', code: theCode() }),
    );
    const registration = await expectFlowStep(signInWith(app, handOver), 'registration_required');
    return harness.services.secondFactor.registrationChallenge(tenant, app, {
      continuationToken: registration,
      challengeType: 'oob',
      target: address,
      channel: 'email',
      ...options,
    });
  }

  it('at an MFA app lets the address the sign-up code proved be registered without another code', async () => {
    expect(await registerProvedAddress()).toMatchObject({ kind: 'continue', challengeType: 'preverified' });
    expect(harness.outbox.codes).toHaveLength(1);
  });

  describe('submitAttributes (native auth V2: the password is an attribute)', () => {
    const submit = (app: App, continuationToken: string, attributes: Record<string, unknown>) =>
      signUp().submitAttributes(tenant, app, { continuationToken, attributes, context: testContext });

    it('takes the password and other attributes in one step; a refusal keeps nothing and leaves the token usable', async () => {
      const app = await registerApp({ userAttributes: [{ name: 'country', type: 'string', required: true }] });
      const afterCode = await expectFlowStep(
        go(app, await codeSent(app), { grantType: 'oob', code: theCode() }),
        'credential_required',
      );
      await expectRejection(submit(app, afterCode, { password: 'password', country: 'NL' }), 'password_banned');
      await expectRejection(submit(app, afterCode, { password, country: 42 }), 'invalid_attributes');
      await expectRejection(submit(app, afterCode, { password: 7 }), 'invalid_attributes', /password/);
      await expectRejection(submit(app, afterCode, { email: 'other@example.com' }), 'invalid_attributes', /email/);
      continuationOf(await submit(app, afterCode, { password, country: 'NL', email: address.toUpperCase() }));
      const user = (await stored())!;
      expect(user.attributes).toEqual({ country: 'NL' });
      expect(await verifyPassword(await harness.repos.users.findPasswordHash(user.id), password)).toBe(true);
    });

    it('asks only for what is still missing after each submission', async () => {
      const app = await registerApp({ userAttributes: [{ name: 'country', type: 'string', required: true }] });
      const afterCode = await expectFlowStep(
        go(app, await codeSent(app), { grantType: 'oob', code: theCode() }),
        'credential_required',
      );
      const step = await submit(app, afterCode, { password });
      expect(step).toMatchObject({ kind: 'attributes_required', attributes: [{ name: 'country' }] });
      expect(await stored()).toBeNull();
    });

    it('refuses attributes before the code', async () => {
      const app = await registerApp();
      await expectRejection(submit(app, await codeSent(app), { password }), 'step_out_of_order');
    });
  });

  it('sends a code for the proved address when the client has no preverified step (V2)', async () => {
    expect(await registerProvedAddress({ codeAlways: true })).toMatchObject({
      kind: 'continue',
      challengeType: 'oob',
      code: { target: address },
    });
    expect(harness.outbox.codes).toHaveLength(2);
  });
});
