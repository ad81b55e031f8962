import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { handoffClient, type HandoffClient } from '../handoff/handoff-client.js';
import { newDpopKey } from '../support/dpop.js';
import { signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  authorizeUrl,
  formOf,
  hostedPasswordSignIn,
  newPkce,
  registerWebApp,
  titleOf,
  WebClient,
  type Page,
} from '../web/web-client.js';

/** The device tree a page draws, one line per session, indented by its depth, "*" on this device. */
function treeOf(page: Page): string[] {
  const tree = page.html.slice(page.html.indexOf('<ul class="tree">'), page.html.indexOf('</section>'));
  const lines: string[] = [];
  let depth = -1;
  for (const [tag, title, current] of tree.matchAll(
    /<ul[^>]*>|<\/ul>|<strong>([^<]*)<\/strong>( <span class="badge">)?/g,
  )) {
    if (tag.startsWith('<ul')) depth++;
    else if (tag === '</ul>') depth--;
    else lines.push(`${'  '.repeat(depth)}${title}${current ? ' *' : ''}`);
  }
  return lines;
}

/** The text a person reads in the element with `role`. */
const roleText = (page: Page, role: string) =>
  new RegExp(`role="${role}"[^>]*>([^<]*)<`).exec(page.html)?.[1]?.replace(/&#39;/g, "'");

describe('the account page, {tenant}/account', () => {
  let t: TestServer;
  let phoneApp: App;
  let watchApp: App;
  let webView: App;
  let client: HandoffClient;

  beforeAll(async () => {
    t = await startTestServer();
    phoneApp = (await t.registerApp({ name: 'Phone app', allowSessionTransfer: true })).app;
    watchApp = (await t.registerApp({ name: 'Watch app', acceptSessionTransfer: true })).app;
    webView = await registerWebApp(t, { name: 'Shop web view', acceptSessionTransfer: true });
    client = handoffClient(t, { phone: phoneApp, watch: watchApp });
  });
  afterAll(async () => {
    await t?.close();
  });

  const accountUrl = () => `${t.base}/account`;
  const statusOf = async (sessionId: string) =>
    (await t.services.accountSessions.devices(t.tenant, { userId: t.user.id, sessionId })).find(
      (s) => s.id === sessionId,
    )?.status;

  /** The phone signs in natively and hands off to the watch; the phone's and the watch's session ids. */
  async function phoneAndWatch() {
    const phone = await client.signIn(phoneApp, { device_name: 'Ada’s iPhone', device_platform: 'iOS 18' });
    const redeemed = await client.redeem(await client.transferToken(phone.refreshToken), await newDpopKey());
    expect(redeemed.status).toBe(200);
    const watch = (
      await t.services.accountSessions.devices(t.tenant, { userId: t.user.id, sessionId: phone.sessionId })
    )
      .filter((s) => s.parentId === phone.sessionId)
      .at(-1)!;
    return { phone, watchId: watch.id };
  }

  /** A browser signed in through the account page's own sign-in, showing the page. */
  async function signedInBrowser(): Promise<{ browser: WebClient; page: Page }> {
    const browser = new WebClient(t.url);
    const back = await hostedPasswordSignIn(
      browser,
      `${accountUrl()}?client_id=${phoneApp.clientId}`,
      t.user.email,
      t.userPassword,
    );
    expect(back.status, back.html.slice(0, 300)).toBe(303);
    const clean = await browser.get(back.location!);
    expect(clean.location).toBe(`${accountUrl()}?client_id=${phoneApp.clientId}`);
    return { browser, page: await browser.get(clean.location!) };
  }

  it('without a browser session shows the sign-in of the app it names, and after it the devices, this browser marked', async () => {
    const browser = new WebClient(t.url);
    const signIn = await browser.get(`${accountUrl()}?client_id=${phoneApp.clientId}`);
    expect(signIn.status).toBe(200);
    expect(titleOf(signIn)).toBe('Sign in');
    expect(signIn.html).toContain('to continue to Phone app');

    const back = await hostedPasswordSignIn(
      browser,
      `${accountUrl()}?client_id=${phoneApp.clientId}`,
      t.user.email,
      t.userPassword,
    );
    // Back to this page, with the sign-in's code, which then leaves the address.
    const backTo = new URL(back.location!);
    expect(`${backTo.origin}${backTo.pathname}`).toBe(accountUrl());
    expect(backTo.searchParams.get('code')).toBeTruthy();
    const clean = await browser.get(back.location!);
    expect(clean.status).toBe(303);
    expect(clean.location).toBe(`${accountUrl()}?client_id=${phoneApp.clientId}`);

    const page = await browser.get(clean.location!);
    expect(page.status).toBe(200);
    expect(titleOf(page)).toBe('Your devices');
    expect(page.html).toContain(t.user.email);
    // The browser's SSO session, named by its User-Agent (node's fetch here), is this device.
    expect(treeOf(page)).toContain('node *');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('without a browser session or an app to sign in with, says how to sign in; an unknown app is an error page', async () => {
    const page = await new WebClient(t.url).get(accountUrl());
    expect(page.status).toBe(200);
    expect(roleText(page, 'status')).toContain('You are not signed in');
    const unknown = await new WebClient(t.url).get(`${accountUrl()}?client_id=no-such-app`);
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('the application is unknown');
  });

  it('draws a web view the phone signed in as the phone’s in-app browser, beside its watch, and marks it this device', async () => {
    const { phone } = await phoneAndWatch();
    const browser = new WebClient(t.url);
    const transfer = (await client.requestTransfer(phone.refreshToken, { audience: webView.clientId })).body
      .access_token as string;
    const landed = await browser.get(authorizeUrl(t, webView, newPkce(), { session_transfer_token: transfer }));
    expect(landed.status).toBe(303);
    const page = await browser.get(accountUrl());
    const tree = treeOf(page);
    const at = tree.indexOf('Ada’s iPhone');
    expect(tree.slice(at, at + 3)).toEqual(['Ada’s iPhone', '  Ada’s Watch', '  In-app browser *']);
    expect(page.html).toContain('Sign out Ada’s Watch<span class="visually-hidden"> (Watch app)</span>');
    expect(page.html).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z" title="[^"]+">just now<\/time>/);
  });

  it('asks before signing out a branch, names what ends, and then ends it (audited); the phone goes on', async () => {
    const { phone, watchId } = await phoneAndWatch();
    const { browser } = await signedInBrowser();
    const question = await browser.get(`${accountUrl()}/sign-out?session=${watchId}`);
    expect(question.status).toBe(200);
    expect(titleOf(question)).toBe('Sign out Ada’s Watch?');
    expect(await statusOf(watchId)).toBe('active');

    const done = await browser.submit(question, {}, '/account/sign-out');
    expect(done.status).toBe(200);
    expect(roleText(done, 'status')).toBe('Ada’s Watch is signed out.');
    expect(await statusOf(watchId)).toBe('revoked');
    expect(await statusOf(phone.sessionId)).toBe('active');
    const [event] = await t.services.repos.audit.list({
      tenantId: t.tenant.id,
      type: 'account.session_revoked',
      userId: t.user.id,
      limit: 1,
    });
    expect(event?.sessionId).toBe(watchId);
    expect(event?.data).toMatchObject({ reason: 'revoked_by_user' });
  });

  it('signing out the branch this browser is on signs the browser out too and forgets its cookie', async () => {
    const { browser } = await signedInBrowser();
    const page = await browser.get(accountUrl());
    const own = /<div class="session current">[\s\S]*?name="session" value="([^"]+)"/.exec(page.html)?.[1];
    const question = await browser.get(`${accountUrl()}/sign-out?session=${own}`);
    expect(question.html).toContain('you will be signed out here too');
    const done = await browser.submit(question, {}, '/account/sign-out');
    expect(titleOf(done)).toBe('Signed out');
    expect(browser.cookie('baton_sso')).toBeUndefined();
    expect(await statusOf(own!)).toBe('revoked');
  });

  it('signs out everywhere else after asking, keeping this browser (audited once)', async () => {
    const { phone, watchId } = await phoneAndWatch();
    const { browser } = await signedInBrowser();
    const question = await browser.get(`${accountUrl()}/sign-out-everywhere`);
    expect(titleOf(question)).toBe('Sign out everywhere else?');
    expect(question.html).toContain('Ada’s iPhone');
    const done = await browser.submit(question, {}, '/account/sign-out-everywhere');
    expect(roleText(done, 'status')).toMatch(/^You are signed out everywhere else \(\d+ sign-ins ended\)\.$/);
    expect(await statusOf(phone.sessionId)).toBe('revoked');
    expect(await statusOf(watchId)).toBe('revoked');
    expect(treeOf(done)).toEqual(['node *']);
    expect(done.html).toContain('No other device is signed in.');
    const [event] = await t.services.repos.audit.list({
      tenantId: t.tenant.id,
      type: 'account.signed_out_elsewhere',
      userId: t.user.id,
      limit: 1,
    });
    expect(event?.data).toMatchObject({ sessions: expect.arrayContaining([phone.sessionId]) });
  });

  it('signs out everywhere, this browser too, after asking: every session ends and the cookie goes (audited once)', async () => {
    const { phone, watchId } = await phoneAndWatch();
    const { browser } = await signedInBrowser();
    const page = await browser.get(accountUrl());
    const own = /<div class="session current">[\s\S]*?name="session" value="([^"]+)"/.exec(page.html)?.[1];
    const question = await browser.get(`${accountUrl()}/sign-out-everywhere?this_device=yes`);
    expect(titleOf(question)).toBe('Sign out everywhere?');
    expect(question.html).toContain('you will be signed out here too');
    const done = await browser.submit(question, {}, '/account/sign-out-everywhere');
    expect(titleOf(done)).toBe('Signed out everywhere');
    expect(browser.cookie('baton_sso')).toBeUndefined();
    for (const id of [phone.sessionId, watchId, own!]) expect(await statusOf(id)).toBe('revoked');
    const [event] = await t.services.repos.audit.list({
      tenantId: t.tenant.id,
      type: 'account.signed_out_everywhere',
      userId: t.user.id,
      limit: 1,
    });
    expect(event?.data).toMatchObject({ sessions: expect.arrayContaining([phone.sessionId, watchId, own]) });
  });

  it('refuses a sign-out posted without this browser’s CSRF token, and ends nothing', async () => {
    const { phone, watchId } = await phoneAndWatch();
    const { browser } = await signedInBrowser();
    const question = await browser.get(`${accountUrl()}/sign-out?session=${watchId}`);
    const { csrf } = formOf(question, '/account/sign-out').fields;
    for (const forged of [{ session: watchId }, { session: watchId, csrf: 'forged' }]) {
      const refused = await browser.post(`${accountUrl()}/sign-out`, forged);
      expect(refused.status).toBe(403);
      expect(refused.html).toContain('did not come from this site');
    }
    // The right token from another browser (no CSRF cookie): refused too.
    const elsewhere = new WebClient(t.url);
    elsewhere.setCookie('baton_sso', browser.cookie('baton_sso')!, `/${t.tenant.name}`);
    expect((await elsewhere.post(`${accountUrl()}/sign-out`, { session: watchId, csrf })).status).toBe(403);
    expect((await browser.post(`${accountUrl()}/sign-out-everywhere`, {})).status).toBe(403);
    expect((await browser.post(`${accountUrl()}/sign-out-everywhere`, { this_device: 'yes' })).status).toBe(403);
    expect(await statusOf(watchId)).toBe('active');
    expect(await statusOf(phone.sessionId)).toBe('active');
  });

  it('answers another user’s session id as unknown, asking or posting, and ends nothing', async () => {
    const bob = await t.services.accounts.create(t.tenant, {
      email: 'bob@example.com',
      password: 'Bob keeps bees in Utrecht 7',
      emailVerified: true,
    });
    const signedIn = await signInWithPassword(t.base, phoneApp.clientId, bob.email, 'Bob keeps bees in Utrecht 7');
    const bobsSession = (await t.services.accountSessions.devices(t.tenant, { userId: bob.id, sessionId: '' }))[0]!.id;
    expect(signedIn.status).toBe(200);
    const { browser, page } = await signedInBrowser();
    const asked = await browser.get(`${accountUrl()}/sign-out?session=${bobsSession}`);
    expect(asked.status).toBe(404);
    expect(asked.html).toContain('None of your signed-in devices has this sign-in');
    const { csrf } = formOf(
      await browser.get(`${accountUrl()}/sign-out-everywhere`),
      '/account/sign-out-everywhere',
    ).fields;
    const posted = await browser.post(`${accountUrl()}/sign-out`, { csrf, session: bobsSession });
    expect(posted.status).toBe(404);
    const bobs = await t.services.accountSessions.devices(t.tenant, { userId: bob.id, sessionId: bobsSession });
    expect(bobs[0]?.status).toBe('active');
    expect(
      await t.services.repos.audit.count({ tenantId: t.tenant.id, type: 'account.session_revoked', userId: bob.id }),
    ).toBe(0);
    expect(page.html).not.toContain(bobsSession);
  });

  it('sends a browser whose session ended meanwhile back to the page instead of acting', async () => {
    const { watchId } = await phoneAndWatch();
    const { browser } = await signedInBrowser();
    const question = await browser.get(`${accountUrl()}/sign-out?session=${watchId}`);
    await t.services.browserSessions.end(t.tenant, browser.cookie('baton_sso'), {
      ip: null,
      userAgent: null,
      correlationId: 'test',
    });
    const done = await browser.submit(question, {}, '/account/sign-out');
    expect(done.status).toBe(303);
    expect(done.location).toBe(accountUrl());
    expect(await statusOf(watchId)).toBe('active');
  });
});
