import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../packages/server/src/core/model.js';
import type { MsalPage, StepSummary, WireCall } from './support/browser.js';
import { startMsalSuite, type MsalSuite } from './support/msal-suite.js';
import { servePage } from './support/page-server.js';

const password = 'Blue kettles whistle at dawn 42';
const newPassword = 'Seven quiet otters fold maps 19';

/**
 * Microsoft's own client, `@azure/msal-browser` 5.31 custom-auth, driving native auth V2
 * (`signInV2`, `signUpV2`, `resetPasswordV2`: `authorize-challenge`, then the HAL links each
 * answer carries, then a code at the token endpoint) against a real Baton, unchanged, in
 * headless Chromium. Same setup as the V1 suite beside it: the page on its own origin, codes
 * read from the mail Baton sends, each scenario in a fresh browser context.
 */
describe('@azure/msal-browser custom-auth V2 against Baton in headless Chromium', { timeout: 120_000 }, () => {
  let s: MsalSuite;

  beforeAll(async () => {
    s = await startMsalSuite();
  }, 60_000);
  afterEach(() => s?.closePages());
  afterAll(() => s?.close());

  /** The V2 configuration docs/msal.md gives: only authApiProxyUrl points at Baton; V2 reads no challengeTypes. */
  const msalConfig = (app: App, customAuth: Record<string, unknown> = {}) => ({
    auth: { clientId: app.clientId, authority: 'https://baton.test/' },
    customAuth: { authApiProxyUrl: s.t.base, ...customAuth },
    cache: { cacheLocation: 'sessionStorage' },
  });
  const open = (app: App) => s.open(msalConfig(app));

  function expectState(step: StepSummary, state: string) {
    expect(step.error, JSON.stringify(step.error)).toBeUndefined();
    expect(step.state).toBe(state);
  }

  /**
   * Asserts the step failed as the app sees it: V2's nested error (`code`, `innerError.code`) and
   * the `is...()` check MSAL offers for it.
   */
  function expectRefused(step: StepSummary, error: string, innerErrorCode: string, check: string) {
    expect(step.state).toBe('failed');
    expect(step.error).toMatchObject({ error, innerErrorCode });
    expect(step.error?.checks).toContain(check);
  }

  /** Whether `call` went to `path` under the tenant base (MSAL may add a query string). */
  const isCallTo = (call: WireCall, path: string) => {
    const url = new URL(call.url);
    return `${url.origin}${url.pathname}` === `${s.t.base}${path}`;
  };

  /** The JSON bodies the page sent to Baton's V2 links (every V2 step after the entry is a JSON body). */
  const jsonBodies = (client: MsalPage) =>
    client.wire.flatMap((call) => {
      if (!call.body?.startsWith('{')) return [];
      return [JSON.parse(call.body) as Record<string, unknown>];
    });

  /**
   * `signInV2` for an account with a password. Baton offers the password and a code to the
   * address: the app shows the choice and the user picks the password. An app that requires
   * MFA (`mfa`) starts with the password alone, so MSAL asks for it at once.
   */
  async function passwordRequired(client: MsalPage, email: string, mfa = false): Promise<StepSummary> {
    const started = await client.start('signInV2', { username: email });
    if (mfa) {
      expectState(started, 'passwordRequired');
      return started;
    }
    expectState(started, 'authMethodSelectionRequired');
    expect(started.details.methods?.map((method) => method.type)).toEqual(['password', 'email']);
    const chosen = await client.selectAuthMethod(started, 'password');
    expectState(chosen, 'passwordRequired');
    return chosen;
  }

  /** A user with `password` signed in to `app` over V2 in a fresh page: start, password chosen and given. */
  async function signedInWithPassword(app: App, email: string): Promise<{ client: MsalPage; done: StepSummary }> {
    const client = await open(app);
    const done = await client.step(await passwordRequired(client, email, app.requireMfa), 'submitPassword', password);
    return { client, done };
  }

  /** A new password user, signed in to the plain app over V2 in a fresh page. */
  async function newUserSignedIn(email: string): Promise<MsalPage> {
    await s.createUser(email, password);
    const { client, done } = await signedInWithPassword(s.web, email);
    expectState(done, 'completed');
    return client;
  }

  /** Asserts the app holds `email`'s account, then signs out (MSAL refuses a new flow while an account is cached). */
  async function expectSignedInThenSignOut(client: MsalPage, email: string) {
    expect((await client.currentAccount()).account?.username).toBe(email);
    expect((await client.signOut()).checks).toContain('isCompleted');
  }

  /** A code of the right length that is not `code`, so MSAL sends it and Baton is the one refusing it. */
  const wrongCodeFor = (code: string) =>
    code === '0'.repeat(code.length) ? '1'.repeat(code.length) : '0'.repeat(code.length);

  describe('sign-up', () => {
    it('code, then the app attributes MSAL sends by itself, then the password asked for as an attribute (a weak one retried)', async () => {
      const client = await open(s.shop);
      const email = 'grace@example.com';
      const started = await client.start('signUpV2', {
        username: email,
        attributes: { displayName: 'Grace Hopper', loyaltyTier: 'gold' },
      });
      expectState(started, 'codeRequired');
      expect(started.scenario).toBe('signUp');
      const code = await s.t.mail.nextCode(email);
      expect(started.details).toMatchObject({ codeLength: code.length, channel: 'email' });

      const asked = await client.step(started, 'submitCode', code);
      expectState(asked, 'passwordRequired');
      expect(asked.details.requestedPasswordAttribute).toMatchObject({ attributeId: 'password' });
      // MSAL sent the attributes the app gave, without the password, before Baton asked for the password.
      expect(jsonBodies(client).map((body) => body.attributes)).toContainEqual({
        displayName: 'Grace Hopper',
        loyaltyTier: 'gold',
      });

      const weak = await client.step(asked, 'submitPassword', 'password');
      expectRefused(weak, 'invalidRequest', 'passwordBanned', 'isInvalidPassword');

      const continued = await client.step(asked, 'submitPassword', password);
      expectState(continued, 'signInContinuation');
      // The password travelled as an attribute.
      expect(jsonBodies(client).map((body) => body.attributes)).toContainEqual({ password });
      const signedIn = await client.step(continued, 'signIn');
      expectState(signedIn, 'completed');
      expect(signedIn.account).toMatchObject({
        username: email,
        name: 'Grace Hopper',
        idTokenClaims: {
          iss: `${s.t.base}/v2.0`,
          aud: s.shop.clientId,
          preferred_username: email,
          email_verified: true,
        },
      });

      const user = await s.t.services.repos.users.findByEmail(s.t.tenant.id, email);
      expect(user).toMatchObject({
        emailVerified: true,
        displayName: 'Grace Hopper',
        attributes: { loyaltyTier: 'gold' },
      });
      await expectSignedInThenSignOut(client, email);
    });

    it('code, then the password, then the attributes the app requires (attributesRequired), then signIn()', async () => {
      const client = await open(s.shop);
      const email = 'katherine@example.com';
      const started = await client.start('signUpV2', { username: email });
      expectState(started, 'codeRequired');

      const asked = await client.step(started, 'submitCode', await s.t.mail.nextCode(email));
      expectState(asked, 'passwordRequired');
      const withPassword = await client.step(asked, 'submitPassword', password);
      expectState(withPassword, 'attributesRequired');
      expect(withPassword.details.attributes).toEqual([
        expect.objectContaining({ attributeId: 'loyaltyTier', required: true }),
      ]);

      const completed = await client.step(withPassword, 'submitAttributes', { loyaltyTier: 'bronze' });
      expectState(completed, 'signInContinuation');
      expectState(await client.step(completed, 'signIn'), 'completed');
      const user = await s.t.services.repos.users.findByEmail(s.t.tenant.id, email);
      expect(user).toMatchObject({ emailVerified: true, attributes: { loyaltyTier: 'bronze' } });
      await expectSignedInThenSignOut(client, email);
    });

    it('of an address that already has an account signs in instead: the choice of method, then existingAccountPasswordRequired', async () => {
      const email = 'ada.existing@example.com';
      const existing = await s.createUser(email, password);
      const client = await open(s.web);
      const started = await client.start('signUpV2', { username: email });
      expectState(started, 'authMethodSelectionRequired');
      expect(started.scenario).toBe('signIn');
      expect(started.details.methods?.map((method) => method.type)).toEqual(['password', 'email']);
      const chosen = await client.selectAuthMethod(started, 'password');
      expectState(chosen, 'existingAccountPasswordRequired');
      const signedIn = await client.step(chosen, 'submitPassword', password);
      expectState(signedIn, 'completed');
      expect(signedIn.account?.idTokenClaims).toMatchObject({ oid: existing.id, amr: ['pwd'] });
      await expectSignedInThenSignOut(client, email);
    });
  });

  it('signs in with a password: an unknown user is isUserNotFound, a wrong password isInvalidPassword, the right one on the same state completes', async () => {
    const email = 'dorothy@example.com';
    await s.createUser(email, password);
    const client = await open(s.web);

    const unknown = await client.start('signInV2', { username: 'nobody@example.com' });
    expectRefused(unknown, 'invalidRequest', 'userNotFound', 'isUserNotFound');

    const started = await passwordRequired(client, email);
    expect(started.scenario).toBe('signIn');
    const wrong = await client.step(started, 'submitPassword', 'still not the password');
    expectRefused(wrong, 'invalidGrant', 'invalidUserNameOrPassword', 'isInvalidPassword');

    const retried = await client.step(started, 'submitPassword', password);
    expectState(retried, 'completed');
    expect(retried.account).toMatchObject({
      username: email,
      idTokenClaims: { iss: `${s.t.base}/v2.0`, aud: s.web.clientId, preferred_username: email, amr: ['pwd'] },
    });
    await expectSignedInThenSignOut(client, email);
  });

  it('signs in with an email code: a wrong code is isInvalidCode, the right one on the same state completes', async () => {
    const email = 'mary@example.com';
    await s.createUser(email);
    const client = await open(s.web);

    const started = await client.start('signInV2', { username: email });
    expectState(started, 'codeRequired');
    const code = await s.t.mail.nextCode(email);
    expect(started.details).toMatchObject({ codeLength: code.length, channel: 'email' });

    const wrong = await client.step(started, 'submitCode', wrongCodeFor(code));
    expectRefused(wrong, 'invalidGrant', 'invalidOneTimeCode', 'isInvalidCode');

    const retried = await client.step(started, 'submitCode', code);
    expectState(retried, 'completed');
    expect(retried.account).toMatchObject({ username: email, idTokenClaims: { amr: ['otp'] } });
    await expectSignedInThenSignOut(client, email);
  });

  it('resets a password (PUT then poll), signs in from the continuation; afterwards the old password is isInvalidPassword and the new one works', async () => {
    const email = 'barbara@example.com';
    await s.createUser(email, password);
    const client = await open(s.web);

    const started = await client.start('resetPasswordV2', { username: email });
    expectState(started, 'codeRequired');
    expect(started.scenario).toBe('passwordReset');
    const verified = await client.step(started, 'submitCode', await s.t.mail.nextCode(email));
    expectState(verified, 'newPasswordRequired');
    const reset = await client.step(verified, 'submitNewPassword', newPassword);
    expectState(reset, 'signInContinuation');
    expect(client.wire.some((call) => call.method === 'PUT')).toBe(true);
    expectState(await client.step(reset, 'signIn'), 'completed');
    await expectSignedInThenSignOut(client, email);

    const old = await passwordRequired(client, email);
    const refused = await client.step(old, 'submitPassword', password);
    expectRefused(refused, 'invalidGrant', 'invalidUserNameOrPassword', 'isInvalidPassword');
    expectState(await client.step(old, 'submitPassword', newPassword), 'completed');
    await expectSignedInThenSignOut(client, email);
  });

  describe('an app that requires MFA', () => {
    /** A later sign-in: the password, then the one email method offered, chosen; the state waits for the code. */
    async function mfaChallenged(client: MsalPage, email: string) {
      const mfa = await client.step(await passwordRequired(client, email, true), 'submitPassword', password);
      expectState(mfa, 'authMethodSelectionRequired');
      expect(mfa.details.methods).toEqual([expect.objectContaining({ type: 'email' })]);
      const challenge = await client.selectAuthMethod(mfa, 'email');
      expectState(challenge, 'mfaVerificationRequired');
      return { hint: mfa.details.methods?.[0]?.hint, challenge };
    }

    /** Submits the second factor's code: the account holds both factors and the ID token says so. Then signs out. */
    async function expectTwoFactorsWith(client: MsalPage, on: StepSummary, code: string, email: string) {
      const verified = await client.step(on, 'submitChallenge', code);
      expectState(verified, 'completed');
      expect(verified.account).toMatchObject({ username: email, idTokenClaims: { amr: ['pwd', 'otp', 'mfa'] } });
      await expectSignedInThenSignOut(client, email);
      return verified.account!;
    }

    /**
     * Activates a registration with its code: a wrong one first (refused, the state stays
     * usable), then the right one; the account holds both factors and `method` is stored.
     */
    async function expectRegistered(
      client: MsalPage,
      challenged: StepSummary,
      code: string,
      email: string,
      method: { type: string; target: string },
    ) {
      expect(challenged.details.codeLength).toBe(code.length);
      const wrong = await client.step(challenged, 'submitChallenge', wrongCodeFor(code));
      expectRefused(wrong, 'invalidGrant', 'invalidOneTimeCode', 'isInvalidChallenge');
      const account = await expectTwoFactorsWith(client, challenged, code, email);
      expect(await s.t.services.repos.mfaMethods.list(account.idTokenClaims!.oid as string)).toEqual([
        expect.objectContaining(method),
      ]);
    }

    it('registers the sign-in address on first sign-in with the code sent to it (another address refused); the next sign-in asks for a code', async () => {
      const email = 'frances@example.com';
      await s.createUser(email, password);
      const { client, done: first } = await signedInWithPassword(s.bank, email);
      expectState(first, 'authMethodRegistrationRequired');
      expect(first.details.methods).toEqual([expect.objectContaining({ type: 'email' })]);

      // Knowing the password is not enough to plant a mailbox of one's own as the second factor.
      const planted = await client.selectAuthMethod(first, 'email', 'mallory@example.org');
      expect(planted.state).toBe('failed');
      expect(planted.error?.error).toBe('invalidRequest');
      expect(s.t.mail.messages.some((m) => m.to.includes('mallory@example.org'))).toBe(false);

      const challenged = await client.selectAuthMethod(first, 'email', email);
      expectState(challenged, 'authMethodVerificationRequired');
      await expectRegistered(client, challenged, await s.t.mail.nextCode(email), email, {
        type: 'email',
        target: email,
      });

      const { challenge } = await mfaChallenged(client, email);
      const mfaCode = await s.t.mail.nextCode(email);
      expect(challenge.details.codeLength).toBe(mfaCode.length);
      await expectTwoFactorsWith(client, challenge, mfaCode, email);
    });

    it('resets a password with the second factor before the sign-in: code, new password, MFA challenge, signInContinuation, signIn()', async () => {
      const email = 'grete@example.com';
      const user = await s.createUser(email, password);
      await s.t.services.repos.mfaMethods.add({
        id: randomUUID(),
        tenantId: s.t.tenant.id,
        userId: user.id,
        type: 'email',
        target: email,
        createdAt: Date.now(),
      });
      const client = await open(s.bank);
      const started = await client.start('resetPasswordV2', { username: email });
      expectState(started, 'codeRequired');
      const verified = await client.step(started, 'submitCode', await s.t.mail.nextCode(email));
      expectState(verified, 'newPasswordRequired');
      const reset = await client.step(verified, 'submitNewPassword', newPassword);
      expectState(reset, 'authMethodSelectionRequired');
      const challenge = await client.selectAuthMethod(reset, 'email');
      expectState(challenge, 'mfaVerificationRequired');
      const continued = await client.step(challenge, 'submitChallenge', await s.t.mail.nextCode(email));
      expectState(continued, 'signInContinuation');
      const signedIn = await client.step(continued, 'signIn');
      expectState(signedIn, 'completed');
      expect(signedIn.account?.idTokenClaims?.amr).toContain('mfa');
      await expectSignedInThenSignOut(client, email);
    });

    /**
     * A new user's first sign-in at `club` (which takes any method): the methods offered to
     * register, and the state after choosing `type` with `contact`, waiting for its code.
     */
    async function registering(email: string, type: string, contact: string) {
      await s.createUser(email, password);
      const { client, done: first } = await signedInWithPassword(s.club, email);
      expectState(first, 'authMethodRegistrationRequired');
      const challenged = await client.selectAuthMethod(first, type, contact);
      expectState(challenged, 'authMethodVerificationRequired');
      return { client, offered: first.details.methods?.map((method) => method.type), challenged };
    }

    it('registers another address (resendChallenge at once keeps the code sent), and the next sign-in verifies a code sent there (wrong code first)', async () => {
      const email = 'hedy@example.com';
      const second = 'hedy.backup@example.org';
      const { client, challenged } = await registering(email, 'email', second);
      const code = await s.t.mail.nextCode(second);
      // The user asks for the code again at once: within the resend interval Baton keeps the code it sent.
      const resent = await client.step(challenged, 'resendChallenge');
      expectState(resent, 'authMethodVerificationRequired');
      expect(resent.details.codeLength).toBe(code.length);
      await expectTwoFactorsWith(client, resent, code, email);
      expect(s.t.mail.messages.filter((m) => m.to.includes(second))).toHaveLength(1);

      const { hint, challenge } = await mfaChallenged(client, email);
      // The app may show where the code goes, never the whole address.
      expect(hint).not.toBe(second);
      const mfaCode = await s.t.mail.nextCode(second);
      const wrong = await client.step(challenge, 'submitChallenge', wrongCodeFor(mfaCode));
      expectRefused(wrong, 'invalidGrant', 'invalidOneTimeCode', 'isInvalidChallenge');
      await expectTwoFactorsWith(client, challenge, mfaCode, email);
    });

    it('registers a phone by SMS (wrong code first), and the next sign-in verifies a code texted there', async () => {
      const email = 'joan@example.com';
      const phone = '+15555550123';
      const { client, offered, challenged } = await registering(email, 'phone', '+1 555 555 0123');
      expect(offered).toEqual(['email', 'phone']);
      await expectRegistered(client, challenged, await s.t.sms!.nextCode(phone), email, { type: 'sms', target: phone });
      // What MSAL posted to the enroll link: the number as typed, on the sms channel.
      expect(jsonBodies(client)).toContainEqual(
        expect.objectContaining({ phoneNumber: '+1 555 555 0123', channel: 'sms' }),
      );

      const mfa = await client.step(await passwordRequired(client, email, true), 'submitPassword', password);
      expectState(mfa, 'authMethodSelectionRequired');
      expect(mfa.details.methods).toEqual([expect.objectContaining({ type: 'sms', hint: '+15*******23' })]);
      const challenge = await client.selectAuthMethod(mfa, 'sms');
      expectState(challenge, 'mfaVerificationRequired');
      await expectTwoFactorsWith(client, challenge, await s.t.sms!.nextCode(phone), email);
    });
  });

  it('getAccessToken({forceRefresh:true}) after a V2 sign-in returns a new access token, and Baton rotated the refresh token', async () => {
    const email = 'radia@example.com';
    const client = await newUserSignedIn(email);

    // The refresh token of a V2 sign-in is an ordinary one: the refresh_token grant, rotated.
    const [[issued], cached] = [await client.cachedRefreshTokens(), await client.accessToken()];
    const refreshed = await client.accessToken({ forceRefresh: true });
    expect([cached.fromCache, refreshed.fromCache, refreshed.error]).toEqual([true, false, undefined]);
    expect(refreshed.accessToken).not.toBe(cached.accessToken);
    const refreshCalls = client.wire.filter((call) => call.body?.includes('grant_type=refresh_token'));
    expect(refreshCalls.map((call) => isCallTo(call, '/oauth2/v2.0/token'))).toEqual([true]);
    const [rotated] = await client.cachedRefreshTokens();
    const stored = await s.t.services.sessions.findByRefreshToken(s.t.tenant, issued!);
    expect(stored?.token).toMatchObject({ generation: 0, consumedAt: expect.any(Number) });
    expect(await s.t.services.sessions.findByRefreshToken(s.t.tenant, rotated!)).toMatchObject({
      token: { generation: 1, consumedAt: null, sessionId: stored?.token.sessionId },
    });
    await expectSignedInThenSignOut(client, email);
  });

  it('signOut() leaves no account; signInV2 is refused while one is cached and starts again after', async () => {
    const email = 'annie@example.com';
    const client = await newUserSignedIn(email);

    const refused = await client.start('signInV2', { username: email });
    expect(refused.state).toBe('failed');
    expect(refused.error?.error).toBe('user_already_signed_in');

    expect((await client.signOut()).checks).toContain('isCompleted');
    const after = await client.currentAccount();
    expect(after.account).toBeNull();
    expect(after.error?.error).toBe('no_cached_account_found');
    expect(await client.cachedRefreshTokens()).toEqual([]);
    await passwordRequired(client, email);
  });

  it('cannot call Baton from an origin the app did not register', async () => {
    const stranger = await servePage();
    try {
      const client = await s.open(msalConfig(s.web), stranger.origin);
      const refused = await client.start('signInV2', { username: 'nobody@example.com' });
      expect(refused.state).toBe('failed');
      expect(refused.error?.error).toBe('http_request_failed');
    } finally {
      await stranger.close();
    }
  });

  it('answers isBrowserRequired() when the app signs in only on the hosted pages (challenge types: redirect)', async () => {
    const email = 'chien-shiung@example.com';
    await s.createUser(email, password);
    const { app: hostedOnly } = await s.t.registerApp({
      name: 'Hosted only',
      allowedOrigins: [s.pageServer.origin],
      challengeTypes: ['redirect'],
    });
    const client = await open(hostedOnly);
    const refused = await client.start('signInV2', { username: email });
    expect(refused.state).toBe('failed');
    expect(refused.error).toMatchObject({ error: 'invalid_grant', subError: 'web_redirect_required' });
    expect(refused.error?.checks).toContain('isBrowserRequired');
  });

  it('V1 on the same server and app: an account signed up over V2 signs in over V1 (signIn), which never calls authorize-challenge', async () => {
    const email = 'lise@example.com';
    const v2 = await open(s.web);
    const started = await v2.start('signUpV2', { username: email });
    expectState(started, 'codeRequired');
    const asked = await v2.step(started, 'submitCode', await s.t.mail.nextCode(email));
    expectState(asked, 'passwordRequired');
    const continued = await v2.step(asked, 'submitPassword', password);
    expectState(continued, 'signInContinuation');
    expectState(await v2.step(continued, 'signIn'), 'completed');
    await expectSignedInThenSignOut(v2, email);

    const v1 = await s.open(msalConfig(s.web, { challengeTypes: ['password', 'oob'] }));
    const signedIn = await v1.start('signIn', { username: email, password });
    expect(signedIn.error, JSON.stringify(signedIn.error)).toBeUndefined();
    expect(signedIn.state).toBe('SignInCompletedState');
    expect(signedIn.account?.username).toBe(email);
    expect(v1.wire.some((call) => isCallTo(call, '/oauth2/v2.0/initiate'))).toBe(true);
    expect(v1.wire.some((call) => isCallTo(call, '/oauth2/v2.0/authorize-challenge'))).toBe(false);
    await expectSignedInThenSignOut(v1, email);
  });

  it('sends every call to the page or to Baton under the tenant path, V2 entering at authorize-challenge', () => {
    // Over the calls of every scenario above, kept as their pages closed.
    const wire = s.wire;
    expect(wire.length).toBeGreaterThan(0);
    const destinations = [`${s.t.base}/`, ...[...s.pageOrigins].map((origin) => `${origin}/`)];
    expect(wire.filter((call) => !destinations.some((d) => call.url.startsWith(d)))).toEqual([]);
    const v2Entries = wire.filter((call) => isCallTo(call, '/oauth2/v2.0/authorize-challenge'));
    expect(v2Entries.length).toBeGreaterThan(0);
    // The first call of a flow names the app; the finishing call carries only the continuation token.
    expect(v2Entries.some((call) => new URLSearchParams(call.body ?? '').get('client_id'))).toBe(true);
    expect(
      v2Entries.some((call) => {
        const form = new URLSearchParams(call.body ?? '');
        return form.has('continuation_token') && !form.has('client_id');
      }),
    ).toBe(true);
    // A code from authorize-challenge, redeemed at the token endpoint.
    expect(
      wire.some((call) => isCallTo(call, '/oauth2/v2.0/token') && call.body?.includes('grant_type=authorization_code')),
    ).toBe(true);
  });
});
