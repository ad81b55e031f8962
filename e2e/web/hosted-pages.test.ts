import { readFileSync } from 'node:fs';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App, Tenant } from '../../packages/server/src/core/model.js';
import { handoffClient } from '../../packages/server/test/handoff/handoff-client.js';
import { signInWithPassword } from '../../packages/server/test/support/http.js';
import { startTestServer, type TestServer } from '../../packages/server/test/support/test-server.js';
import { click, heading } from '../support/browser-pages.js';
import { launchChromium } from '../msal/support/browser.js';
import { startExampleWebApp, type RunningWebApp } from './support/example-web-app.js';
import { committedScreenshots, Screenshots } from './support/screenshots.js';

const adaPassword = 'Blue kettles whistle at dawn 42';

/** What one browser context saw: every response, for checking which pages were shown and where requests went. */
interface Opened {
  context: BrowserContext;
  page: Page;
  responses: Array<{ url: string; status: number; html: boolean }>;
}

/**
 * The hosted pages and web-view SSO in headless Chromium, through the example web app (an
 * openid-client relying party) on a themed tenant: sign-up, sign-in with a password and
 * with an emailed code, password reset (codes read from the mail Baton sends), a second
 * web app signed in silently, the web-view handoff with a session transfer token, its
 * replay, revocation of the app session, and the bearer pattern. Screenshots of each
 * hosted page are taken on the way (docs/hosted-pages.md shows them).
 */
describe('hosted pages and web-view SSO in headless Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let t: TestServer;
  let tenant: Tenant;
  let phone: App;
  /** The web app the native app opens in its web view. */
  let shop: RunningWebApp;
  /** Another web app of the same tenant, for single sign-on. */
  let help: RunningWebApp;
  const shots = new Screenshots();
  const opened: Opened[] = [];

  beforeAll(async () => {
    // The browser first: without Chromium the file fails at once, before anything else is started.
    browser = await launchChromium();
    t = await startTestServer();
    tenant = await t.services.tenants.create({ name: 'shop', displayName: 'Acme Shop', theme: { color: '#0a6b47' } });
    ({ app: phone } = await t.services.apps.register(tenant, {
      name: 'Acme Shop for iOS',
      allowSessionTransfer: true,
    }));
    shop = await startExampleWebApp(t, {
      tenant,
      name: 'Acme Shop',
      bearerAudiences: [phone.clientId],
      register: { userAttributes: [{ name: 'displayName', type: 'string', required: true }] },
    });
    help = await startExampleWebApp(t, { tenant, name: 'Acme Help Centre' });
    await t.services.accounts.create(tenant, {
      email: 'ada@example.com',
      password: adaPassword,
      displayName: 'Ada Lovelace',
      emailVerified: true,
    });
  }, 60_000);
  afterEach(async () => {
    const contexts = opened.splice(0);
    // No page ever reached beyond this machine (a logo, a font, an open redirect).
    for (const { responses } of contexts) for (const r of responses) expect(new URL(r.url).hostname).toBe('127.0.0.1');
    await Promise.all(contexts.map(({ context }) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([shop?.close(), help?.close()]);
    await t?.close();
    shots.dispose();
  });

  const batonBase = () => `${t.url}/${tenant.name}`;

  /** A fresh browser (context) the size of a phone's web view. */
  async function open(options: { headers?: Record<string, string> } = {}): Promise<Opened> {
    const context = await browser.newContext({
      viewport: { width: 420, height: 720 },
      ...(options.headers ? { extraHTTPHeaders: options.headers } : {}),
    });
    const page = await context.newPage();
    const o: Opened = { context, page, responses: [] };
    page.on('response', (r) =>
      o.responses.push({
        url: r.url(),
        status: r.status(),
        html: (r.headers()['content-type'] ?? '').startsWith('text/html'),
      }),
    );
    opened.push(o);
    return o;
  }
  /** The id of the element that has the focus (the page code runs in the browser, where `document` exists). */
  const focused = (page: Page) =>
    page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id,
    );
  /** The Baton pages (HTML answered 200) a browser was shown, by path. */
  const batonPagesShown = (o: Opened, since = 0) =>
    o.responses
      .slice(since)
      .filter((r) => r.url.startsWith(batonBase()) && r.html && r.status === 200)
      .map((r) => new URL(r.url).pathname);

  async function codeFor(page: Page, email: string) {
    await page.getByLabel('Verification code').fill(await t.mail.nextCode(email));
    await click(page, 'Verify');
  }

  it('signs in with a password at the hosted pages, then a second web app signs in without a prompt', async () => {
    const o = await open();
    const { page } = o;
    await page.goto(`${shop.origin}/login`);
    await heading(page, 'Sign in');
    expect(new URL(page.url()).pathname).toBe('/shop/oauth2/v2.0/authorize');
    expect(await focused(page)).toBe('email');
    await shots.take(page, 'sign-in-identify');
    await page.getByLabel('Email address').fill('ada@example.com');
    await click(page, 'Next');
    await heading(page, 'Enter your password');
    await shots.take(page, 'sign-in-password');
    await page.getByLabel('Password').fill('not my password at all');
    await click(page, 'Sign in');
    await page.locator('#password-error').waitFor();
    expect(await page.locator('#password-error').textContent()).toBe('That password is not right.');
    expect(await focused(page)).toBe('password');
    await shots.take(page, 'sign-in-password-error');
    await page.getByLabel('Password').fill(adaPassword);
    await click(page, 'Sign in');
    await heading(page, 'Signed in as Ada Lovelace');
    expect(page.url()).toBe(`${shop.origin}/`);

    const before = o.responses.length;
    await page.goto(`${help.origin}/login`);
    await heading(page, 'Signed in as Ada Lovelace');
    expect(page.url()).toBe(`${help.origin}/`);
    expect(
      o.responses
        .slice(before)
        .some((r) => r.url.startsWith(`${batonBase()}/oauth2/v2.0/authorize`) && r.status === 303),
    ).toBe(true);
    expect(batonPagesShown(o, before)).toEqual([]);
  });

  it('signs in with an emailed code', async () => {
    await t.services.accounts.create(tenant, {
      email: 'lin@example.com',
      displayName: 'Lin Codeonly',
      emailVerified: true,
    });
    const { page } = await open();
    await page.goto(`${shop.origin}/login`);
    await page.getByLabel('Email address').fill('lin@example.com');
    await click(page, 'Next');
    await heading(page, 'Check your email');
    expect(await page.locator('#code-hint').textContent()).toMatch(/We sent an 8-digit code to l\*+@example\.com/);
    await shots.take(page, 'sign-in-code');
    await codeFor(page, 'lin@example.com');
    await heading(page, 'Signed in as Lin Codeonly');
  });

  it('signs up: email and password, the emailed code, the required name, then signed in', async () => {
    const { page } = await open();
    await page.goto(`${shop.origin}/login`);
    await click(page, 'Create an account');
    await heading(page, 'Create an account');
    await shots.take(page, 'sign-up');
    await page.getByLabel('Email address').fill('grace@example.com');
    await page.getByLabel('Password').fill('password');
    await click(page, 'Continue');
    await page.locator('#password-error').waitFor();
    expect(await focused(page)).toBe('password');
    expect(await page.getByLabel('Email address').inputValue()).toBe('grace@example.com');
    await page.getByLabel('Password').fill('Compilers are friendlier now 1952');
    await click(page, 'Continue');
    await heading(page, 'Verify your email');
    await shots.take(page, 'sign-up-code');
    await codeFor(page, 'grace@example.com');
    await heading(page, 'About you');
    await shots.take(page, 'sign-up-attributes');
    await page.getByLabel('Display name').fill('Grace Hopper');
    await click(page, 'Create account');
    await heading(page, 'Signed in as Grace Hopper');
    expect(await t.services.accounts.findByEmail(tenant, 'grace@example.com')).toMatchObject({
      displayName: 'Grace Hopper',
      emailVerified: true,
    });
  });

  it('resets a forgotten password: email, code, new password, then signed in', async () => {
    await t.services.accounts.create(tenant, {
      email: 'hedy@example.com',
      password: 'Frequency hopping since 1942',
      displayName: 'Hedy Lamarr',
      emailVerified: true,
    });
    const { page } = await open();
    await page.goto(`${shop.origin}/login`);
    await page.getByLabel('Email address').fill('hedy@example.com');
    await click(page, 'Next');
    await heading(page, 'Enter your password');
    await click(page, 'Forgot your password?');
    await heading(page, 'Reset your password');
    expect(await page.getByLabel('Email address').inputValue()).toBe('hedy@example.com');
    await shots.take(page, 'reset-email');
    await click(page, 'Send code');
    await heading(page, 'Check your email');
    await shots.take(page, 'reset-code');
    await codeFor(page, 'hedy@example.com');
    await heading(page, 'Choose a new password');
    await shots.take(page, 'reset-password');
    await page.getByLabel('New password').fill('Spread spectrum for everyone 2024');
    await click(page, 'Save and sign in');
    await heading(page, 'Signed in as Hedy Lamarr');
    expect(
      (await signInWithPassword(batonBase(), phone.clientId, 'hedy@example.com', 'Spread spectrum for everyone 2024'))
        .status,
    ).toBe(200);
  });

  it('shows an error page, never a redirect, for an unregistered redirect URI; and a signed-out page', async () => {
    const { page } = await open();
    const response = await page.goto(
      `${batonBase()}/oauth2/v2.0/authorize?${new URLSearchParams({
        client_id: shop.app.clientId,
        redirect_uri: 'https://evil.example/callback',
        response_type: 'code',
        code_challenge_method: 'S256',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      })}`,
    );
    expect(response?.status()).toBe(400);
    await heading(page, 'Something went wrong');
    expect(await page.getByRole('alert').textContent()).toMatch(/redirect_uri is not registered/);
    await shots.take(page, 'error');
    await page.goto(`${batonBase()}/oauth2/v2.0/logout`);
    await heading(page, 'Signed out');
    await shots.take(page, 'signed-out');
  });

  it('asks before a logout without id_token_hint signs out', async () => {
    const { page } = await open();
    await page.goto(`${shop.origin}/login`);
    await page.getByLabel('Email address').fill('ada@example.com');
    await click(page, 'Next');
    await page.getByLabel('Password').fill(adaPassword);
    await click(page, 'Sign in');
    await heading(page, 'Signed in as Ada Lovelace');
    await page.goto(
      `${batonBase()}/oauth2/v2.0/logout?${new URLSearchParams({ client_id: shop.app.clientId, post_logout_redirect_uri: `${shop.origin}/` })}`,
    );
    await heading(page, 'Sign out?');
    await shots.take(page, 'sign-out-confirm');
    await click(page, 'Sign out');
    await page.waitForURL(`${shop.origin}/`);
    await page.goto(`${help.origin}/login?prompt=none`);
    await heading(page, 'Sign-in did not complete');
    expect(await page.locator('#error').textContent()).toBe('login_required');
  });

  describe('the web view', () => {
    /** The phone app signs in natively and asks for a transfer token for the shop. */
    async function phoneTransfer() {
      const signedIn = await signInWithPassword(batonBase(), phone.clientId, 'ada@example.com', adaPassword);
      expect(signedIn.status).toBe(200);
      const transfer = await handoffClient({ ...t, base: batonBase() }, { phone, watch: shop.app }).transferToken(
        signedIn.body.refresh_token,
      );
      return {
        sessionId: decodeJwt(signedIn.body.id_token).sid as string,
        transfer,
        webViewUrl: `${shop.origin}/login?session_transfer_token=${encodeURIComponent(transfer)}`,
      };
    }
    const shownSessionId = (page: Page) => page.locator('dt:text-is("Baton session") + dd').textContent();

    it("opened with a session transfer token lands signed in with no prompt, a session below the app's; revoking the app session signs it out", async () => {
      const phoneSession = await phoneTransfer();
      const o = await open();
      const { page } = o;
      await page.goto(phoneSession.webViewUrl);
      await heading(page, 'Signed in as Ada Lovelace');
      expect(page.url()).toBe(`${shop.origin}/`);
      expect(batonPagesShown(o)).toEqual([]);
      const authorize = o.responses.find((r) => r.url.startsWith(`${batonBase()}/oauth2/v2.0/authorize`));
      expect(new URL(authorize!.url).searchParams.get('session_transfer_token')).toBe(phoneSession.transfer);
      expect(authorize!.status).toBe(303);
      const webSession = await t.services.sessions.find((await shownSessionId(page))!);
      const browserSession = await t.services.sessions.find(webSession!.parentId!);
      expect(browserSession!.parentId).toBe(phoneSession.sessionId);

      await t.services.sessions.revoke(phoneSession.sessionId, 'signed out on the phone');
      await click(page, 'Refresh tokens');
      await page.getByText('Your session has ended (invalid_grant): sign in again.').waitFor();
      await page.goto(`${shop.origin}/login?prompt=none`);
      await heading(page, 'Sign-in did not complete');
      expect(await page.locator('#error').textContent()).toBe('login_required');
    });

    it('a replayed transfer URL, in a fresh web view, shows the sign-in page', async () => {
      const { webViewUrl } = await phoneTransfer();
      const first = await open();
      await first.page.goto(webViewUrl);
      await heading(first.page, 'Signed in as Ada Lovelace');
      const replay = await open();
      await replay.page.goto(webViewUrl);
      await heading(replay.page, 'Sign in');
      expect(batonPagesShown(replay)).toEqual(['/shop/oauth2/v2.0/authorize']);
      expect(await replay.page.locator('main').textContent()).not.toMatch(/transfer|expired|used|invalid/i);
    });

    it('opened in a view signed in as another user, asks before it switches', async () => {
      await t.services.accounts.create(tenant, {
        email: 'alan@example.com',
        password: adaPassword,
        displayName: 'Alan Turing',
        emailVerified: true,
      });
      const o = await open();
      const { page } = o;
      await page.goto((await phoneTransfer()).webViewUrl);
      await heading(page, 'Signed in as Ada Lovelace');
      const alans = await signInWithPassword(batonBase(), phone.clientId, 'alan@example.com', adaPassword);
      const transfer = await handoffClient({ ...t, base: batonBase() }, { phone, watch: shop.app }).transferToken(
        alans.body.refresh_token,
      );
      await page.goto(`${shop.origin}/login?session_transfer_token=${encodeURIComponent(transfer)}`);
      await heading(page, 'Switch account?');
      await shots.take(page, 'switch-account');
      await click(page, 'Continue as alan@example.com');
      await heading(page, 'Signed in as Alan Turing');
    });

    it('the bearer pattern: the access token on the request shows the user, and the web app keeps no session', async () => {
      const signedIn = await signInWithPassword(batonBase(), phone.clientId, 'ada@example.com', adaPassword);
      const { context, page } = await open({ headers: { authorization: `Bearer ${signedIn.body.access_token}` } });
      await page.goto(`${shop.origin}/`);
      await heading(page, 'Signed in as Ada Lovelace');
      expect(await page.locator('#via').textContent()).toMatch(/Authorization: Bearer/);
      expect(await context.cookies()).toEqual([]);
      await context.setExtraHTTPHeaders({});
      await page.reload();
      await heading(page, 'Not signed in');
    });
  });

  it('took a screenshot of every hosted page, and docs/hosted-pages.md shows each committed one', () => {
    const expected = [
      'error',
      'reset-code',
      'reset-email',
      'reset-password',
      'sign-in-code',
      'sign-in-identify',
      'sign-in-password',
      'sign-in-password-error',
      'sign-out-confirm',
      'sign-up',
      'sign-up-attributes',
      'sign-up-code',
      'signed-out',
      'switch-account',
    ];
    expect([...shots.taken].sort()).toEqual(expected);
    for (const name of expected) {
      const png = shots.read(name);
      expect(png.subarray(0, 8).toString('hex'), name).toBe('89504e470d0a1a0a');
      expect(png.length, name).toBeGreaterThan(5_000);
    }
    expect(committedScreenshots('hosted')).toEqual(expected);
    const doc = readFileSync(new URL('../../docs/hosted-pages.md', import.meta.url), 'utf8');
    const shown = [...doc.matchAll(/\]\(screenshots\/([\w-]+)\.png\)/g)].map((m) => m[1]).sort();
    expect(shown).toEqual(expected);
  });
});
