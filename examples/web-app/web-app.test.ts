import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleWebApp, type RunningWebApp } from '../../e2e/web/support/example-web-app.js';
import type { App } from '../../packages/server/src/core/model.js';
import {
  handoffClient,
  startHandoffServer,
  type HandoffClient,
} from '../../packages/server/test/handoff/handoff-client.js';
import { postForm, signInWithPassword } from '../../packages/server/test/support/http.js';
import type { TestServer } from '../../packages/server/test/support/test-server.js';
import { titleOf, WebClient, type Page } from '../../packages/server/test/web/web-client.js';

/**
 * The example web app in front of a real Baton, driven over HTTP with a cookie jar (the
 * browser tests under e2e/web drive it in Chromium): the code flow with openid-client, the
 * web-view handoff, and the bearer pattern.
 */
describe('the example web app', () => {
  let t: TestServer;
  let phone: App;
  let client: HandoffClient;
  let web: RunningWebApp;
  beforeAll(async () => {
    ({
      t,
      apps: { phone },
    } = await startHandoffServer('sqlite'));
    web = await startExampleWebApp(t, { bearerAudiences: [phone.clientId] });
    // The phone hands its session to the web app: transfer tokens name it as their audience.
    client = handoffClient(t, { phone, watch: web.app });
  });
  afterAll(async () => {
    await web?.close();
    await t?.close();
  });

  /** Follows redirects from `url`, across the web app and Baton, to the first page that is not one. */
  async function browse(
    browser: WebClient,
    url: string,
    headers: Record<string, string> = {},
  ): Promise<{ page: Page; visited: string[] }> {
    const visited = [url];
    let page = await browser.get(url, headers);
    while (page.status >= 300 && page.status < 400) {
      visited.push(page.location!);
      page = await browser.get(page.location!);
    }
    return { page, visited };
  }
  /** Follows the redirects after a form post. */
  async function afterPost(browser: WebClient, posted: Page): Promise<Page> {
    return posted.location ? (await browse(browser, posted.location)).page : posted;
  }

  it('signs in with the code flow: PKCE S256, state and nonce at Baton, then shows who is signed in', async () => {
    const browser = new WebClient(web.origin);
    const first = await browser.get(`${web.origin}/login`);
    expect(first.status).toBe(302);
    const authorize = new URL(first.location!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${t.base}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: web.app.clientId,
      redirect_uri: `${web.origin}/callback`,
      response_type: 'code',
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      state: expect.any(String),
      nonce: expect.any(String),
    });
    const identify = (await browse(browser, first.location!)).page;
    const password = await browser.submit(identify, { email: t.user.email }, '/login/identify');
    const home = await afterPost(
      browser,
      await browser.submit(password, { password: t.userPassword }, '/login/password'),
    );
    expect(titleOf(home)).toBe('Signed in as Ada Lovelace');
    expect(home.html).toContain('ada@example.com');
    expect(home.html).toContain('own session');
    // With baton.account in its scope, the page lists the user's devices from Baton's account API.
    expect(home.html).toMatch(
      /Your devices<\/h2><ul><li>.*\(browser, Example web app\) <strong>this browser<\/strong>/,
    );
  });

  it('a web view opened with a session transfer token is signed in without a page of Baton in between', async () => {
    const transfer = await client.transferToken();
    const browser = new WebClient(web.origin);
    const { page, visited } = await browse(
      browser,
      `${web.origin}/login?session_transfer_token=${encodeURIComponent(transfer)}`,
    );
    expect(titleOf(page)).toBe('Signed in as Ada Lovelace');
    expect(visited.map((u) => new URL(u).pathname)).toEqual([
      '/login',
      '/acme/oauth2/v2.0/authorize',
      '/callback',
      '/',
    ]);
    expect(new URL(visited[1]!).searchParams.get('session_transfer_token')).toBe(transfer);
    // The web view's session hangs below the phone's in the device graph the page shows (by way of its SSO session).
    expect(page.html).toMatch(
      /<li>[^<]*\(primary, Phone app\)<ul><li>.*\(browser, Example web app\) <strong>this browser<\/strong>/,
    );
  });

  it('refresh works while the app session lives, and ends the web session once it is revoked', async () => {
    const phoneSignIn = await client.signIn();
    const browser = new WebClient(web.origin);
    await browse(
      browser,
      `${web.origin}/login?session_transfer_token=${encodeURIComponent(await client.transferToken(phoneSignIn.refreshToken))}`,
    );
    const home = (await browse(browser, `${web.origin}/`)).page;
    expect(titleOf(await afterPost(browser, await browser.submit(home, {}, '/refresh')))).toBe(
      'Signed in as Ada Lovelace',
    );
    await postForm(`${t.base}/oauth2/v2.0/revoke`, { client_id: phone.clientId, token: phoneSignIn.refreshToken });
    const ended = await browser.submit(home, {}, '/refresh');
    expect(ended.status).toBe(401);
    expect(ended.html).toContain('Your session has ended (invalid_grant)');
    expect(titleOf((await browse(browser, `${web.origin}/`)).page)).toBe('Not signed in');
  });

  it("shows Baton's answer to prompt=none without a session", async () => {
    const { page } = await browse(new WebClient(web.origin), `${web.origin}/login?prompt=none`);
    expect(page.status).toBe(400);
    expect(page.html).toContain('<strong id="error">login_required</strong>');
  });

  it('refuses a callback whose state is not the one it sent', async () => {
    const browser = new WebClient(web.origin);
    const started = await browser.get(`${web.origin}/login`);
    const state = new URL(started.location!).searchParams.get('state');
    const forged = await browser.get(
      `${web.origin}/callback?code=anything&state=not-${state}&iss=${encodeURIComponent(`${t.base}/v2.0`)}`,
    );
    expect(forged.status).toBe(400);
    expect(titleOf(forged)).toBe('Sign-in did not complete');
    expect((await new WebClient(web.origin).get(`${web.origin}/callback?code=x&state=y`)).status).toBe(400);
  });

  it('logs out at Baton and comes back to its home page', async () => {
    const browser = new WebClient(web.origin);
    await browse(
      browser,
      `${web.origin}/login?session_transfer_token=${encodeURIComponent(await client.transferToken())}`,
    );
    const { page, visited } = await browse(browser, `${web.origin}/logout`);
    expect(visited.map((u) => new URL(u).pathname)).toEqual(['/logout', '/acme/oauth2/v2.0/logout', '/']);
    expect(new URL(visited[1]!).searchParams.get('id_token_hint')).toEqual(expect.any(String));
    expect(titleOf(page)).toBe('Not signed in');
  });

  describe('the bearer pattern', () => {
    const home = (token: string) =>
      new WebClient(web.origin).get(`${web.origin}/`, { authorization: `Bearer ${token}` });

    it("shows the user of the native app's access token, with no session of its own", async () => {
      const signedIn = await signInWithPassword(t.base, phone.clientId, t.user.email, t.userPassword);
      const page = await home(signedIn.body.access_token);
      expect(page.status).toBe(200);
      expect(titleOf(page)).toBe('Signed in as Ada Lovelace');
      expect(page.html).toContain(phone.clientId);
      expect(page.html).toContain('no session of its own');
      expect(page.setCookies).toEqual([]);
    });

    it.each([
      [
        'an app it does not serve',
        async () => (await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword)).body.access_token,
      ],
      [
        'an ID token',
        async () => (await signInWithPassword(t.base, phone.clientId, t.user.email, t.userPassword)).body.id_token,
      ],
      [
        'a token whose session was revoked',
        async () => {
          const signedIn = await signInWithPassword(t.base, phone.clientId, t.user.email, t.userPassword);
          await postForm(`${t.base}/oauth2/v2.0/revoke`, {
            client_id: phone.clientId,
            token: signedIn.body.refresh_token,
          });
          return signedIn.body.access_token;
        },
      ],
      [
        'a tampered token',
        async () =>
          `${(await signInWithPassword(t.base, phone.clientId, t.user.email, t.userPassword)).body.access_token}x`,
      ],
    ])('refuses a token of %s with 401', async (_case, token) => {
      const page = await home(await token());
      expect(page.status).toBe(401);
      expect(page.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(titleOf(page)).toBe('Not signed in');
    });
  });
});
