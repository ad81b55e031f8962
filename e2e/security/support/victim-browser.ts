import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../../packages/server/test/support/test-server.js';
import { click, heading } from '../../support/browser-pages.js';
import { launchChromium } from '../../msal/support/browser.js';
import { startExampleWebApp, type RunningWebApp } from '../../web/support/example-web-app.js';
import { startAttackerSite, type AttackerSite } from './attacker-site.js';

/**
 * The stage of the browser attacks: Baton, two web apps of the tenant (the shop and the
 * help centre), the attacker's site on another origin, and Chromium for Ada, the victim.
 */
export interface VictimScene {
  t: TestServer;
  shop: RunningWebApp;
  help: RunningWebApp;
  attacker: AttackerSite;
  /** Ada's browser, signed in to Baton and the shop at the hosted pages. */
  adasBrowser(): Promise<{ context: BrowserContext; page: Page }>;
  /** Closes the browsers opened since the last call (after each test). */
  closeBrowsers(): Promise<void>;
  close(): Promise<void>;
}

export async function startVictimScene(): Promise<VictimScene> {
  const browser: Browser = await launchChromium();
  const t = await startTestServer();
  const shop = await startExampleWebApp(t, { name: 'Shop' });
  const help = await startExampleWebApp(t, { name: 'Help centre' });
  const attacker = await startAttackerSite();
  // Worse than a stranger's site: an origin the tenant allows (its single-page app, with a
  // script injected). Cross-origin posts from it pass the CORS check, so only the defence
  // under test stands in their way.
  await t.registerApp({ name: 'Shop SPA', allowedOrigins: [attacker.origin] });
  const contexts: BrowserContext[] = [];
  return {
    t,
    shop,
    help,
    attacker,
    async adasBrowser() {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${shop.origin}/login`);
      await page.getByLabel('Email address').fill(t.user.email);
      await click(page, 'Next');
      await page.getByLabel('Password').fill(t.userPassword);
      await click(page, 'Sign in');
      await heading(page, 'Signed in as Ada Lovelace');
      return { context, page };
    },
    async closeBrowsers() {
      await Promise.all(contexts.splice(0).map((c) => c.close()));
    },
    async close() {
      await browser.close();
      await Promise.all([shop.close(), help.close(), attacker.close()]);
      await t.close();
    },
  };
}
