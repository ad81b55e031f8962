import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../packages/server/test/support/test-server.js';
import type { RunningWebApp } from '../web/support/example-web-app.js';
import type { AttackerSite } from './support/attacker-site.js';
import { click, heading } from '../support/browser-pages.js';
import { startVictimScene, type VictimScene } from './support/victim-browser.js';

/**
 * Review finding 4 (logout CSRF), in headless Chromium. Ada is signed in to Baton and to
 * the shop. A page on another site sends her browser to Baton's logout endpoint (a link,
 * an auto-submitted form) without an `id_token_hint`. Baton asks before it signs her out,
 * on a page whose form carries a CSRF token; a forged answer from another site fails.
 * The shop's own logout (with the hint) still signs out at once.
 */
describe('logout from another site asks first', { timeout: 60_000 }, () => {
  let scene: VictimScene;
  let t: TestServer;
  let shop: RunningWebApp;
  let help: RunningWebApp;
  let attacker: AttackerSite;
  const adasBrowser = () => scene.adasBrowser();

  beforeAll(async () => {
    scene = await startVictimScene();
    ({ t, shop, help, attacker } = scene);
  }, 60_000);
  afterEach(() => scene.closeBrowsers());
  afterAll(() => scene?.close());

  /** Whether the browser is still signed in to Baton: another web app signs in silently, or is told login_required. */
  async function stillSignedIn(page: Page): Promise<boolean> {
    await page.goto(`${help.origin}/login?prompt=none`);
    const title = await page.getByRole('heading', { level: 1 }).textContent();
    if (title === 'Signed in as Ada Lovelace') return true;
    expect(await page.locator('#error').textContent()).toBe('login_required');
    return false;
  }
  /**
   * Whether the shop's own session (a child of the browser session) still refreshes. Ask
   * it first: the web apps share a host, so the help centre's session cookie replaces the shop's.
   */
  async function shopSessionAlive(page: Page): Promise<boolean> {
    await page.goto(`${shop.origin}/`);
    await click(page, 'Refresh tokens');
    await page.getByRole('heading', { level: 1 }).waitFor();
    return !(await page.getByText('Your session has ended').isVisible());
  }

  const logoutUrl = () => `${t.base}/oauth2/v2.0/logout`;
  const backToShop = () => ({
    post_logout_redirect_uri: `${shop.origin}/`,
    client_id: shop.app.clientId,
    state: 'from-mallory',
  });

  it('a link (GET) to the logout endpoint without id_token_hint shows "Sign out?" and signs nothing out', async () => {
    const { page } = await adasBrowser();
    await page.goto(attacker.publish('/logout-link', { method: 'GET', action: logoutUrl(), fields: backToShop() }));
    await heading(page, 'Sign out?');
    expect(new URL(page.url()).origin).toBe(t.url);
    expect(await page.locator('main').textContent()).toContain('You are signed in as ada@example.com');
    expect(await page.locator('script').count()).toBe(0);
    expect(await shopSessionAlive(page)).toBe(true);
    expect(await stillSignedIn(page)).toBe(true);
  });

  it('an auto-submitted form (POST) to the logout endpoint shows "Sign out?" and signs nothing out; the answer from that page does', async () => {
    const { page } = await adasBrowser();
    // No client_id: with one, the shop's allowed origins would refuse a POST from this site before logout runs.
    const { client_id: _, ...fields } = backToShop();
    await page.goto(attacker.publish('/logout-form', { method: 'POST', action: logoutUrl(), fields }));
    await heading(page, 'Sign out?');
    // Another port of 127.0.0.1 is the same site, so the SSO cookie came along; from another
    // site (SameSite=Lax) it would not, and Baton would ask all the same, without the name.
    expect(await page.locator('main').textContent()).toContain('You are signed in as ada@example.com');
    expect(await shopSessionAlive(page)).toBe(true);
    expect(await stillSignedIn(page)).toBe(true);
    await page.goto(attacker.publish('/logout-form-again', { method: 'POST', action: logoutUrl(), fields }));
    await heading(page, 'Sign out?');
    await click(page, 'Sign out');
    await heading(page, 'Signed out');
    expect(await stillSignedIn(page)).toBe(false);
  });

  it('a hint Baton did not sign counts as no hint', async () => {
    const { page } = await adasBrowser();
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: `${t.base}/v2.0`, aud: shop.app.clientId, sub: t.user.id })).toString('base64url')}.`;
    await page.goto(
      attacker.publish('/forged-hint', {
        method: 'GET',
        action: logoutUrl(),
        fields: { ...backToShop(), id_token_hint: forged },
      }),
    );
    await heading(page, 'Sign out?');
    expect(await stillSignedIn(page)).toBe(true);
  });

  it.each([
    ['without a CSRF token', {}],
    ['with a made-up CSRF token', { csrf: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
  ])('a forged confirmation from another site %s fails with 403 and signs nothing out', async (_case, extra) => {
    // Same site as Baton (another port), so even the CSRF cookie comes along: only the token it lacks stops it.
    const { page } = await adasBrowser();
    const answer = page.waitForResponse((r) => r.url() === `${t.base}/logout/confirm`);
    await page.goto(
      attacker.publish(`/confirm-${Object.keys(extra).length}`, {
        method: 'POST',
        action: `${t.base}/logout/confirm`,
        fields: { post_logout_redirect_uri: `${shop.origin}/`, ...extra },
      }),
    );
    expect((await answer).status()).toBe(403);
    await heading(page, 'Something went wrong');
    expect(await shopSessionAlive(page)).toBe(true);
    expect(await stillSignedIn(page)).toBe(true);
  });

  it('"Sign out", clicked by the person, signs out and goes back to the registered post_logout_redirect_uri', async () => {
    const { page } = await adasBrowser();
    await page.goto(`${logoutUrl()}?${new URLSearchParams(backToShop())}`);
    await heading(page, 'Sign out?');
    await click(page, 'Sign out');
    await page.waitForURL((url) => url.origin === shop.origin);
    expect(new URL(page.url()).searchParams.get('state')).toBe('from-mallory');
    expect(await stillSignedIn(page)).toBe(false);
  });

  it("the web app's own logout, with id_token_hint, signs out at once with no question", async () => {
    const { page } = await adasBrowser();
    const shown: string[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(t.base) && r.status() === 200) shown.push(new URL(r.url()).pathname);
    });
    await page.getByRole('link', { name: 'Sign out' }).click();
    await heading(page, 'Not signed in');
    expect(new URL(page.url()).origin).toBe(shop.origin);
    expect(shown).toEqual([]);
    expect(await stillSignedIn(page)).toBe(false);
  });
});
