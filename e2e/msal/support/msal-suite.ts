import type { Browser } from 'playwright-core';
import type { App } from '../../../packages/server/src/core/model.js';
import { startTestServer, type TestServer } from '../../../packages/server/test/support/test-server.js';
import { launchChromium, MsalPage, type WireCall } from './browser.js';
import { servePage, type PageServer } from './page-server.js';

/** The apps every MSAL scenario signs in to, each allowing the test page's origin. */
export interface MsalApps {
  /** A plain browser app. */
  web: App;
  /** An app with one required custom attribute, so sign-up can ask for attributes. */
  shop: App;
  /** An app that requires MFA (only the sign-in address can be registered during a sign-in). */
  bank: App;
  /** An app that requires MFA and lets a user register another address, or a phone by SMS. */
  club: App;
}

/**
 * Headless Chromium, a real Baton with the apps of `MsalApps`, and the test page on its own
 * origin. Pages opened through `open` are closed by `closePages` (after each scenario), their
 * wire calls kept in `wire`.
 */
export interface MsalSuite extends MsalApps {
  t: TestServer;
  browser: Browser;
  pageServer: PageServer;
  /** Every request of every closed page, and the origins pages were served from. */
  wire: WireCall[];
  pageOrigins: Set<string>;
  /** A fresh browser context on the test page (or `origin`), MSAL created with `config`. */
  open(config: Record<string, unknown>, origin?: string): Promise<MsalPage>;
  createUser(email: string, password?: string): ReturnType<TestServer['services']['accounts']['create']>;
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export async function startMsalSuite(): Promise<MsalSuite> {
  // The browser first: without Chromium the suite fails at once, before anything else is started.
  const browser = await launchChromium();
  const { t, pageServer, apps } = await startServerAndApps().catch(async (error: unknown) => {
    await browser.close();
    throw error;
  });
  const opened: MsalPage[] = [];
  const wire: WireCall[] = [];
  const pageOrigins = new Set<string>();
  return {
    ...apps,
    t,
    browser,
    pageServer,
    wire,
    pageOrigins,
    async open(config, origin = pageServer.origin) {
      pageOrigins.add(origin);
      const page = await MsalPage.open(browser, origin, config);
      opened.push(page);
      return page;
    },
    createUser: (email, password) =>
      t.services.accounts.create(t.tenant, { email, emailVerified: true, ...(password ? { password } : {}) }),
    async closePages() {
      const pages = opened.splice(0);
      wire.push(...pages.flatMap((page) => page.wire));
      await Promise.all(pages.map((page) => page.close()));
    },
    async close() {
      await browser.close();
      await pageServer.close();
      await t.close();
    },
  };
}

async function startServerAndApps(): Promise<{ t: TestServer; pageServer: PageServer; apps: MsalApps }> {
  // With an SMS gateway (the local sink), so `club`, which takes any method, can register a phone.
  const [t, pageServer] = await Promise.all([startTestServer({ sms: {} }), servePage()]);
  const allowedOrigins = [pageServer.origin];
  const register = async (input: Parameters<TestServer['registerApp']>[0]) =>
    (await t.registerApp({ allowedOrigins, ...input })).app;
  const apps: MsalApps = {
    web: await register({ name: 'Web' }),
    shop: await register({
      name: 'Shop',
      userAttributes: [{ name: 'loyaltyTier', type: 'string', required: true, options: ['bronze', 'gold'] }],
    }),
    bank: await register({ name: 'Bank', requireMfa: true }),
    club: await register({ name: 'Club', requireMfa: true, mfaRegistration: 'any-address' }),
  };
  return { t, pageServer, apps };
}
