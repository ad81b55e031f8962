import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Waits for the page whose <h1> is `title`. */
export const heading = (page: Page, title: string) =>
  page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor({ timeout: 10_000 });

/** Clicks the button named exactly `name`. */
export const click = (page: Page, name: string) => page.getByRole('button', { name, exact: true }).click();

/**
 * Pages, each in a fresh browser context at a desktop size, that fail the test when they
 * load anything from another host than `serverUrl`'s: what Baton serves stays on Baton.
 */
export function localPages(browser: Browser, serverUrl: string) {
  const contexts: BrowserContext[] = [];
  return {
    async open(): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1100, height: 750 } });
      contexts.push(context);
      const page = await context.newPage();
      page.on('request', (request) => expect(new URL(request.url()).host).toBe(new URL(serverUrl).host));
      return page;
    },
    close: () => Promise.all(contexts.splice(0).map((context) => context.close())),
  };
}
