import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { expectError, expectKind, recordingFetch, sdkClient } from './support.js';

/** A code that is certainly wrong: the right one with its last digit changed. */
const wrong = (code: string) => code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);

describe('native-auth flows through the SDK, against a real Baton', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('signs up with a code, then a password (a weak one refused first), then the attributes, then signs in', async () => {
    const { app } = await t.registerApp({ userAttributes: [{ name: 'city', type: 'string', required: true }] });
    const client = sdkClient(t, { app });
    const codeStep = expectKind(await client.signUp({ username: 'grace@example.com' }), 'sign_up_code_required');
    expect(codeStep.codeLength).toBe(t.tenant.codeLength);
    const code = await t.mail.nextCode('grace@example.com');
    expectError(await codeStep.submitCode(wrong(code)), 'invalid_code');
    const passwordStep = expectKind(await codeStep.submitCode(code), 'sign_up_password_required');
    const weak = expectError(await passwordStep.submitPassword('password'), 'password_too_weak');
    expect(weak.suberror).toMatch(/^password_/);
    const attributesStep = expectKind(
      await passwordStep.submitPassword('Hopper 1906 compiler'),
      'sign_up_attributes_required',
    );
    expect(attributesStep.requiredAttributes.map((a) => a.name)).toContain('city');
    const completed = expectKind(await attributesStep.submitAttributes({ city: 'New York' }), 'sign_up_completed');
    const signedIn = expectKind(await completed.signIn(), 'signed_in');
    expect(signedIn.account.username).toBe('grace@example.com');
    expect((await t.services.repos.users.findByEmail(t.tenant.id, 'grace@example.com'))?.attributes).toMatchObject({
      city: 'New York',
    });
  });

  it('reports an existing account and a password the policy refuses at sign-up start', async () => {
    const client = sdkClient(t);
    expectError(await client.signUp({ username: t.user.email }), 'user_already_exists');
    const weak = expectError(
      await client.signUp({ username: 'weak@example.com', password: 'password' }),
      'password_too_weak',
    );
    expect(weak.suberror).toMatch(/^password_/);
  });

  it('signs in with a password after a wrong one, on the same state, sending the device parameters', async () => {
    const recorder = recordingFetch();
    const client = sdkClient(t, { fetch: recorder.fetch });
    const state = expectKind(await client.signIn({ username: t.user.email }), 'sign_in_password_required');
    const refused = expectError(await state.submitPassword('not my password'), 'invalid_password');
    expect(refused.serverError).toBe('invalid_grant');
    const signedIn = expectKind(await state.submitPassword(t.userPassword), 'signed_in');
    expect(signedIn.account.claims.userId).toBe(t.user.id);
    expect(await client.getAccount()).toBe(signedIn.account);
    const [token] = recorder.grants('password');
    expect(token?.params.get('installation_id')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(token?.params.get('device_name')).toBe('Test phone');
    const sessions = await t.services.sessions.list(t.tenant, t.user);
    expect(sessions.find((s) => s.id === signedIn.account.claims.sessionId)?.device).toMatchObject({
      name: 'Test phone',
      platform: 'vitest',
      kind: 'primary',
    });
  });

  it('signs in at once when the password is given up front, and says when the user does not exist', async () => {
    const client = sdkClient(t);
    expectKind(await client.signIn({ username: t.user.email, password: t.userPassword }), 'signed_in');
    expectError(await client.signIn({ username: 'nobody@example.com' }), 'user_not_found');
  });

  it('signs in with an email code: wrong length and wrong code refused on the same state, resend keeps it usable', async () => {
    const client = sdkClient(t, { challengeTypes: ['oob'] });
    const first = expectKind(await client.signIn({ username: t.user.email }), 'sign_in_code_required');
    const code = await t.mail.nextCode(t.user.email);
    expect(first.channel).toBe('email');
    expect(first.sentTo).toMatch(/\*/);
    // Within the resend interval the server keeps the code it already sent.
    const resent = expectKind(await first.resendCode(), 'sign_in_code_required');
    expectError(await resent.submitCode('12'), 'invalid_code');
    expectError(await resent.submitCode(wrong(code)), 'invalid_code');
    const signedIn = expectKind(await resent.submitCode(code), 'signed_in');
    expect(signedIn.account.username).toBe(t.user.email);
  });

  it('answers redirect_required when the app cannot use any challenge type the client offers', async () => {
    const { app } = await t.registerApp({ challengeTypes: ['password', 'redirect'] });
    const result = await sdkClient(t, { app, challengeTypes: ['oob'] }).signIn({ username: t.user.email });
    expectError(result, 'redirect_required');
  });

  it('resets a password (weak one refused first) and signs in with the new one', async () => {
    const user = await t.services.accounts.create(t.tenant, {
      email: 'reset@example.com',
      password: 'Old password 1815',
      emailVerified: true,
    });
    const client = sdkClient(t);
    expectError(await client.resetPassword({ username: 'ghost@example.com' }), 'user_not_found');
    const codeStep = expectKind(await client.resetPassword({ username: user.email }), 'reset_password_code_required');
    const code = await t.mail.nextCode(user.email);
    expectError(await codeStep.submitCode(wrong(code)), 'invalid_code');
    const passwordStep = expectKind(await codeStep.submitCode(code), 'reset_password_password_required');
    expectError(await passwordStep.submitPassword('password'), 'password_too_weak');
    const completed = expectKind(await passwordStep.submitPassword('New password 1843'), 'reset_password_completed');
    expectKind(await completed.signIn(), 'signed_in');
    expectKind(await sdkClient(t).signIn({ username: user.email, password: 'New password 1843' }), 'signed_in');
    expectError(
      await expectKind(await sdkClient(t).signIn({ username: user.email }), 'sign_in_password_required').submitPassword(
        'Old password 1815',
      ),
      'invalid_password',
    );
  });

  it('registers a second factor on the first MFA sign-in, then asks for it on the next', async () => {
    // Another address than the sign-in address takes an app that allows it.
    const { app } = await t.registerApp({ requireMfa: true, mfaRegistration: 'any-address' });
    const user = await t.services.accounts.create(t.tenant, {
      email: 'mfa@example.com',
      password: 'Second factor 2024',
      emailVerified: true,
    });
    const client = sdkClient(t, { app });
    const registration = expectKind(
      await client.signIn({ username: user.email, password: 'Second factor 2024' }),
      'registration_required',
    );
    expect(registration.methods[0]).toMatchObject({ id: 'email', challengeType: 'oob' });
    const verification = expectKind(
      await registration.challenge('mfa-backup@example.com'),
      'registration_verification_required',
    );
    const code = await t.mail.nextCode('mfa-backup@example.com');
    expectError(await verification.submitCode(wrong(code)), 'invalid_code');
    expectKind(await verification.submitCode(code), 'signed_in');

    const mfa = expectKind(
      await sdkClient(t, { app }).signIn({ username: user.email, password: 'Second factor 2024' }),
      'mfa_required',
    );
    expect(mfa.methods).toHaveLength(1);
    const challenge = expectKind(await mfa.requestChallenge(mfa.methods[0]!.id), 'mfa_verification_required');
    const mfaCode = await t.mail.nextCode('mfa-backup@example.com');
    expectError(await challenge.submitChallenge(wrong(mfaCode)), 'invalid_code');
    const signedIn = expectKind(await challenge.submitChallenge(mfaCode), 'signed_in');
    expect(signedIn.account.username).toBe(user.email);
  });

  it('registers the sign-in address after a password sign-in with the code sent to it; another address is refused by default', async () => {
    const { app } = await t.registerApp({ requireMfa: true });
    const user = await t.services.accounts.create(t.tenant, {
      email: 'own-address@example.com',
      password: 'Own address 2024!',
      emailVerified: true,
    });
    const registration = expectKind(
      await sdkClient(t, { app }).signIn({ username: user.email, password: 'Own address 2024!' }),
      'registration_required',
    );
    expect(expectError(await registration.challenge('someone-else@example.com'), 'server_error').serverError).toBe(
      'invalid_request',
    );
    const verification = expectKind(await registration.challenge(user.email), 'registration_verification_required');
    expectKind(await verification.submitCode(await t.mail.nextCode(user.email)), 'signed_in');
  });

  it('registers the address a sign-up just verified without another code (preverified)', async () => {
    const { app } = await t.registerApp({ requireMfa: true });
    const client = sdkClient(t, { app });
    const codeStep = expectKind(
      await client.signUp({ username: 'fastpass@example.com', password: 'Fast pass 2024!' }),
      'sign_up_code_required',
    );
    const completed = expectKind(
      await codeStep.submitCode(await t.mail.nextCode('fastpass@example.com')),
      'sign_up_completed',
    );
    const registration = expectKind(await completed.signIn(), 'registration_required');
    const signedIn = expectKind(await registration.challenge('fastpass@example.com'), 'signed_in');
    expect(signedIn.account.username).toBe('fastpass@example.com');
  });
});
