import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../packages/server/src/core/model.js';
import { handoffClient } from '../../packages/server/test/handoff/handoff-client.js';
import { signInWithPassword } from '../../packages/server/test/support/http.js';
import type { TestServer } from '../../packages/server/test/support/test-server.js';
import { newPkce } from '../../packages/server/test/web/web-client.js';
import type { RunningWebApp } from '../web/support/example-web-app.js';
import type { AttackerSite } from './support/attacker-site.js';
import { click, heading } from '../support/browser-pages.js';
import { startVictimScene, type VictimScene } from './support/victim-browser.js';

const malloryPassword = 'Mallory plants her own account 77';

/**
 * Review finding 3 (login CSRF through `session_transfer_token`), in headless Chromium.
 * Ada is signed in to Baton in her browser. Mallory signs in to her own account in the
 * native app, asks for a transfer token for the shop, and puts it in a page on her own
 * site that sends Ada's browser to the shop (or straight to Baton) with it. Ada's browser
 * must not silently become Mallory's: Baton asks, showing both accounts, and until Ada
 * says "continue" her SSO session stays hers.
 */
describe('a session transfer token from another site does not switch a signed-in browser', { timeout: 60_000 }, () => {
  let scene: VictimScene;
  let t: TestServer;
  let phone: App;
  let shop: RunningWebApp;
  let help: RunningWebApp;
  let attacker: AttackerSite;
  const adasBrowser = () => scene.adasBrowser();

  beforeAll(async () => {
    scene = await startVictimScene();
    ({ t, shop, help, attacker } = scene);
    ({ app: phone } = await t.registerApp({ name: 'Shop for iOS', allowSessionTransfer: true }));
    await t.services.accounts.create(t.tenant, {
      email: 'mallory@example.com',
      password: malloryPassword,
      displayName: 'Mallory Attacker',
      emailVerified: true,
    });
  }, 60_000);
  afterEach(() => scene.closeBrowsers());
  afterAll(() => scene?.close());

  /** Baton's SSO cookie in this browser (its path is the tenant's). */
  const ssoCookie = async (context: BrowserContext) =>
    (await context.cookies(t.base)).find((c) => c.name === 'baton_sso')?.value;

  /** Mallory's transfer token: her own native sign-in, handed off to `to`. */
  async function mallorysTransferToken(to: App = shop.app): Promise<string> {
    const signedIn = await signInWithPassword(t.base, phone.clientId, 'mallory@example.com', malloryPassword);
    expect(signedIn.status).toBe(200);
    return handoffClient(t, { phone, watch: to }).transferToken(signedIn.body.refresh_token);
  }

  /** Which account another web app of the tenant gets by silent SSO in this browser. */
  async function silentSsoUser(page: Page): Promise<string | null> {
    await page.goto(`${help.origin}/login?prompt=none`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    return page
      .locator('dt:text-is("Email") + dd')
      .textContent({ timeout: 1_000 })
      .catch(() => null);
  }

  it("through the web app's login link: Baton asks, showing both accounts, and the SSO session stays Ada's", async () => {
    const { context, page } = await adasBrowser();
    const adasCookie = await ssoCookie(context);
    expect(adasCookie).toEqual(expect.any(String));
    const transfer = await mallorysTransferToken();
    await page.goto(
      attacker.publish('/prize', {
        method: 'GET',
        action: `${shop.origin}/login`,
        fields: { session_transfer_token: transfer },
      }),
    );
    await heading(page, 'Switch account?');
    expect(new URL(page.url()).origin).toBe(t.url);
    const text = await page.locator('main').textContent();
    expect(text).toContain('You are signed in as ada@example.com');
    expect(text).toContain('mallory@example.com');
    expect(await page.getByRole('button', { name: 'Continue as mallory@example.com' }).isVisible()).toBe(true);
    expect(await page.locator('script').count()).toBe(0);
    expect(await ssoCookie(context)).toBe(adasCookie);
    expect(await silentSsoUser(page)).toBe('ada@example.com');
  });

  it('straight to the authorization endpoint with its own request: same question, nothing switched', async () => {
    const { context, page } = await adasBrowser();
    const adasCookie = await ssoCookie(context);
    const transfer = await mallorysTransferToken();
    await page.goto(
      attacker.publish('/direct', {
        method: 'GET',
        action: `${t.base}/oauth2/v2.0/authorize`,
        fields: {
          client_id: shop.app.clientId,
          redirect_uri: `${shop.origin}/callback`,
          response_type: 'code',
          scope: 'openid profile',
          code_challenge: newPkce().challenge,
          code_challenge_method: 'S256',
          state: 'mallorys-state',
          session_transfer_token: transfer,
        },
      }),
    );
    await heading(page, 'Switch account?');
    expect(await ssoCookie(context)).toBe(adasCookie);
    expect(await silentSsoUser(page)).toBe('ada@example.com');
  });

  it('Cancel keeps Ada signed in and tells the web app access_denied', async () => {
    const { context, page } = await adasBrowser();
    const adasCookie = await ssoCookie(context);
    await page.goto(
      attacker.publish('/cancel', {
        method: 'GET',
        action: `${shop.origin}/login`,
        fields: { session_transfer_token: await mallorysTransferToken() },
      }),
    );
    await heading(page, 'Switch account?');
    await click(page, 'Cancel');
    await heading(page, 'Sign-in did not complete');
    expect(new URL(page.url()).origin).toBe(shop.origin);
    expect(await page.locator('#error').textContent()).toBe('access_denied');
    expect(await ssoCookie(context)).toBe(adasCookie);
    expect(await silentSsoUser(page)).toBe('ada@example.com');
  });

  it('a forged answer from another site (no CSRF token) switches nothing', async () => {
    const { context, page } = await adasBrowser();
    const adasCookie = await ssoCookie(context);
    await page.goto(
      attacker.publish('/forged', {
        method: 'POST',
        action: `${t.base}/login/switch`,
        fields: { transfer: await mallorysTransferToken(), csrf: 'guessed', request: 'guessed' },
      }),
    );
    await heading(page, 'Something went wrong');
    expect(await ssoCookie(context)).toBe(adasCookie);
    expect(await silentSsoUser(page)).toBe('ada@example.com');
  });

  it('Continue, chosen by the person, signs the browser in as the arriving user', async () => {
    const { context, page } = await adasBrowser();
    const adasCookie = await ssoCookie(context);
    await page.goto(`${shop.origin}/login?session_transfer_token=${encodeURIComponent(await mallorysTransferToken())}`);
    await heading(page, 'Switch account?');
    await click(page, 'Continue as mallory@example.com');
    await heading(page, 'Signed in as Mallory Attacker');
    expect(await ssoCookie(context)).not.toBe(adasCookie);
    expect(await silentSsoUser(page)).toBe('mallory@example.com');
  });

  it("the same user's transfer token goes through without a question", async () => {
    const { page } = await adasBrowser();
    const signedIn = await signInWithPassword(t.base, phone.clientId, t.user.email, t.userPassword);
    const transfer = await handoffClient(t, { phone, watch: shop.app }).transferToken(signedIn.body.refresh_token);
    await page.goto(
      attacker.publish('/same', {
        method: 'GET',
        action: `${shop.origin}/login`,
        fields: { session_transfer_token: transfer },
      }),
    );
    await heading(page, 'Signed in as Ada Lovelace');
    expect(new URL(page.url()).origin).toBe(shop.origin);
  });
});
