import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../packages/server/src/core/audit/admin-caller.js';
import type { App } from '../../packages/server/src/core/model.js';
import { operatorToken, startConsoleServer } from '../../packages/server/test/console/console-client.js';
import { handoffClient, type HandoffClient } from '../../packages/server/test/handoff/handoff-client.js';
import { newDpopKey } from '../../packages/server/test/support/dpop.js';
import { postForm } from '../../packages/server/test/support/http.js';
import type { TestServer } from '../../packages/server/test/support/test-server.js';
import { basicAuth } from '../../packages/server/test/support/tokens.js';
import { heading, localPages, click } from '../support/browser-pages.js';
import { launchChromium } from '../msal/support/browser.js';
import { committedScreenshots, Screenshots } from '../web/support/screenshots.js';

const noWatchAbroad = {
  name: 'no-watch-abroad',
  state: 'enabled',
  at: ['refresh', 'session_transfer'],
  when: "device.kind == 'companion' && request.country != 'NL'",
  then: { block: true },
};

/**
 * The operator console in headless Chromium, one server and one browser, step by step:
 * the admin token and an admin app sign in; a tenant and an app are created, the app's
 * flags changed and its secret rotated; a user is found, their device graph drawn and a
 * branch revoked (the watch stops refreshing), then everything; a user is deleted; the
 * audit log is filtered and paged; the policy is refused, set and asked what-if; a
 * read-only app is refused every change and told why. Screenshots of the main screens are
 * taken on the way (docs/console.md shows them).
 */
describe('the operator console in headless Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let t: TestServer;
  let handoff: HandoffClient;
  let phoneApp: App;
  let watch: App;
  let writer: { clientId: string; secret: string };
  let reader: { clientId: string; secret: string };
  /** The operator's browser, signed in with the admin token by the first step. */
  let operator: Page;
  let pages: ReturnType<typeof localPages>;
  const shots = new Screenshots();

  beforeAll(async () => {
    // The browser first: without Chromium the file fails at once, before anything else is started.
    browser = await launchChromium();
    t = await startConsoleServer();
    pages = localPages(browser, t.url);
    ({ app: phoneApp } = await t.registerApp({ name: 'Ada’s phone app', allowSessionTransfer: true }));
    ({ app: watch } = await t.registerApp({ name: 'Watch app', acceptSessionTransfer: true }));
    handoff = handoffClient(t, { phone: phoneApp, watch });
    const admin = async (level: 'read' | 'write') => {
      const { app, clientSecret } = await t.registerApp({
        name: `Console ${level}`,
        type: 'confidential',
        admin: level,
      });
      return { clientId: app.clientId, secret: clientSecret! };
    };
    writer = await admin('write');
    reader = await admin('read');
    // Enough events of one type for the audit log's second page (25 a page).
    for (let i = 0; i < 30; i++)
      await t.services.users.create(t.tenant, { email: `member${i}@example.com` }, systemCaller);
  }, 60_000);
  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await t?.close();
    shots.dispose();
  });

  const open = () => pages.open();
  const alert = (page: Page) => page.getByRole('alert').textContent();
  const notice = (page: Page) => page.locator('.notice').textContent();
  /** A new browser signed in with an admin app of the test tenant, on the tenant's page. */
  const signInWithApp = async (app: { clientId: string; secret: string }) => {
    const page = await open();
    await page.goto(`${t.url}/admin/sign-in`);
    await page.getByLabel('Tenant').fill('acme');
    await page.getByLabel('Client ID').fill(app.clientId);
    await page.getByLabel('Client secret').fill(app.secret);
    await click(page, 'Sign in with the app');
    await heading(page, 'Tenant acme');
    return page;
  };
  const clientCredentials = (clientId: string, secret: string) =>
    postForm(`${t.base}/oauth2/v2.0/token`, { grant_type: 'client_credentials' }, basicAuth(clientId, secret));

  it('signs in with the admin token (from the keyboard) and creates a tenant', async () => {
    operator = await open();
    await operator.goto(`${t.url}/admin/`);
    await heading(operator, 'Sign in to the console');
    await shots.take(operator, 'console-sign-in');
    await operator.getByLabel('Admin token', { exact: true }).focus();
    await operator.keyboard.type(operatorToken);
    await operator.keyboard.press('Enter');
    await heading(operator, 'Tenants');
    expect(await operator.locator('.who').textContent()).toContain('the operator (admin token)');
    // The first Tab reaches a link past the banner and the navigation.
    await operator.keyboard.press('Tab');
    expect(await operator.locator(':focus').textContent()).toBe('Skip to the page');
    await operator.keyboard.press('Enter');
    expect(await operator.locator(':focus').getAttribute('id')).toBe('main');
    await operator.getByLabel('Name', { exact: true }).fill('globex');
    await operator.getByLabel('Display name').fill('Globex Corporation');
    await click(operator, 'Create tenant');
    await heading(operator, 'Tenant globex');
    expect(await notice(operator)).toContain('The tenant was created');
    await operator.getByRole('link', { name: 'Tenants', exact: true }).click();
    await heading(operator, 'Tenants');
    expect(await operator.locator('table').textContent()).toContain('Globex Corporation');
    await shots.take(operator, 'console-tenants');
  });

  it('signs in with a write admin app, registers a confidential app, changes its flags and rotates its secret (shown once)', async () => {
    const page = await signInWithApp(writer);
    expect(await page.locator('.who').textContent()).toContain(`app ${writer.clientId} of tenant acme`);
    await page.getByRole('navigation').getByRole('link', { name: 'Apps' }).click();
    await heading(page, 'Apps');
    await page.getByLabel('Name', { exact: true }).fill('Billing service');
    await page.getByLabel('Type').selectOption('confidential');
    await page.getByLabel('Require a second factor').check();
    await click(page, 'Register app');
    await heading(page, 'Billing service');
    const first = (await page.locator('#client-secret').textContent())!;
    const clientId = (await page.locator('dd code').first().textContent())!;
    expect((await clientCredentials(clientId, first)).status).toBe(200);
    expect(await page.getByLabel('Require a second factor').isChecked()).toBe(true);

    await page.getByLabel('May start the device code grant').check();
    await click(page, 'Save settings');
    await heading(page, 'Billing service');
    expect(await notice(page)).toContain('The settings are saved.');
    expect(await page.locator('#client-secret').count()).toBe(0);
    expect(await page.getByLabel('May start the device code grant').isChecked()).toBe(true);
    expect((await t.services.repos.apps.find(t.tenant.id, clientId))?.deviceCode).toBe(true);

    await click(page, 'Rotate secret');
    await heading(page, 'Billing service');
    const second = (await page.locator('#client-secret').textContent())!;
    expect(second).not.toBe(first);
    expect((await clientCredentials(clientId, first)).status).toBe(401);
    expect((await clientCredentials(clientId, second)).status).toBe(200);
    await shots.take(page, 'console-app');
    await page.getByRole('navigation').getByRole('link', { name: 'Apps' }).click();
    await heading(page, 'Apps');
    expect(await page.locator('table').textContent()).toContain('Billing service');
    await shots.take(page, 'console-apps');
  });

  it("finds a user, draws their device graph, revokes the watch's branch (it stops refreshing), then signs them out everywhere", async () => {
    const phone = await handoff.signIn(phoneApp, { device_name: 'Ada’s iPhone', device_platform: 'iOS' });
    const watchKey = await newDpopKey();
    const redeemed = await handoff.redeem(await handoff.transferToken(phone.refreshToken), watchKey);
    expect(redeemed.status).toBe(200);
    await operator.goto(`${t.url}/admin/tenants/acme/users`);
    await heading(operator, 'Users');
    await operator.getByLabel('Email address').fill('ADA@example.com');
    await click(operator, 'Search');
    await operator.getByRole('link', { name: t.user.email }).click();
    await heading(operator, t.user.email);
    const watchNode = operator.locator('.tree > li li', { hasText: 'Ada’s Watch' });
    expect(await watchNode.textContent()).toContain('watchOS');
    expect(await watchNode.textContent()).toContain('active');
    // The watch hangs under the phone's session, which signed in with the phone app.
    const phoneNode = operator.locator('.tree > li', { hasText: 'Ada’s phone app' });
    expect(await phoneNode.locator('li', { hasText: 'Ada’s Watch' }).count()).toBe(1);
    await shots.take(operator, 'console-user');

    await operator.getByRole('button', { name: 'Revoke Ada’s Watch (Watch app) and its branch' }).click();
    await heading(operator, t.user.email);
    expect(await notice(operator)).toContain('The session and its branch are revoked.');
    expect(await operator.locator('.tree > li li', { hasText: 'Ada’s Watch' }).textContent()).toMatch(
      /revoked \d{4}-\d{2}-\d{2} /,
    );
    const watchRefresh = await handoff.refresh(watch, redeemed.body.refresh_token as string, watchKey);
    expect(watchRefresh.status).toBe(400);
    expect(watchRefresh.body.error).toBe('invalid_grant');
    const phoneRefresh = await handoff.refresh(phoneApp, phone.refreshToken);
    expect(phoneRefresh.status).toBe(200);

    await click(operator, 'Sign out everywhere');
    await heading(operator, t.user.email);
    expect(await notice(operator)).toContain('Every session of the user is revoked.');
    expect((await handoff.refresh(phoneApp, phoneRefresh.body.refresh_token as string)).status).toBe(400);
  });

  it('deletes a user after asking to confirm', async () => {
    await operator.goto(`${t.url}/admin/tenants/acme/users?email=member0%40example.com`);
    await operator.getByRole('link', { name: 'member0@example.com' }).click();
    await heading(operator, 'member0@example.com');
    await operator.getByRole('link', { name: 'Delete user…' }).click();
    await heading(operator, 'Delete member0@example.com?');
    await click(operator, 'Delete user');
    await heading(operator, 'Users');
    expect(await notice(operator)).toContain('The user was deleted');
    await operator.getByLabel('Email address').fill('member0@example.com');
    await click(operator, 'Search');
    expect(await operator.getByRole('status').last().textContent()).toContain(
      'No user with the address member0@example.com',
    );
  });

  it('filters the audit log by type, user and time, and follows the cursor to the next page', async () => {
    await operator.goto(`${t.url}/admin/tenants/acme/audit`);
    await heading(operator, 'Audit log');
    await operator.getByLabel('Type').fill('user.created');
    await click(operator, 'Filter');
    await heading(operator, 'Audit log');
    const types = async () => operator.locator('tbody tr td:nth-child(2)').allTextContents();
    const firstPage = await types();
    expect(firstPage).toHaveLength(25);
    expect(new Set(firstPage)).toEqual(new Set(['user.created']));
    await operator.getByRole('link', { name: 'Next page' }).click();
    await heading(operator, 'Audit log');
    expect(await operator.getByLabel('Type').inputValue()).toBe('user.created');
    const secondPage = await types();
    expect(secondPage.length).toBeGreaterThanOrEqual(5);
    expect(new Set(secondPage)).toEqual(new Set(['user.created']));

    await operator.getByLabel('Type').fill('session.revoked');
    await operator.getByLabel('User').fill(t.user.email);
    await click(operator, 'Filter');
    await heading(operator, 'Audit log');
    expect(new Set(await types())).toEqual(new Set(['session.revoked']));
    expect(await operator.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    await shots.take(operator, 'console-audit');

    await operator.getByLabel('From (UTC)').fill('2999-01-01T00:00');
    await click(operator, 'Filter');
    await heading(operator, 'Audit log');
    expect(await operator.locator('tbody tr').count()).toBe(0);
    expect(await operator.getByRole('status').textContent()).toContain('No events.');
  });

  it('refuses a policy that does not compile, naming the rule and position; sets a valid one; what-if names the rule', async () => {
    await operator.goto(`${t.url}/admin/tenants/acme/policy`);
    await heading(operator, 'Policy');
    expect(await operator.locator('#in-force').textContent()).toContain('version 0');
    const typo = { rules: [{ ...noWatchAbroad, when: "device.knd == 'companion'" }] };
    await operator.getByLabel('Rules (JSON)').fill(JSON.stringify(typo, null, 2));
    await click(operator, 'Save as the next version');
    await heading(operator, 'Policy');
    const refused = (await alert(operator))!;
    expect(refused).toContain('Invalid policy');
    expect(refused).toContain('rules[0] ("no-watch-abroad").when');
    expect(refused).toContain('column 8');
    expect(await operator.getByLabel('Rules (JSON)').inputValue()).toContain('device.knd');
    expect(await operator.locator('#in-force').textContent()).toContain('version 0');
    await shots.take(operator, 'console-policy-error');

    await operator.getByLabel('Rules (JSON)').fill(JSON.stringify({ rules: [noWatchAbroad] }, null, 2));
    await click(operator, 'Save as the next version');
    await heading(operator, 'Policy');
    expect(await notice(operator)).toContain('saved as the next version');
    expect(await operator.locator('#in-force').textContent()).toContain('Version 1 is in force');

    await operator.getByLabel('User’s email').fill(t.user.email);
    await operator.getByLabel('App (client ID)').fill(watch.clientId);
    await operator.getByLabel('Point of evaluation').selectOption('refresh');
    await operator.getByLabel('IP address').fill('8.8.8.8');
    await operator.getByLabel('Device kind').selectOption('companion');
    await click(operator, 'Evaluate');
    await heading(operator, 'Policy');
    const decision = await operator.locator('#decision').textContent();
    expect(decision).toContain('Decision: block');
    expect(decision).toContain('no-watch-abroad');
    await shots.take(operator, 'console-policy');
  });

  it('signs in with a read-only admin app, which sees only its tenant, cannot change anything and is told why', async () => {
    const page = await signInWithApp(reader);
    await page.getByRole('link', { name: 'Tenants', exact: true }).click();
    await heading(page, 'Tenants');
    expect(await page.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('acme')]);

    await page.goto(`${t.url}/admin/tenants/acme/apps`);
    await page.getByLabel('Name', { exact: true }).fill('Not allowed');
    await click(page, 'Register app');
    await heading(page, 'Apps');
    expect(await alert(page)).toContain('This app has read-only management access (--admin read)');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Not allowed');
    expect((await t.services.apps.list(t.tenant)).some((a) => a.name === 'Not allowed')).toBe(false);

    await page.goto(`${t.url}/admin/tenants/acme/policy`);
    await page.getByLabel('Rules (JSON)').fill('{"rules": []}');
    await click(page, 'Save as the next version');
    await heading(page, 'Policy');
    expect(await alert(page)).toContain('read-only');
    expect(await page.locator('#in-force').textContent()).toContain('Version 1 is in force');

    await click(page, 'Sign out');
    await heading(page, 'Sign in to the console');
    expect(await page.getByRole('status').textContent()).toContain('You are signed out.');
  });

  it('took a screenshot of each main screen, each shown in docs/console.md', () => {
    const expected = [
      'console-app',
      'console-apps',
      'console-audit',
      'console-policy',
      'console-policy-error',
      'console-sign-in',
      'console-tenants',
      'console-user',
    ];
    expect([...shots.taken].sort()).toEqual(expected);
    for (const name of expected) expect(shots.read(name).subarray(0, 8).toString('hex'), name).toBe('89504e470d0a1a0a');
    expect(committedScreenshots('console')).toEqual(expected);
    const doc = readFileSync(new URL('../../docs/console.md', import.meta.url), 'utf8');
    const shown = [...doc.matchAll(/\]\(screenshots\/([\w-]+)\.png\)/g)].map((m) => m[1]).sort();
    expect(shown).toEqual(expected);
  });
});
