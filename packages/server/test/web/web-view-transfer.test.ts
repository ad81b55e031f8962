import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { postForm, signInWithPassword } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';
import { handoffClient, startHandoffServer, type HandoffApps, type HandoffClient } from '../handoff/handoff-client.js';
import {
  authorizeUrl,
  exchangeCode,
  formOf,
  newPkce,
  redirectParams,
  titleOf,
  WebClient,
  type Page,
} from './web-client.js';

/** The page without what changes per response (hidden tokens, CSP nonces): what a person reads. */
const visible = (page: Page) => page.html.replace(/value="[^"]*"/g, 'value=""').replace(/nonce="[^"]*"/g, 'nonce=""');

describe.each(engines)('web-view sign-in with a session transfer token on %s', (engine) => {
  let t: TestServer;
  let apps: HandoffApps;
  let client: HandoffClient;
  /** The web app the view shows: it accepts session transfers. */
  let web: App;
  /** The plain sign-in page, to compare refused transfers with. */
  let signInPage: string;
  beforeAll(async () => {
    ({ t, apps, client } = await startHandoffServer(engine, {
      name: 'Web shop',
      redirectUris: ['https://shop.example/callback'],
      postLogoutRedirectUris: ['https://shop.example/bye'],
    }));
    web = apps.watch;
    signInPage = visible(await new WebClient(t.url).get(authorizeUrl(t, web, newPkce())));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The phone signs in natively and asks for a transfer token for the web app. */
  async function phoneWithTransfer() {
    const phone = await client.signIn();
    return { phone, transfer: await client.transferToken(phone.refreshToken) };
  }
  /** The web view opens the authorize URL with the token; the web app exchanges the code. */
  async function openWebView(transfer: string, browser = new WebClient(t.url)) {
    const pkce = newPkce();
    const landed = await browser.get(authorizeUrl(t, web, pkce, { session_transfer_token: transfer }));
    return { browser, landed, pkce };
  }
  async function signedInView() {
    const { phone, transfer } = await phoneWithTransfer();
    const { browser, landed, pkce } = await openWebView(transfer);
    const tokens = await exchangeCode(t, web, redirectParams(landed).code!, pkce.verifier);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    return { phone, browser, tokens: tokens.body as Record<string, string> };
  }
  const refresh = (app: App, refreshToken: string) =>
    postForm(`${t.base}/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: app.clientId,
      refresh_token: refreshToken,
    });
  const silent = (browser: WebClient) => browser.get(authorizeUrl(t, web, newPkce(), { prompt: 'none' }));

  it('lands signed in with no prompt: a browser session below the phone session, and the web app below it', async () => {
    const { phone, browser, tokens } = await signedInView();
    const webSession = await t.services.sessions.find(decodeJwt(tokens.id_token!).sid as string);
    const browserSession = await t.services.sessions.find(webSession!.parentId!);
    expect(browserSession).toMatchObject({ parentId: phone.sessionId, userId: t.user.id, amr: ['pwd'] });
    expect(decodeJwt(tokens.id_token!)).toMatchObject({ sub: t.user.id, nonce: 'nonce-456' });
    // The cookie the view got keeps it signed in: the next authorization is silent.
    expect(redirectParams(await silent(browser)).code).toEqual(expect.any(String));
  });

  it('a replayed transfer URL in a fresh browser shows the sign-in page, saying nothing of why', async () => {
    const { transfer } = await phoneWithTransfer();
    expect(redirectParams((await openWebView(transfer)).landed).code).toBeDefined();
    const replayed = (await openWebView(transfer)).landed;
    expect(replayed.status).toBe(200);
    expect(titleOf(replayed)).toBe('Sign in');
    expect(visible(replayed)).toBe(signInPage);
    expect(replayed.setCookies.some((c) => c.startsWith('baton_sso='))).toBe(false);
    const replays = await t.services.repos.audit.list({ tenantId: t.tenant.id, type: 'session_transfer.replayed' });
    expect(replays.length).toBeGreaterThan(0);
  });

  /** The sign-in page, with no SSO cookie set and no session opened. */
  async function expectSignInPageOnly(url: string) {
    const sessionsBefore = (await t.services.sessions.list(t.tenant, t.user)).length;
    const landed = await new WebClient(t.url).get(url);
    expect(landed.status).toBe(200);
    expect(titleOf(landed)).toBe('Sign in');
    expect(landed.setCookies.some((c) => c.startsWith('baton_sso='))).toBe(false);
    expect((await t.services.sessions.list(t.tenant, t.user)).length).toBe(sessionsBefore);
  }

  it('prompt=login shows the sign-in page even with a valid transfer token', async () => {
    const { transfer } = await phoneWithTransfer();
    await expectSignInPageOnly(authorizeUrl(t, web, newPkce(), { session_transfer_token: transfer, prompt: 'login' }));
  });

  it('max_age: a phone sign-in older than it shows the sign-in page; a recent enough one lets the transfer through', async () => {
    const phone = await client.signIn();
    t.clock.advance!(120_000);
    await expectSignInPageOnly(
      authorizeUrl(t, web, newPkce(), {
        session_transfer_token: await client.transferToken(phone.refreshToken),
        max_age: '60',
      }),
    );
    const landed = await new WebClient(t.url).get(
      authorizeUrl(t, web, newPkce(), {
        session_transfer_token: await client.transferToken(phone.refreshToken),
        max_age: '300',
      }),
    );
    expect(redirectParams(landed).code).toEqual(expect.any(String));
  });

  it('an expired transfer token (61 s) shows the sign-in page', async () => {
    const { transfer } = await phoneWithTransfer();
    t.clock.advance!(61_000);
    const landed = (await openWebView(transfer)).landed;
    expect(landed.status).toBe(200);
    expect(visible(landed)).toBe(signInPage);
  });

  it('a token for another web app shows the sign-in page, and is not used up by the attempt', async () => {
    const { app: otherWeb } = await t.registerApp({
      name: 'Help centre',
      acceptSessionTransfer: true,
      redirectUris: ['https://help.example/callback'],
    });
    const phone = await client.signIn();
    const forOther = (await client.requestTransfer(phone.refreshToken, { audience: otherWeb.clientId })).body
      .access_token as string;
    const landed = (await openWebView(forOther)).landed;
    expect(landed.status).toBe(200);
    expect(visible(landed)).toBe(signInPage);
    const pkce = newPkce();
    const right = await new WebClient(t.url).get(authorizeUrl(t, otherWeb, pkce, { session_transfer_token: forOther }));
    expect(redirectParams(right).code).toBeDefined();
  });

  it('a token of another tenant shows the sign-in page', async () => {
    const globex = await t.services.tenants.create({ name: `globex-${engine}` });
    const { app: globexPhone } = await t.services.apps.register(globex, {
      name: 'Globex phone',
      allowSessionTransfer: true,
    });
    const { app: globexWeb } = await t.services.apps.register(globex, {
      name: 'Globex web',
      acceptSessionTransfer: true,
      redirectUris: web.redirectUris,
    });
    await t.services.accounts.create(globex, { email: t.user.email, password: t.userPassword, emailVerified: true });
    const globexClient = handoffClient(
      { ...t, base: `${t.url}/${globex.name}` },
      { phone: globexPhone, watch: globexWeb },
    );
    const signedIn = await signInWithPassword(
      `${t.url}/${globex.name}`,
      globexPhone.clientId,
      t.user.email,
      t.userPassword,
    );
    const foreign = await globexClient.transferToken(signedIn.body.refresh_token);
    const landed = (await openWebView(foreign)).landed;
    expect(landed.status).toBe(200);
    expect(visible(landed)).toBe(signInPage);
  });

  it('a made-up token shows the sign-in page', async () => {
    const landed = (await openWebView('not-a-transfer-token')).landed;
    expect(landed.status).toBe(200);
    expect(visible(landed)).toBe(signInPage);
  });

  describe('in a browser already signed in as another user', () => {
    /** Bob, another user of the tenant, signed in on his phone: a transfer token of his for the web app. */
    async function bobsTransfer(): Promise<string> {
      const email = 'bob-transfer@example.com';
      if (!(await t.services.accounts.findByEmail(t.tenant, email)))
        await t.services.accounts.create(t.tenant, {
          email,
          password: t.userPassword,
          displayName: 'Bob',
          emailVerified: true,
        });
      const signedIn = await signInWithPassword(t.base, apps.phone.clientId, email, t.userPassword);
      return client.transferToken(signedIn.body.refresh_token);
    }
    /** Who the browser's next silent sign-in is, by the ID token the web app gets. */
    async function silentUser(browser: WebClient): Promise<string> {
      const pkce = newPkce();
      const landed = await browser.get(authorizeUrl(t, web, pkce, { prompt: 'none' }));
      const tokens = await exchangeCode(t, web, redirectParams(landed).code!, pkce.verifier);
      return decodeJwt(tokens.body.id_token).preferred_username as string;
    }
    /** Ada's view, then Bob's transfer token arriving in it: the question. */
    async function switchAsked() {
      const { browser } = await signedInView();
      const adasCookie = browser.cookie('baton_sso');
      const transfer = await bobsTransfer();
      const asked = (await openWebView(transfer, browser)).landed;
      return { browser, adasCookie, transfer, asked };
    }

    it('asks, naming both accounts, and leaves the SSO cookie and the transfer token as they were', async () => {
      const { browser, adasCookie, asked } = await switchAsked();
      expect(asked.status).toBe(200);
      expect(titleOf(asked)).toBe('Switch account?');
      expect(asked.html).toContain(`You are signed in as <strong>${t.user.email}</strong>`);
      expect(asked.html).toContain('<strong>bob-transfer@example.com</strong>');
      expect(asked.setCookies.some((c) => c.startsWith('baton_sso='))).toBe(false);
      expect(browser.cookie('baton_sso')).toBe(adasCookie);
      expect(await silentUser(browser)).toBe(t.user.email);
      const replays = await t.services.repos.audit.list({ tenantId: t.tenant.id, type: 'session_transfer.replayed' });
      // The token was not used: the answer below redeems it.
      const continued = await browser.submit(asked, {}, '/login/switch');
      expect(redirectParams(continued)).toMatchObject({ code: expect.any(String), state: 'state-123' });
      expect(
        (await t.services.repos.audit.list({ tenantId: t.tenant.id, type: 'session_transfer.replayed' })).length,
      ).toBe(replays.length);
    });

    it('Continue switches the browser to the arriving user, once', async () => {
      const { browser, adasCookie, asked } = await switchAsked();
      const continued = await browser.submit(asked, {}, '/login/switch');
      expect(redirectParams(continued).code).toEqual(expect.any(String));
      expect(browser.cookie('baton_sso')).not.toBe(adasCookie);
      expect(await silentUser(browser)).toBe('bob-transfer@example.com');
      // The same answer again: the token is used up, so the sign-in page.
      const again = await browser.submit(asked, {}, '/login/switch');
      expect(titleOf(again)).toBe('Sign in');
    });

    it('Cancel keeps the browser as it is and answers the app access_denied', async () => {
      const { browser, adasCookie, asked } = await switchAsked();
      const cancelled = await browser.submit(asked, {}, '/login/cancel');
      expect(redirectParams(cancelled)).toMatchObject({
        error: 'access_denied',
        state: 'state-123',
        iss: `${t.base}/v2.0`,
      });
      expect(browser.cookie('baton_sso')).toBe(adasCookie);
      expect(await silentUser(browser)).toBe(t.user.email);
    });

    it("an answer without this browser's CSRF token is refused with 403 and switches nothing", async () => {
      const { browser, adasCookie, asked } = await switchAsked();
      const fields = formOf(asked, '/login/switch').fields;
      for (const csrf of [undefined, 'made-up'])
        expect((await browser.post('/acme/login/switch', { ...fields, csrf })).status).toBe(403);
      expect((await new WebClient(t.url).post('/acme/login/switch', fields)).status).toBe(403);
      expect(browser.cookie('baton_sso')).toBe(adasCookie);
      expect(await silentUser(browser)).toBe(t.user.email);
    });

    it('a token that expires before the answer gets the sign-in page', async () => {
      const { browser, asked } = await switchAsked();
      t.clock.advance!(61_000);
      const late = await browser.submit(asked, {}, '/login/switch');
      expect(titleOf(late)).toBe('Sign in');
      expect(late.setCookies.some((c) => c.startsWith('baton_sso='))).toBe(false);
    });

    it('prompt=none cannot ask, so it answers account_selection_required', async () => {
      const { browser } = await signedInView();
      const landed = await browser.get(
        authorizeUrl(t, web, newPkce(), { session_transfer_token: await bobsTransfer(), prompt: 'none' }),
      );
      expect(redirectParams(landed)).toMatchObject({ error: 'account_selection_required', state: 'state-123' });
      expect(await silentUser(browser)).toBe(t.user.email);
    });

    it("the same user's token goes through without a question", async () => {
      const { browser } = await signedInView();
      const { transfer } = await phoneWithTransfer();
      expect(redirectParams((await openWebView(transfer, browser)).landed).code).toEqual(expect.any(String));
    });
  });

  describe('revoking the phone session signs the web view out at its next request to Baton', () => {
    it('through the session service', async () => {
      const { phone, browser, tokens } = await signedInView();
      await t.services.sessions.revoke(phone.sessionId, 'test');
      expect(redirectParams(await silent(browser))).toMatchObject({ error: 'login_required' });
      expectError(await refresh(web, tokens.refresh_token!), 400, 'invalid_grant');
    });

    it('through RFC 7009 revocation of the phone refresh token', async () => {
      const { phone, browser, tokens } = await signedInView();
      const revoked = await postForm(`${t.base}/oauth2/v2.0/revoke`, {
        client_id: apps.phone.clientId,
        token: phone.refreshToken,
        token_type_hint: 'refresh_token',
      });
      expect(revoked.status).toBe(200);
      expect(redirectParams(await silent(browser))).toMatchObject({ error: 'login_required' });
      expectError(await refresh(web, tokens.refresh_token!), 400, 'invalid_grant');
    });
  });

  describe('logout', () => {
    it('goes back to a registered post_logout_redirect_uri with the state, and ends the view and its web-app session but not the phone', async () => {
      const { phone, browser, tokens } = await signedInView();
      const out = await browser.get(
        `${t.base}/oauth2/v2.0/logout?${new URLSearchParams({
          post_logout_redirect_uri: 'https://shop.example/bye',
          id_token_hint: tokens.id_token!,
          state: 'after-logout',
        })}`,
      );
      expect(out.status).toBe(303);
      expect(out.location).toBe('https://shop.example/bye?state=after-logout');
      expect(redirectParams(await silent(browser))).toMatchObject({ error: 'login_required' });
      expectError(await refresh(web, tokens.refresh_token!), 400, 'invalid_grant');
      expect((await refresh(apps.phone, phone.refreshToken)).status).toBe(200);
    });

    /** Logout in `browser` with `params`: the page it ends on, and whether Baton asked first ("Sign out?", answered). */
    async function logoutIn(
      browser: WebClient,
      params: Record<string, string>,
    ): Promise<{ asked: boolean; out: Page }> {
      const first = await browser.get(`${t.base}/oauth2/v2.0/logout?${new URLSearchParams(params)}`);
      if (titleOf(first) !== 'Sign out?') return { asked: false, out: first };
      return { asked: true, out: await browser.submit(first, {}, '/logout/confirm') };
    }

    it('goes back by an expired hint alone, without asking; a hint Baton did not sign or one issued to another app than client_id asks first and sends nowhere', async () => {
      const other = (await t.registerApp({ name: 'Other shop', postLogoutRedirectUris: ['https://other.example/bye'] }))
        .app;
      const logout = async (params: Record<string, string>) => logoutIn((await signedInView()).browser, params);
      const { tokens } = await signedInView();
      t.clock.advance!(2 * 3600 * 1000);
      const expired = await logout({
        post_logout_redirect_uri: 'https://shop.example/bye',
        id_token_hint: tokens.id_token!,
      });
      expect(expired).toMatchObject({ asked: false, out: { location: 'https://shop.example/bye' } });

      const mismatched = await logout({
        post_logout_redirect_uri: 'https://other.example/bye',
        id_token_hint: tokens.id_token!,
        client_id: other.clientId,
      });
      expect(mismatched.asked).toBe(true);
      expect(mismatched.out.location).toBeNull();
      expect(titleOf(mismatched.out)).toBe('Signed out');

      const [header, payload] = tokens.id_token!.split('.');
      const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
      for (const hint of [forged, unsigned]) {
        const out = await logout({ post_logout_redirect_uri: 'https://shop.example/bye', id_token_hint: hint });
        expect(out.asked).toBe(true);
        expect(out.out.location).toBeNull();
      }
    });

    it('asks first, naming who is signed in, for a valid hint of another user; nothing ends until the answer', async () => {
      const { browser, tokens } = await signedInView();
      const bob = await t.services.accounts.create(t.tenant, {
        email: `bob-logout@example.com`,
        password: t.userPassword,
        emailVerified: true,
      });
      const bobsHint = (await signInWithPassword(t.base, apps.phone.clientId, bob.email, t.userPassword)).body
        .id_token as string;
      const asked = await browser.get(
        `${t.base}/oauth2/v2.0/logout?${new URLSearchParams({ id_token_hint: bobsHint })}`,
      );
      expect(titleOf(asked)).toBe('Sign out?');
      expect(asked.html).toContain(`You are signed in as <strong>${t.user.email}</strong>`);
      expect(asked.setCookies.some((c) => c.startsWith('baton_sso='))).toBe(false);
      expect(redirectParams(await silent(browser)).code).toEqual(expect.any(String));
      expect((await refresh(web, tokens.refresh_token!)).status).toBe(200);
    });

    it('answers a POST to the confirmation without the CSRF token with 403, and signs nothing out', async () => {
      const { browser } = await signedInView();
      const asked = await browser.get(`${t.base}/oauth2/v2.0/logout`);
      for (const csrf of [undefined, 'made-up', `${formOf(asked, '/logout/confirm').fields.csrf}x`]) {
        const forged = await browser.post('/acme/logout/confirm', { csrf });
        expect(forged.status).toBe(403);
      }
      expect(redirectParams(await silent(browser)).code).toEqual(expect.any(String));
      // Another browser's token (the attacker's own, from any hosted page) does not fit this browser's cookie.
      const strangers = formOf(await new WebClient(t.url).get(authorizeUrl(t, web, newPkce())), '/login/identify')
        .fields.csrf;
      expect((await browser.post('/acme/logout/confirm', { csrf: strangers })).status).toBe(403);
      expect(redirectParams(await silent(browser)).code).toEqual(expect.any(String));
    });

    it('keeps an old copy of the SSO cookie from working after logout', async () => {
      const { browser } = await signedInView();
      const cookie = browser.cookie('baton_sso')!;
      const asked = await browser.post('/acme/oauth2/v2.0/logout', { client_id: web.clientId });
      expect(titleOf(asked)).toBe('Sign out?');
      await browser.submit(asked, {}, '/logout/confirm');
      expect(browser.cookie('baton_sso')).toBeUndefined();
      const stolen = new WebClient(t.url);
      stolen.setCookie('baton_sso', cookie, '/acme');
      expect(redirectParams(await silent(stolen))).toMatchObject({ error: 'login_required' });
    });

    it.each([
      ['an unregistered URI', 'https://evil.example/'],
      ["another app's registered URI", 'https://other.example/bye'],
      ['a registered URI with a suffix', 'https://shop.example/bye/evil'],
    ])('shows the signed-out page for %s, and still signs out once asked', async (_case, uri) => {
      await t.registerApp({ name: 'Other', postLogoutRedirectUris: ['https://other.example/bye'] });
      const { browser } = await signedInView();
      const first = await browser.get(
        `${t.base}/oauth2/v2.0/logout?${new URLSearchParams({ post_logout_redirect_uri: uri, client_id: web.clientId })}`,
      );
      expect(titleOf(first)).toBe('Sign out?');
      expect(first.html).not.toContain(uri);
      const out = await browser.submit(first, {}, '/logout/confirm');
      expect(out.status).toBe(200);
      expect(out.location).toBeNull();
      expect(titleOf(out)).toBe('Signed out');
      expect(out.html).not.toContain(uri);
      expect(redirectParams(await silent(browser))).toMatchObject({ error: 'login_required' });
    });

    it.each([
      ['an object', { a: 1 }],
      ['true', true],
      ['a list in a list', [[]]],
      ['a string with a NUL', 'a\u0000b'],
      ['a number', 42],
    ])(
      'asks, then shows the signed-out page, for an id_token_hint whose aud is %s, not a server error',
      async (_case, aud) => {
        const { browser } = await signedInView();
        const hint = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud })).toString('base64url')}.`;
        const { asked, out } = await logoutIn(browser, {
          post_logout_redirect_uri: 'https://shop.example/bye',
          id_token_hint: hint,
        });
        expect(asked).toBe(true);
        expect(out.status).toBe(200);
        expect(titleOf(out)).toBe('Signed out');
        expect(redirectParams(await silent(browser))).toMatchObject({ error: 'login_required' });
      },
    );
  });
});
