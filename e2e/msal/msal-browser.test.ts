import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../packages/server/src/core/model.js';
import { startTestServer, type TestServer } from '../../packages/server/test/support/test-server.js';
import { launchChromium, MsalPage, type StepSummary, type WireCall } from './support/browser.js';
import { servePage, type PageServer } from './support/page-server.js';

const password = 'Blue kettles whistle at dawn 42';
const newPassword = 'Seven quiet otters fold maps 19';

/**
 * Microsoft's own native-auth client, `@azure/msal-browser` custom-auth, unchanged, in
 * headless Chromium, against a real Baton: the page is served from its own origin, so
 * every call is cross-origin and Baton's CORS is exercised for real. One-time codes are
 * read from the mail Baton sends. Each scenario runs in a fresh browser context.
 */
describe('@azure/msal-browser custom-auth against Baton in headless Chromium', { timeout: 120_000 }, () => {
  let t: TestServer;
  let pageServer: PageServer;
  let browser: Browser;
  /** A plain browser app. */
  let web: App;
  /** An app with one required custom attribute, so sign-up can ask for attributes. */
  let shop: App;
  /** An app that requires MFA (only the sign-in address can be registered during a sign-in). */
  let bank: App;
  /** An app that requires MFA and lets a user register another address. */
  let club: App;
  const opened: MsalPage[] = [];
  /** Every request of every page so far, and the origins those pages were served from. */
  const wire: WireCall[] = [];
  const pageOrigins = new Set<string>();

  beforeAll(async () => {
    // The browser first: without Chromium the file fails at once, before anything else is started.
    browser = await launchChromium();
    [t, pageServer] = await Promise.all([startTestServer(), servePage()]);
    const allowedOrigins = [pageServer.origin];
    web = (await t.registerApp({ name: 'Web', allowedOrigins })).app;
    shop = (
      await t.registerApp({
        name: 'Shop',
        allowedOrigins,
        userAttributes: [{ name: 'loyaltyTier', type: 'string', required: true, options: ['bronze', 'gold'] }],
      })
    ).app;
    bank = (await t.registerApp({ name: 'Bank', allowedOrigins, requireMfa: true })).app;
    club = (await t.registerApp({ name: 'Club', allowedOrigins, requireMfa: true, mfaRegistration: 'any-address' }))
      .app;
  }, 60_000);
  afterEach(async () => {
    const pages = opened.splice(0);
    wire.push(...pages.flatMap((page) => page.wire));
    await Promise.all(pages.map((page) => page.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await pageServer?.close();
    await t?.close();
  });

  /** The configuration docs/msal.md gives app developers: only authApiProxyUrl points at Baton. */
  const msalConfig = (
    app: App,
    customAuth: Record<string, unknown> = {
      challengeTypes: ['password', 'oob'],
      capabilities: ['mfa_required', 'registration_required'],
    },
  ) => ({
    auth: { clientId: app.clientId, authority: 'https://baton.test/' },
    customAuth: { authApiProxyUrl: t.base, ...customAuth },
    cache: { cacheLocation: 'sessionStorage' },
  });

  async function open(app: App, origin = pageServer.origin, config = msalConfig(app)): Promise<MsalPage> {
    pageOrigins.add(origin);
    const page = await MsalPage.open(browser, origin, config);
    opened.push(page);
    return page;
  }

  const createUser = (email: string, userPassword?: string) =>
    t.services.accounts.create(t.tenant, {
      email,
      emailVerified: true,
      ...(userPassword ? { password: userPassword } : {}),
    });

  /** A new password user, signed in to the plain app in a fresh page. */
  async function newUserSignedIn(email: string): Promise<MsalPage> {
    await createUser(email, password);
    const client = await open(web);
    expectState(await client.start('signIn', { username: email, password }), 'SignInCompletedState', 'isCompleted');
    return client;
  }

  /** Asserts the app holds `email`'s account, then signs out (MSAL refuses a new flow while an account is cached). */
  async function expectSignedInThenSignOut(client: MsalPage, email: string) {
    expect((await client.currentAccount()).account?.username).toBe(email);
    expect((await client.signOut()).checks).toContain('isCompleted');
  }

  function expectState(step: StepSummary, state: string, check: string) {
    expect(step.error, JSON.stringify(step.error)).toBeUndefined();
    expect(step.state).toBe(state);
    expect(step.checks).toContain(check);
  }

  it('signs up with the password and attributes up front: code, completed, then signIn()', async () => {
    const client = await open(shop);
    const email = 'grace@example.com';
    const started = await client.start('signUp', {
      username: email,
      password,
      attributes: { displayName: 'Grace Hopper', loyaltyTier: 'gold' },
    });
    expectState(started, 'SignUpCodeRequiredState', 'isCodeRequired');
    const code = await t.mail.nextCode(email);
    expect(started.details.codeLength).toBe(code.length);

    const verified = await client.step(started, 'submitCode', code);
    expectState(verified, 'SignUpCompletedState', 'isCompleted');
    const signedIn = await client.step(verified, 'signIn');
    expectState(signedIn, 'SignInCompletedState', 'isCompleted');
    expect(signedIn.account).toMatchObject({ username: email, name: 'Grace Hopper' });

    const user = await t.services.repos.users.findByEmail(t.tenant.id, email);
    expect(user).toMatchObject({
      emailVerified: true,
      displayName: 'Grace Hopper',
      attributes: { loyaltyTier: 'gold' },
    });
    await expectSignedInThenSignOut(client, email);
  });

  it('signs up with the password and attributes asked for later: code, password required, attributes required, completed', async () => {
    const client = await open(shop);
    const email = 'katherine@example.com';
    const started = await client.start('signUp', { username: email });
    expectState(started, 'SignUpCodeRequiredState', 'isCodeRequired');

    const verified = await client.step(started, 'submitCode', await t.mail.nextCode(email));
    expectState(verified, 'SignUpPasswordRequiredState', 'isPasswordRequired');
    const withPassword = await client.step(verified, 'submitPassword', password);
    expectState(withPassword, 'SignUpAttributesRequiredState', 'isAttributesRequired');
    expect(withPassword.details.requiredAttributes).toEqual([
      expect.objectContaining({ name: 'loyaltyTier', required: true }),
    ]);

    const completed = await client.step(withPassword, 'submitAttributes', { loyaltyTier: 'bronze' });
    expectState(completed, 'SignUpCompletedState', 'isCompleted');
    expectState(await client.step(completed, 'signIn'), 'SignInCompletedState', 'isCompleted');
    await expectSignedInThenSignOut(client, email);
  });

  it('signs in with a password: a wrong one is isInvalidPassword, the right one on the same state completes', async () => {
    const email = 'dorothy@example.com';
    await createUser(email, password);
    const client = await open(web);

    const wrongUpFront = await client.start('signIn', { username: email, password: 'not the password at all' });
    expect(wrongUpFront.error).toMatchObject({ error: 'invalid_grant', codes: expect.arrayContaining([50126]) });
    expect(wrongUpFront.error?.checks).toContain('isPasswordIncorrect');

    const started = await client.start('signIn', { username: email });
    expectState(started, 'SignInPasswordRequiredState', 'isPasswordRequired');
    const wrong = await client.step(started, 'submitPassword', 'still not the password');
    expect(wrong.error?.checks).toContain('isInvalidPassword');
    expect(wrong.error).toMatchObject({ error: 'invalid_grant', codes: expect.arrayContaining([50126]) });

    const retried = await client.step(started, 'submitPassword', password);
    expectState(retried, 'SignInCompletedState', 'isCompleted');
    expect(retried.account?.username).toBe(email);
    await expectSignedInThenSignOut(client, email);
  });

  it('signs in with an email code: a wrong code is isInvalidCode, the right one on the same state completes', async () => {
    const email = 'mary@example.com';
    await createUser(email);
    const client = await open(web);

    const started = await client.start('signIn', { username: email });
    expectState(started, 'SignInCodeRequiredState', 'isCodeRequired');
    const code = await t.mail.nextCode(email);
    expect(started.details.codeLength).toBe(code.length);

    // Same length as the real code, so the client sends it and Baton is the one refusing it.
    const wrongCode = code === '0'.repeat(code.length) ? '1'.repeat(code.length) : '0'.repeat(code.length);
    const wrong = await client.step(started, 'submitCode', wrongCode);
    expect(wrong.error).toMatchObject({ error: 'invalid_grant', subError: 'invalid_oob_value' });
    expect(wrong.error?.checks).toContain('isInvalidCode');

    const retried = await client.step(started, 'submitCode', code);
    expectState(retried, 'SignInCompletedState', 'isCompleted');
    await expectSignedInThenSignOut(client, email);
  });

  it('resets a password, signs in from the completed state, and later with the new password only', async () => {
    const email = 'barbara@example.com';
    await createUser(email, password);
    const client = await open(web);

    const started = await client.start('resetPassword', { username: email });
    expectState(started, 'ResetPasswordCodeRequiredState', 'isCodeRequired');
    const verified = await client.step(started, 'submitCode', await t.mail.nextCode(email));
    expectState(verified, 'ResetPasswordPasswordRequiredState', 'isPasswordRequired');
    const reset = await client.step(verified, 'submitNewPassword', newPassword);
    expectState(reset, 'ResetPasswordCompletedState', 'isCompleted');
    expectState(await client.step(reset, 'signIn'), 'SignInCompletedState', 'isCompleted');
    await expectSignedInThenSignOut(client, email);

    const old = await client.start('signIn', { username: email, password });
    expect(old.error?.checks).toContain('isPasswordIncorrect');
    expectState(
      await client.start('signIn', { username: email, password: newPassword }),
      'SignInCompletedState',
      'isCompleted',
    );
    await expectSignedInThenSignOut(client, email);
  });

  describe('an app that requires MFA', () => {
    it('registers the sign-in address on first sign-in with the code sent to it, and refuses another address', async () => {
      const email = 'frances@example.com';
      await createUser(email, password);
      const client = await open(bank);

      const first = await client.start('signIn', { username: email, password });
      expectState(first, 'AuthMethodRegistrationRequiredState', 'isAuthMethodRegistrationRequired');
      expect(first.details.authMethods).toEqual([
        expect.objectContaining({ id: 'email', challenge_type: 'oob', challenge_channel: 'email' }),
      ]);

      // Knowing the password is not enough to plant a mailbox of one's own as the second factor.
      const planted = await client.registerMethod(first, 'mallory@example.org');
      expect(planted.error).toMatchObject({ error: 'invalid_request', codes: [901001] });
      expect(t.mail.messages.some((m) => m.to.includes('mallory@example.org'))).toBe(false);

      // After a password sign-in the sign-in address is not preverified: MSAL's own verification path takes the code.
      const challenged = await client.registerMethod(first, email);
      expectState(challenged, 'AuthMethodVerificationRequiredState', 'isVerificationRequired');
      const registered = await client.step(challenged, 'submitChallenge', await t.mail.nextCode(email));
      expectState(registered, 'AuthMethodRegistrationCompletedState', 'isCompleted');
      // Two factors, the password and the code, and the ID token says so.
      expect(registered.account).toMatchObject({ username: email, idTokenClaims: { amr: ['pwd', 'otp', 'mfa'] } });
      expect(await t.services.repos.mfaMethods.list(registered.account!.homeAccountId.split('.')[0]!)).toEqual([
        expect.objectContaining({ type: 'email', target: email }),
      ]);
      await expectSignedInThenSignOut(client, email);
    });

    it('registers another address with a code, and later sign-ins verify a code sent there', async () => {
      const email = 'hedy@example.com';
      const second = 'hedy.backup@example.org';
      await createUser(email, password);
      const client = await open(club);

      const first = await client.start('signIn', { username: email, password });
      expectState(first, 'AuthMethodRegistrationRequiredState', 'isAuthMethodRegistrationRequired');
      const challenged = await client.registerMethod(first, second);
      expectState(challenged, 'AuthMethodVerificationRequiredState', 'isVerificationRequired');
      const code = await t.mail.nextCode(second);
      expect(challenged.details).toMatchObject({ codeLength: code.length, channel: 'email' });
      const registered = await client.step(challenged, 'submitChallenge', code);
      expectState(registered, 'AuthMethodRegistrationCompletedState', 'isCompleted');
      expect(registered.account?.idTokenClaims?.amr).toContain('mfa');
      await expectSignedInThenSignOut(client, email);

      const later = await client.start('signIn', { username: email, password });
      expectState(later, 'MfaAwaitingState', 'isMfaRequired');
      expect(later.details.authMethods).toEqual([
        expect.objectContaining({ challenge_type: 'oob', challenge_channel: 'email' }),
      ]);
      const mfaChallenge = await client.requestMfaCode(later);
      expectState(mfaChallenge, 'MfaVerificationRequiredState', 'isVerificationRequired');
      const mfaCode = await t.mail.nextCode(second);
      expect(mfaChallenge.details.codeLength).toBe(mfaCode.length);
      expect(mfaChallenge.details.sentTo).not.toBe(second);

      const verified = await client.step(mfaChallenge, 'submitChallenge', mfaCode);
      expectState(verified, 'MfaCompletedState', 'isCompleted');
      expect(verified.account).toMatchObject({ username: email, idTokenClaims: { amr: ['pwd', 'otp', 'mfa'] } });
      await expectSignedInThenSignOut(client, email);
    });
  });

  it('getAccessToken({forceRefresh:true}) returns a new access token, and Baton rotated the refresh token', async () => {
    const email = 'radia@example.com';
    const client = await newUserSignedIn(email);

    const cached = await client.accessToken();
    expect(cached).toMatchObject({ checks: ['isCompleted'], fromCache: true });
    const [firstRefreshToken] = await client.cachedRefreshTokens();
    expect(firstRefreshToken).toEqual(expect.any(String));

    const refreshed = await client.accessToken({ forceRefresh: true });
    expect(refreshed.error, JSON.stringify(refreshed.error)).toBeUndefined();
    expect(refreshed).toMatchObject({ checks: ['isCompleted'], fromCache: false });
    expect(refreshed.accessToken).not.toBe(cached.accessToken);
    expect(
      client.wire.some(
        (call) =>
          call.url.startsWith(`${t.base}/oauth2/v2.0/token?`) && call.body?.includes('grant_type=refresh_token'),
      ),
    ).toBe(true);

    // Baton consumed generation 0 and issued generation 1, which MSAL now holds instead.
    const [currentRefreshToken] = await client.cachedRefreshTokens();
    expect(currentRefreshToken).not.toBe(firstRefreshToken);
    const consumed = await t.services.sessions.findByRefreshToken(t.tenant, firstRefreshToken!);
    const current = await t.services.sessions.findByRefreshToken(t.tenant, currentRefreshToken!);
    expect(consumed?.token).toMatchObject({ generation: 0, consumedAt: expect.any(Number) });
    expect(current?.token).toMatchObject({ generation: 1, consumedAt: null, sessionId: consumed?.token.sessionId });
    expect(current?.session.revokedAt).toBeNull();
    await expectSignedInThenSignOut(client, email);
  });

  it('signOut() leaves getCurrentAccount() with no account, and a new flow can start', async () => {
    const email = 'annie@example.com';
    const client = await newUserSignedIn(email);

    const refused = await client.start('signIn', { username: email, password });
    expect(refused.error?.error).toBe('user_already_signed_in');

    expect((await client.signOut()).checks).toContain('isCompleted');
    const after = await client.currentAccount();
    expect(after.account).toBeNull();
    expect(after.checks).toContain('isFailed');
    expect(after.error?.error).toBe('no_cached_account_found');
    expect(await client.cachedRefreshTokens()).toEqual([]);
    expectState(await client.start('signIn', { username: email }), 'SignInPasswordRequiredState', 'isPasswordRequired');
  });

  it('cannot call Baton from an origin the app did not register', async () => {
    const stranger = await servePage();
    try {
      const client = await open(web, stranger.origin);
      const refused = await client.start('signIn', { username: 'nobody@example.com' });
      expect(refused.state).toBe('SignInFailedState');
      expect(refused.error?.error).toBe('http_request_failed');
    } finally {
      await stranger.close();
    }
  });

  it('answers redirect (isRedirectRequired) when the client cannot serve the app: no challenge types, or MFA without the capabilities', async () => {
    const email = 'lise@example.com';
    await createUser(email, password);
    const withoutChallengeTypes = await (await open(web, pageServer.origin, msalConfig(web, {}))).start('signIn', {
      username: email,
    });
    expect(withoutChallengeTypes.error?.checks).toContain('isRedirectRequired');
    const withoutCapabilities = await (
      await open(bank, pageServer.origin, msalConfig(bank, { challengeTypes: ['password'] }))
    ).start('signIn', { username: email, password });
    expect(withoutCapabilities.error?.checks).toContain('isRedirectRequired');
    expect(
      await t.services.repos.mfaMethods.list((await t.services.repos.users.findByEmail(t.tenant.id, email))!.id),
    ).toEqual([]);
  });

  it('sends nothing to the authority: every request goes to the page or to Baton', () => {
    // Over the calls of every scenario above, kept as their pages closed.
    expect(wire.length).toBeGreaterThan(0);
    const destinations = [t.url, ...pageOrigins].map((origin) => `${origin}/`);
    expect(wire.filter((call) => !destinations.some((d) => call.url.startsWith(d)))).toEqual([]);
  });
});
