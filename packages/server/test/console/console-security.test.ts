import type { FastifyReply } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSessions } from '../../src/http/console/console-session.js';
import type { TestServer } from '../support/test-server.js';
import { formOf, titleOf, WebClient, type Page } from '../web/web-client.js';
import { consoleSignIn, operatorToken, startConsoleServer } from './console-client.js';

/** A Set-Cookie header's attributes, names lower-case. */
function cookieAttributes(page: Page, name: string): Record<string, string | true> {
  const header = page.setCookies.find((c) => c.startsWith(`${name}=`));
  expect(header, `no Set-Cookie for ${name}`).toBeDefined();
  const [pair = '', ...attributes] = header!.split(';').map((s) => s.trim());
  const parsed: Record<string, string | true> = { value: pair.slice(name.length + 1) };
  for (const a of attributes) {
    const at = a.indexOf('=');
    if (at === -1) parsed[a.toLowerCase()] = true;
    else parsed[a.slice(0, at).toLowerCase()] = a.slice(at + 1);
  }
  return parsed;
}

/** The alert a refused request leaves on the page, as text. */
const alertOf = (page: Page) =>
  (/<div class="alert" role="alert">([\s\S]*?)<\/div>/.exec(page.html)?.[1] ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

describe('the operator console: its cookie, CSRF, credentials and headers', () => {
  let t: TestServer;
  let appSecret: { clientId: string; secret: string };
  beforeAll(async () => {
    t = await startConsoleServer({ manualClock: true });
    const { app, clientSecret } = await t.registerApp({ name: 'Console app', type: 'confidential', admin: 'write' });
    appSecret = { clientId: app.clientId, secret: clientSecret! };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the admin token sealed in an HttpOnly, SameSite=Strict cookie scoped to /admin, not Secure over http', async () => {
    const { answer } = await consoleSignIn(t, { token: operatorToken });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${t.url}/admin/tenants`);
    const cookie = cookieAttributes(answer, 'baton_console');
    expect(cookie).toMatchObject({ path: '/admin', httponly: true, samesite: 'Strict', 'max-age': '28800' });
    expect(cookie.secure).toBeUndefined();
    expect(String(cookie.value)).not.toContain(operatorToken.slice(0, 12));
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const https = await startConsoleServer({ publicUrl: 'https://baton.example' });
    try {
      const { answer } = await consoleSignIn(https, { token: operatorToken });
      expect(cookieAttributes(answer, 'baton_console')).toMatchObject({ secure: true, samesite: 'Strict' });
    } finally {
      await https.close();
    }
  });

  it('serves every page with a strict CSP, no framing, no caching and no script', async () => {
    const { browser } = await consoleSignIn(t, { token: operatorToken });
    for (const path of ['/admin/sign-in', '/admin/tenants', '/admin/tenants/acme/apps', '/admin/tenants/acme/policy']) {
      const page = await browser.get(`${t.url}${path}`);
      expect(page.status, path).toBe(200);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src|unsafe-inline|unsafe-eval|\*/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.html).not.toMatch(/<script|<style|javascript:|\son[a-z]+\s*=/i);
    }
  });

  it('refuses a form posted without this browser’s CSRF token (403), and changes nothing', async () => {
    const { browser } = await consoleSignIn(t, { token: operatorToken });
    const page = await browser.get(`${t.url}/admin/tenants`);
    const form = formOf(page, '/admin/tenants');
    const forged = await browser.post(`${t.url}/admin/tenants`, { name: 'forged' });
    expect(forged.status).toBe(403);
    const other = new WebClient(t.url);
    await other.get(`${t.url}/admin/sign-in`);
    const foreignToken = await other.post(`${t.url}/admin/tenants`, { ...form.fields, name: 'forged' });
    expect(foreignToken.status).toBe(403);
    expect(await t.services.repos.tenants.findByName('forged')).toBeNull();
    const signIn = await new WebClient(t.url).post(`${t.url}/admin/sign-in`, { method: 'token', token: operatorToken });
    expect(signIn.status).toBe(403);
    expect(signIn.setCookies.some((c) => c.startsWith('baton_console='))).toBe(false);
    const created = await browser.post(`${t.url}/admin/tenants`, { ...form.fields, name: 'made-here' });
    expect(created.status).toBe(303);
    expect(await t.services.repos.tenants.findByName('made-here')).not.toBeNull();
  });

  it('records a change made in the console as the API would: who, from where, under the page’s correlation id', async () => {
    const { browser } = await consoleSignIn(t, { token: operatorToken });
    const form = formOf(await browser.get(`${t.url}/admin/tenants`), '/admin/tenants');
    const correlationId = 'console-request-0001';
    const created = await fetch(`${t.url}/admin/tenants`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Operator browser/1.0',
        'client-request-id': correlationId,
        cookie: `baton_csrf=${browser.cookie('baton_csrf')}; baton_console=${browser.cookie('baton_console')}`,
      },
      body: new URLSearchParams({ ...form.fields, name: 'audited' }),
    });
    expect(created.status).toBe(303);
    const tenant = (await t.services.repos.tenants.findByName('audited'))!;
    const [event] = (await t.services.audit.page(tenant, { type: 'tenant.created' })).items;
    expect(event).toMatchObject({
      ip: '127.0.0.1',
      userAgent: 'Operator browser/1.0',
      correlationId,
      data: { actor: 'operator' },
    });
  });

  it('refuses a bad admin token, a wrong secret and an app without --admin, showing why and setting no cookie', async () => {
    const badToken = await consoleSignIn(t, { token: 'not-the-operator-token' });
    expect(badToken.answer.status).toBe(401);
    expect(titleOf(badToken.answer)).toBe('Sign in to the console');
    expect(alertOf(badToken.answer)).toMatch(/invalid or expired/);
    const wrongSecret = await consoleSignIn(t, {
      tenant: 'acme',
      client_id: appSecret.clientId,
      client_secret: 'wrong',
    });
    expect(wrongSecret.answer.status).toBe(401);
    expect(alertOf(wrongSecret.answer)).toContain('invalid_client');
    const { app, clientSecret } = await t.registerApp({ name: 'No admin', type: 'confidential' });
    const notAdmin = await consoleSignIn(t, { tenant: 'acme', client_id: app.clientId, client_secret: clientSecret! });
    expect(notAdmin.answer.status).toBe(403);
    expect(alertOf(notAdmin.answer)).toContain('not created with --admin');
    for (const { answer } of [badToken, wrongSecret, notAdmin])
      expect(answer.setCookies.some((c) => c.startsWith('baton_console='))).toBe(false);
    const unsigned = await new WebClient(t.url).get(`${t.url}/admin/tenants`);
    expect(unsigned.status).toBe(303);
    expect(unsigned.location).toBe(`${t.url}/admin/sign-in`);
  });

  it('sends an operator whose app token expired, or whose cookie was altered, back to sign in with a message', async () => {
    const { browser, answer } = await consoleSignIn(t, {
      tenant: 'acme',
      client_id: appSecret.clientId,
      client_secret: appSecret.secret,
    });
    expect(answer.location).toBe(`${t.url}/admin/tenants/acme`);
    expect((await browser.get(`${t.url}/admin/tenants/acme/apps`)).status).toBe(200);
    const sealed = browser.cookie('baton_console')!;
    t.clock.advance!(3601_000);
    const expired = await browser.get(`${t.url}/admin/tenants/acme/apps`);
    expect(expired.status).toBe(303);
    expect(expired.location).toBe(`${t.url}/admin/sign-in?expired=1`);
    expect(browser.cookie('baton_console')).toBeUndefined();
    const told = await browser.get(expired.location!);
    expect(alertOf(told)).toContain('Your sign-in has expired');

    const { browser: other } = await consoleSignIn(t, { token: operatorToken });
    other.setCookie('baton_console', `${sealed.slice(0, -4)}AAAA`, '/admin');
    expect((await other.get(`${t.url}/admin/tenants`)).location).toBe(`${t.url}/admin/sign-in`);
  });

  it('shows what the API refuses in place of a page: an unknown tenant, another tenant for an app; a path or method the console lacks is a page too', async () => {
    const { browser } = await consoleSignIn(t, { token: operatorToken });
    const unknown = await browser.get(`${t.url}/admin/tenants/nope/apps`);
    expect(unknown.status).toBe(404);
    expect(titleOf(unknown)).toBe('Not available');
    expect(alertOf(unknown)).toContain('Tenant "nope" not found');
    await t.services.tenants.create({ name: 'other' });
    const { browser: app } = await consoleSignIn(t, {
      tenant: 'acme',
      client_id: appSecret.clientId,
      client_secret: appSecret.secret,
    });
    const elsewhere = await app.get(`${t.url}/admin/tenants/other/users`);
    expect(elsewhere.status).toBe(404);
    expect(alertOf(elsewhere)).toContain('Tenant "other" not found');
    const wrongMethod = await fetch(`${t.url}/admin/tenants`, { method: 'PUT' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const missing = await browser.get(`${t.url}/admin/no-such-screen`);
    expect(missing.status).toBe(404);
    expect(titleOf(missing)).toBe('Page not found');
    expect((await fetch(`${t.url}/admin/v1/no-such-route`)).headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('sends the operator back to sign in when the API stops accepting a credential that has not expired', async () => {
    const replaced = await startConsoleServer({}, { adminToken: 'the-token-after-a-restart-0123456789abcdef' });
    try {
      const { browser } = await consoleSignIn(replaced, { token: 'the-token-after-a-restart-0123456789abcdef' });
      // A cookie sealed before BATON_ADMIN_TOKEN was changed: it opens, and the API refuses the token it holds.
      const stale = new ConsoleSessions(replaced.services.cookieSeal, replaced.clock, replaced.url);
      let value = '';
      stale.save({ setCookie: (_name: string, v: string) => (value = v) } as unknown as FastifyReply, {
        kind: 'operator',
        token: operatorToken,
        expiresAt: replaced.clock.now() + 60_000,
      });
      // A page that reads, and pages that show the API's refusals themselves (a search, the audit filters).
      for (const path of ['/admin/tenants', '/admin/tenants/acme/users', '/admin/tenants/acme/audit']) {
        browser.setCookie('baton_console', value, '/admin');
        const refused = await browser.get(`${replaced.url}${path}`);
        expect(refused.status, path).toBe(303);
        expect(refused.location).toBe(`${replaced.url}/admin/sign-in?expired=1`);
      }
    } finally {
      await replaced.close();
    }
  });

  it('is not served where the management API is not (BATON_ADMIN_API=off)', async () => {
    const off = await startConsoleServer({}, { adminApi: false });
    try {
      expect((await fetch(`${off.url}/admin/sign-in`)).status).toBe(404);
      expect((await fetch(`${off.url}/admin/v1/tenants`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('signs out: the cookie is cleared and the pages ask for a sign-in again', async () => {
    const { browser } = await consoleSignIn(t, { token: operatorToken });
    const page = await browser.get(`${t.url}/admin/tenants`);
    const out = await browser.submit(page, {}, '/admin/sign-out');
    expect(out.status).toBe(303);
    expect(out.location).toBe(`${t.url}/admin/sign-in?done=signed_out`);
    expect(browser.cookie('baton_console')).toBeUndefined();
    expect((await browser.get(`${t.url}/admin/tenants`)).location).toBe(`${t.url}/admin/sign-in`);
  });
});
