import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  authorizeUrl,
  hostedPasswordSignIn,
  newPkce,
  redirectParams,
  registerWebApp,
  titleOf,
  WebClient,
  type Page,
} from './web-client.js';

/** A Set-Cookie header as attributes: `{ name, value, path, httponly: true, samesite: 'Lax', ... }` (keys lower-case). */
function parseSetCookie(header: string): Record<string, string | true> {
  const [pair = '', ...attributes] = header.split(';').map((s) => s.trim());
  const parsed: Record<string, string | true> = {
    name: pair.slice(0, pair.indexOf('=')),
    value: pair.slice(pair.indexOf('=') + 1),
  };
  for (const a of attributes) {
    const at = a.indexOf('=');
    if (at === -1) parsed[a.toLowerCase()] = true;
    else parsed[a.slice(0, at).toLowerCase()] = a.slice(at + 1);
  }
  return parsed;
}

function cookieNamed(pages: Page[], name: string) {
  const header = pages.flatMap((p) => p.setCookies).find((c) => c.startsWith(`${name}=`));
  expect(header, `no Set-Cookie for ${name}`).toBeDefined();
  return parseSetCookie(header!);
}

/** Everything a hosted page must carry: a strict CSP, no framing, no caching, and no script of any kind. */
function expectLockedDown(page: Page) {
  const csp = page.headers.get('content-security-policy') ?? '';
  const directives = Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );
  expect(directives['default-src']).toEqual(["'none'"]);
  expect(directives['script-src']).toBeUndefined();
  expect(directives['frame-ancestors']).toEqual(["'none'"]);
  expect(directives['base-uri']).toEqual(["'none'"]);
  expect(directives['style-src']).toEqual(["'self'", expect.stringMatching(/^'nonce-[A-Za-z0-9+/=]{16,}'$/)]);
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  expect(page.headers.get('x-frame-options')).toBe('DENY');
  expect(page.headers.get('cache-control')).toBe('no-store');
  expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.html).not.toMatch(/<script|javascript:|\son[a-z]+\s*=/i);
  // The only style element is the theme's, tagged with this response's nonce.
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  expect([...page.html.matchAll(/<style([^>]*)>/g)].map((m) => m[1])).toEqual([` nonce="${nonce}"`]);
}

describe('cookies and headers of the hosted pages', () => {
  describe('over the plain-http development URL', () => {
    let t: TestServer;
    let app: App;
    beforeAll(async () => {
      t = await startTestServer();
      app = await registerWebApp(t);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('the SSO cookie is HttpOnly, SameSite=Lax, scoped to the tenant, not Secure; the CSRF cookie is SameSite=Strict', async () => {
      const browser = new WebClient(t.url);
      const first = await browser.get(authorizeUrl(t, app, newPkce()));
      const signedIn = await hostedPasswordSignIn(
        browser,
        authorizeUrl(t, app, newPkce()),
        t.user.email,
        t.userPassword,
      );
      expect(cookieNamed([signedIn], 'baton_sso')).toMatchObject({ path: '/acme', httponly: true, samesite: 'Lax' });
      expect(cookieNamed([signedIn], 'baton_sso').secure).toBeUndefined();
      expect(cookieNamed([first], 'baton_csrf')).toMatchObject({ path: '/acme', httponly: true, samesite: 'Strict' });
      expect(cookieNamed([first], 'baton_csrf').secure).toBeUndefined();
    });

    it('every page carries a strict CSP and no script: each step, the error page, the signed-out page', async () => {
      const email = 'pages@example.com';
      await t.services.accounts.create(t.tenant, {
        email,
        password: 'a long and unusual passphrase',
        emailVerified: true,
      });
      const browser = new WebClient(t.url);
      const pages: Page[] = [];
      const keep = (page: Page) => {
        pages.push(page);
        return page;
      };
      const identify = keep(await browser.get(authorizeUrl(t, app, newPkce())));
      const password = keep(await browser.submit(identify, { email }, '/login/identify'));
      keep(await browser.submit(password, { password: 'wrong password here' }, '/login/password'));
      const signUp = keep(await browser.submit(identify, {}, '/signup/start'));
      keep(
        await browser.submit(
          signUp,
          { email: 'pages-new@example.com', password: 'a long and unusual passphrase' },
          '/signup/submit',
        ),
      );
      const reset = keep(await browser.submit(identify, { email }, '/reset/start'));
      const resetCode = keep(await browser.submit(reset, { email }, '/reset/email'));
      keep(await browser.submit(resetCode, { code: await t.mail.nextCode(email) }, '/reset/code'));
      keep(await browser.get(authorizeUrl(t, app, newPkce(), { redirect_uri: 'https://evil.example/' })));
      keep(await browser.post('/acme/login/identify', { email }));
      keep(await browser.get(`${t.base}/oauth2/v2.0/logout`));
      expect(pages.map(titleOf)).toEqual([
        'Sign in',
        'Enter your password',
        'Enter your password',
        'Create an account',
        'Verify your email',
        'Reset your password',
        'Check your email',
        'Choose a new password',
        'Something went wrong',
        'Something went wrong',
        'Signed out',
      ]);
      for (const page of pages) expectLockedDown(page);
    });

    it('a form the server cannot read (too large, not a form) gets a page that says so with its 4xx, not a server error', async () => {
      for (const [body, type, status] of [
        [`email=${'a'.repeat(70_000)}`, 'application/x-www-form-urlencoded', 413],
        ['{"email":"a"}', 'text/plain', 400],
      ] as const) {
        const res = await fetch(`${t.base}/login/identify`, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        });
        const html = await res.text();
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(html).not.toContain('on our side');
      }
    });

    it('form-action allows Baton and the redirect URI origin only (the redirect after a form)', async () => {
      const page = await new WebClient(t.url).get(authorizeUrl(t, app, newPkce()));
      expect(page.headers.get('content-security-policy')).toContain("form-action 'self' https://shop.example;");
    });
  });

  describe('behind an https public URL', () => {
    let t: TestServer;
    let app: App;
    beforeAll(async () => {
      t = await startTestServer({ publicUrl: 'https://id.example.com' });
      app = await registerWebApp(t);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('both cookies are Secure', async () => {
      const browser = new WebClient(t.url);
      const first = await browser.get(authorizeUrl(t, app, newPkce()));
      const signedIn = await hostedPasswordSignIn(
        browser,
        authorizeUrl(t, app, newPkce()),
        t.user.email,
        t.userPassword,
      );
      expect(redirectParams(signedIn).iss).toBe('https://id.example.com/acme/v2.0');
      expect(cookieNamed([signedIn], 'baton_sso')).toMatchObject({
        path: '/acme',
        httponly: true,
        samesite: 'Lax',
        secure: true,
      });
      expect(cookieNamed([first], 'baton_csrf')).toMatchObject({
        path: '/acme',
        httponly: true,
        samesite: 'Strict',
        secure: true,
      });
    });

    it('logout clears the SSO cookie with the same flags', async () => {
      const browser = new WebClient(t.url);
      await hostedPasswordSignIn(browser, authorizeUrl(t, app, newPkce()), t.user.email, t.userPassword);
      // Without an id_token_hint Baton asks first; the answer signs out.
      const asked = await browser.get(`${t.base}/oauth2/v2.0/logout`);
      expect(titleOf(asked)).toBe('Sign out?');
      expectLockedDown(asked);
      const out = await browser.submit(asked, {}, '/logout/confirm');
      const cleared = cookieNamed([out], 'baton_sso');
      expect(cleared).toMatchObject({ value: '', path: '/acme', httponly: true, samesite: 'Lax', secure: true });
      expect(Date.parse(cleared.expires as string)).toBeLessThan(Date.now());
    });
  });
});
