import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../packages/server/src/core/audit/admin-caller.js';
import type { App } from '../../packages/server/src/core/model.js';
import { handoffClient, type HandoffClient } from '../../packages/server/test/handoff/handoff-client.js';
import { type DpopKey, newDpopKey } from '../../packages/server/test/support/dpop.js';
import { startTestServer, type TestServer } from '../../packages/server/test/support/test-server.js';
import { authorizeUrl, newPkce } from '../../packages/server/test/web/web-client.js';
import { heading, localPages } from '../support/browser-pages.js';
import { launchChromium } from '../msal/support/browser.js';
import { committedScreenshots, Screenshots } from './support/screenshots.js';

/**
 * The account page ("Your devices") in headless Chromium, one browser for the file: Ada's
 * phone has handed off to her watch and opened the page in its in-app browser (a session
 * transfer token); she sees the tree, signs the watch out after the question, and the
 * watch's next refresh is refused while the phone's works. Then, on a computer, keyboard
 * only: she signs in, tabs through the page, signs out another watch with Enter and Space,
 * and signs out everywhere else. Screenshots for docs/account.md on the way.
 */
describe('the account page in headless Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let t: TestServer;
  let phoneApp: App;
  let watchApp: App;
  let webView: App;
  let client: HandoffClient;
  let pages: ReturnType<typeof localPages>;
  const shots = new Screenshots();

  beforeAll(async () => {
    // The browser first: without Chromium the file fails at once, before anything else is started.
    browser = await launchChromium();
    t = await startTestServer();
    pages = localPages(browser, t.url);
    await t.services.tenants.update(t.tenant, { displayName: 'Acme', theme: { color: '#0a6b47' } }, systemCaller);
    phoneApp = (await t.registerApp({ name: 'Acme for iOS', allowSessionTransfer: true })).app;
    watchApp = (await t.registerApp({ name: 'Acme for watchOS', acceptSessionTransfer: true })).app;
    // The phone app opens the account page in its in-app browser: the page is where the sign-in lands.
    ({ app: webView } = await t.registerApp({
      name: 'Acme in-app pages',
      acceptSessionTransfer: true,
      redirectUris: [`${t.base}/account`],
    }));
    client = handoffClient(t, { phone: phoneApp, watch: watchApp });
  }, 60_000);
  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await t?.close();
    shots.dispose();
  });

  const open = () => pages.open();
  const status = (page: Page) => page.getByRole('status').textContent();
  /** The accessible name of the focused element, as the keyboard user's screen reader says it. */
  const focused = async (page: Page) => {
    const element = page.locator(':focus');
    return (await element.count()) ? ((await element.textContent())?.trim() ?? '') : '';
  };

  /** Ada's phone (a native sign-in) and a watch it handed off to, with the watch's tokens and key. */
  async function phoneWithWatch(phoneName: string, watchName: string) {
    const phone = await client.signIn(phoneApp, { device_name: phoneName, device_platform: 'iOS 18' });
    const key = await newDpopKey();
    const redeemed = await client.redeem(await client.transferToken(phone.refreshToken), key, {
      extra: { device_name: watchName, device_platform: 'watchOS 11' },
    });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(200);
    return { phone, watch: { refreshToken: redeemed.body.refresh_token as string, key } };
  }
  const refreshes = (app: App, refreshToken: string, key: DpopKey | null = null) =>
    client.refresh(app, refreshToken, key);

  it('in the phone’s in-app browser: the tree, this device marked; the watch signed out after asking stops refreshing, the phone goes on', async () => {
    const { phone, watch } = await phoneWithWatch('Ada’s iPhone', 'Ada’s Watch');
    const transfer = await client.requestTransfer(phone.refreshToken, { audience: webView.clientId });
    const page = await open();
    // Its redirect URI is the account page: the sign-in lands there (the code is never redeemed).
    await page.goto(
      authorizeUrl(t, webView, newPkce(), { session_transfer_token: transfer.body.access_token as string }),
    );
    await heading(page, 'Your devices');
    expect(new URL(page.url()).search).toBe('');

    const phoneItem = page.getByRole('listitem').filter({ has: page.getByText('Ada’s iPhone', { exact: true }) });
    const underPhone = phoneItem.getByRole('list').getByRole('listitem');
    expect(await underPhone.getByRole('strong').allTextContents()).toEqual(['Ada’s Watch', 'In-app browser']);
    const view = underPhone.filter({ hasText: 'In-app browser' });
    expect(await view.textContent()).toContain('This device');
    expect(await view.textContent()).toContain('Chrome on Linux');
    expect(await phoneItem.locator('p.hint').first().textContent()).toMatch(/^iOS 18 · Acme for iOS · Last used/);
    expect(await phoneItem.locator('time').first().getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    await shots.take(page, 'account-devices');

    await page.getByRole('button', { name: 'Sign out Ada’s Watch (Acme for watchOS)', exact: true }).click();
    await heading(page, 'Sign out Ada’s Watch?');
    await shots.take(page, 'account-sign-out-question');
    await page.getByRole('button', { name: 'Sign out Ada’s Watch', exact: true }).click();
    await heading(page, 'Your devices');
    expect(await status(page)).toBe('Ada’s Watch is signed out.');
    expect(await page.locator('.tree').getByText('Ada’s Watch', { exact: true }).count()).toBe(0);

    const watchRefresh = await refreshes(watchApp, watch.refreshToken, watch.key);
    expect(watchRefresh.status).toBe(400);
    expect(watchRefresh.body.error).toBe('invalid_grant');
    expect((await refreshes(phoneApp, phone.refreshToken)).status).toBe(200);
  });

  it('keyboard only, on a computer: signs in, tabs through the devices in tree order, signs out a watch and then everywhere else', async () => {
    const { phone, watch } = await phoneWithWatch('Ada’s iPad', 'Ada’s other Watch');
    const page = await open();
    await page.goto(`${t.base}/account?client_id=${phoneApp.clientId}`);
    await heading(page, 'Sign in');
    await page.keyboard.type(t.user.email);
    await page.keyboard.press('Enter');
    await heading(page, 'Enter your password');
    await page.keyboard.type(t.userPassword);
    await page.keyboard.press('Enter');
    await heading(page, 'Your devices');

    // Tab through the whole page: every sign-out button, in the order the tree reads, then "everywhere else" and "everywhere".
    const order: string[] = [];
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      const name = await focused(page);
      if (name === '' || order.includes(name)) break;
      order.push(name);
    }
    const buttons = await page.getByRole('button').allTextContents();
    expect(order).toEqual(buttons.map((b) => b.trim()));
    expect(order.slice(-2)).toEqual(['Sign out everywhere else', 'Sign out everywhere, this device too']);
    const ipad = order.indexOf('Sign out Ada’s iPad (Acme for iOS)');
    expect(order[ipad + 1]).toBe('Sign out Ada’s other Watch (Acme for watchOS)');
    expect(order.filter((name) => name.startsWith('Sign out Chrome on Linux'))).toHaveLength(1);

    await page.getByRole('button', { name: order[0] }).focus();
    for (let i = 0; i <= ipad; i++) await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Sign out Ada’s other Watch (Acme for watchOS)');
    await page.keyboard.press('Enter');
    await heading(page, 'Sign out Ada’s other Watch?');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Sign out Ada’s other Watch');
    await page.keyboard.press('Space');
    await heading(page, 'Your devices');
    expect(await status(page)).toBe('Ada’s other Watch is signed out.');
    expect((await refreshes(watchApp, watch.refreshToken, watch.key)).body.error).toBe('invalid_grant');

    await page.getByRole('button', { name: 'Sign out everywhere else' }).focus();
    await page.keyboard.press('Enter');
    await heading(page, 'Sign out everywhere else?');
    await shots.take(page, 'account-sign-out-everywhere');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Sign out everywhere else');
    await page.keyboard.press('Enter');
    await heading(page, 'Your devices');
    expect(await status(page)).toMatch(/^You are signed out everywhere else/);
    expect(await page.getByRole('button').allTextContents()).toEqual([
      'Sign out Chrome on Linux (Acme for iOS)',
      'Sign out everywhere, this device too',
    ]);
    expect((await refreshes(phoneApp, phone.refreshToken)).body.error).toBe('invalid_grant');
  });

  it('took a screenshot of each account page, each shown in docs/account.md', () => {
    const expected = ['account-devices', 'account-sign-out-everywhere', 'account-sign-out-question'];
    expect([...shots.taken].sort()).toEqual(expected);
    for (const name of expected) expect(shots.read(name).subarray(0, 8).toString('hex'), name).toBe('89504e470d0a1a0a');
    expect(committedScreenshots('account')).toEqual(expected);
    const doc = readFileSync(new URL('../../docs/account.md', import.meta.url), 'utf8');
    const shown = [...doc.matchAll(/\]\(screenshots\/([\w-]+)\.png\)/g)].map((m) => m[1]).sort();
    expect(shown).toEqual(expected);
  });
});
