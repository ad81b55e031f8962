import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { authorizeUrl, formOf, newPkce, registerWebApp, titleOf, WebClient, type Page } from './web-client.js';

/** A form of the hosted pages, reached the way a person reaches it, and what filling it in would do. */
interface Reached {
  browser: WebClient;
  page: Page;
  action: string;
  values: Record<string, string>;
}

describe('CSRF protection of every hosted form', () => {
  let t: TestServer;
  let app: App;
  let attributesApp: App;
  beforeAll(async () => {
    t = await startTestServer();
    app = await registerWebApp(t);
    attributesApp = await registerWebApp(t, {
      name: 'Web shop with attributes',
      userAttributes: [{ name: 'city', type: 'string', required: true }],
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const fresh = () => `csrf-${randomUUID()}@example.com`;
  const strong = 'a long and unusual passphrase';

  async function start(forApp = app): Promise<{ browser: WebClient; page: Page }> {
    const browser = new WebClient(t.url);
    return { browser, page: await browser.get(authorizeUrl(t, forApp, newPkce())) };
  }
  async function step(
    browser: WebClient,
    page: Page,
    action: string,
    values: Record<string, string> = {},
  ): Promise<Page> {
    const next = await browser.submit(page, values, action);
    expect(next.status, `${action}: ${next.html.slice(0, 300)}`).toBe(200);
    return next;
  }
  async function userWith(password?: string): Promise<string> {
    const email = fresh();
    await t.services.accounts.create(t.tenant, { email, emailVerified: true, ...(password ? { password } : {}) });
    return email;
  }
  async function signUpCodePage(forApp: App, email: string) {
    const { browser, page } = await start(forApp);
    const form = await step(browser, page, '/signup/start');
    return { browser, page: await step(browser, form, '/signup/submit', { email, password: strong }) };
  }
  async function resetCodePage(email: string) {
    const { browser, page } = await start();
    const form = await step(browser, page, '/reset/start');
    return { browser, page: await step(browser, form, '/reset/email', { email }) };
  }

  const forms: Array<[string, () => Promise<Reached>]> = [
    [
      '/login/identify',
      async () => ({ ...(await start()), action: '/login/identify', values: { email: t.user.email } }),
    ],
    [
      '/login/password',
      async () => {
        const { browser, page } = await start();
        return {
          browser,
          page: await step(browser, page, '/login/identify', { email: t.user.email }),
          action: '/login/password',
          values: { password: t.userPassword },
        };
      },
    ],
    [
      '/login/code',
      async () => {
        const email = await userWith();
        const { browser, page } = await start();
        const codePage = await step(browser, page, '/login/identify', { email });
        return { browser, page: codePage, action: '/login/code', values: { code: await t.mail.nextCode(email) } };
      },
    ],
    [
      '/login/start',
      async () => {
        const { browser, page } = await start();
        return { browser, page: await step(browser, page, '/signup/start'), action: '/login/start', values: {} };
      },
    ],
    ['/signup/start', async () => ({ ...(await start()), action: '/signup/start', values: {} })],
    [
      '/signup/submit',
      async () => {
        const { browser, page } = await start();
        return {
          browser,
          page: await step(browser, page, '/signup/start'),
          action: '/signup/submit',
          values: { email: fresh(), password: strong },
        };
      },
    ],
    [
      '/signup/code',
      async () => {
        const email = fresh();
        const reached = await signUpCodePage(app, email);
        return { ...reached, action: '/signup/code', values: { code: await t.mail.nextCode(email) } };
      },
    ],
    [
      '/signup/attributes',
      async () => {
        const email = fresh();
        const { browser, page } = await signUpCodePage(attributesApp, email);
        const attributes = await step(browser, page, '/signup/code', { code: await t.mail.nextCode(email) });
        return { browser, page: attributes, action: '/signup/attributes', values: { 'attribute-city': 'Lyon' } };
      },
    ],
    ['/reset/start', async () => ({ ...(await start()), action: '/reset/start', values: {} })],
    [
      '/reset/email',
      async () => {
        const { browser, page } = await start();
        return {
          browser,
          page: await step(browser, page, '/reset/start'),
          action: '/reset/email',
          values: { email: await userWith(strong) },
        };
      },
    ],
    [
      '/reset/code',
      async () => {
        const email = await userWith(strong);
        const reached = await resetCodePage(email);
        return { ...reached, action: '/reset/code', values: { code: await t.mail.nextCode(email) } };
      },
    ],
    [
      '/reset/password',
      async () => {
        const email = await userWith(strong);
        const { browser, page } = await resetCodePage(email);
        const passwordPage = await step(browser, page, '/reset/code', { code: await t.mail.nextCode(email) });
        return { browser, page: passwordPage, action: '/reset/password', values: { password: `${strong} renewed` } };
      },
    ],
  ];

  it('covers every form the hosted pages post to', async () => {
    const { browser, page } = await start();
    const signUp = await step(browser, page, '/signup/start');
    const actions = new Set(
      [page, signUp].flatMap((p) => [...p.html.matchAll(/action="\/acme(\/[^"]+)"/g)].map((m) => m[1])),
    );
    for (const action of actions) expect(forms.map(([a]) => a)).toContain(action);
  });

  describe.each(forms)('%s', (action, reach) => {
    /** What a refused post must leave untouched: no mail, no audit event, no session cookie, no redirect. */
    async function expectRefused(
      send: (r: Reached, fields: Record<string, string>) => Promise<Page>,
      tamper: (fields: Record<string, string>) => Record<string, string>,
    ) {
      const reached = await reach();
      const fields = { ...formOf(reached.page, reached.action).fields, ...reached.values };
      const mails = t.mail.messages.length;
      const events = (await t.services.repos.audit.list({ tenantId: t.tenant.id })).length;
      const refused = await send(reached, tamper(fields));
      expect(refused.status, refused.html.slice(0, 300)).toBe(403);
      expect(refused.location).toBeNull();
      expect(refused.setCookies.some((c) => c.startsWith('baton_sso='))).toBe(false);
      expect(refused.html).toMatch(/role="alert">The form has expired or did not come from this site/);
      // Give a mail a moment to arrive if one had been sent.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(t.mail.messages.length).toBe(mails);
      expect((await t.services.repos.audit.list({ tenantId: t.tenant.id })).length).toBe(events);
      return { reached, fields };
    }
    const post = (r: Reached, fields: Record<string, string>) => r.browser.post(`/acme${r.action}`, fields);

    it('refuses a post without the csrf field', async () => {
      await expectRefused(post, ({ csrf: _dropped, ...rest }) => rest);
    });

    it("refuses a post with another browser's csrf token", async () => {
      const other = formOf((await start()).page).fields.csrf!;
      await expectRefused(post, (fields) => ({ ...fields, csrf: other }));
    });

    it('refuses a post without the csrf cookie (a cross-site form), and the same post with it goes through', async () => {
      const { reached, fields } = await expectRefused(
        (r, f) => r.browser.post(`/acme${r.action}`, f, { cookies: false }),
        (f) => f,
      );
      const accepted = await post(reached, fields);
      expect(accepted.status, `${action}: ${accepted.html.slice(0, 300)}`).not.toBe(403);
      expect([200, 303]).toContain(accepted.status);
      if (accepted.status === 200) expect(titleOf(accepted)).not.toBe('Something went wrong');
    });
  });
});
