import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App, Tenant } from '../../packages/server/src/core/model.js';
import { deviceClient, type DeviceClient } from '../../packages/server/test/device-code/device-client.js';
import { startTestServer, type TestServer } from '../../packages/server/test/support/test-server.js';
import { click, heading } from '../support/browser-pages.js';
import { launchChromium } from '../msal/support/browser.js';

/**
 * The device approval page (RFC 8628's verification_uri) in headless Chromium: a TV asks
 * for a code; a person opens the link with the code filled in, signs in on the hosted
 * pages, sees the app and the device, approves, and the TV's poll gets tokens; in the
 * same browser (the SSO cookie) another code is typed by hand and denied.
 */
describe('the device approval page in headless Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let t: TestServer;
  let tenant: Tenant;
  let tv: App;
  let client: DeviceClient;

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestServer();
    tenant = t.tenant;
    ({ app: tv } = await t.registerApp({ name: 'Living-room TV app', deviceCode: true }));
    const { app: phone } = await t.registerApp({ name: 'Phone app', allowSessionTransfer: true });
    client = deviceClient(t, { tv, phone });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in, shows the app and the device, approves, and the TV gets tokens; then, signed in, a typed code is denied', async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 720 } });
    const page = await context.newPage();
    const started = await client.start();
    expect(started.status).toBe(200);

    await page.goto(started.body.verification_uri_complete);
    await heading(page, 'Connect a device');
    expect(await page.getByLabel('Code').inputValue()).toBe(started.body.user_code);
    await click(page, 'Continue');
    await heading(page, 'Sign in');
    await page.getByLabel('Email address').fill(t.user.email);
    await click(page, 'Next');
    await heading(page, 'Enter your password');
    await page.getByLabel('Password').fill(t.userPassword);
    await click(page, 'Sign in');
    await heading(page, 'Connect this device?');
    const question = await page.locator('main').textContent();
    expect(question).toContain('Living-room TV app');
    expect(question).toContain('Living-room TV');
    expect(question).toContain(t.user.email);
    await click(page, 'Approve');
    await heading(page, 'Device connected');
    const tokens = await client.poll(started.body.device_code);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);

    const second = await client.start();
    await page.goto(started.body.verification_uri);
    await heading(page, 'Connect a device');
    await page.getByLabel('Code').fill('BCDF-GHJK');
    await click(page, 'Continue');
    await page.locator('#user_code-error').waitFor();
    expect(await page.locator('#user_code-error').textContent()).toContain('No device is waiting for this code');
    await page.getByLabel('Code').fill(second.body.user_code.replace('-', '').toLowerCase());
    await click(page, 'Continue');
    await heading(page, 'Connect this device?');
    await click(page, 'Deny');
    await heading(page, 'Device not connected');
    const denied = await client.poll(second.body.device_code);
    expect(denied.body.error).toBe('access_denied');
    await context.close();
  });

  it('refuses a decision posted without the CSRF token', async () => {
    const started = await client.start();
    const post = (path: string, form: Record<string, string>) =>
      fetch(`${t.url}/${tenant.name}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
      });
    const userCode = started.body.user_code as string;
    expect((await post('/device/decide', { user_code: userCode, decision: 'approve' })).status).toBe(403);
    expect((await post('/device', { user_code: userCode })).status).toBe(403);
    expect((await client.poll(started.body.device_code)).body.error).toBe('authorization_pending');
  });
});
