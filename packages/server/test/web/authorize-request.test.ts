import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { verifyTenantJwt } from '../support/tokens.js';
import {
  authorizeUrl,
  exchangeCode,
  formOf,
  hostedPasswordSignIn,
  newPkce,
  redirectParams,
  registerWebApp,
  titleOf,
  WebClient,
  type Page,
} from './web-client.js';

/** An error shown on Baton's own page: 400, HTML, and no way back to anything the request named. */
function expectErrorPage(page: Page, evil?: string) {
  expect(page.status, page.html.slice(0, 300)).toBe(400);
  expect(page.location).toBeNull();
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(titleOf(page)).toBe('Something went wrong');
  expect(page.html).toMatch(/role="alert"/);
  if (evil) expect(page.html).not.toContain(evil);
}

describe('the authorization request', () => {
  let t: TestServer;
  let app: App;
  beforeAll(async () => {
    t = await startTestServer();
    app = await registerWebApp(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('open redirect attempts are shown an error page, never redirected', () => {
    it.each([
      ['an unregistered URI', 'https://evil.example/callback'],
      ['a prefix of the registered URI', 'https://shop.example/call'],
      ['the registered URI with a path suffix', 'https://shop.example/callback/../../evil'],
      ['the registered URI with a trailing slash', 'https://shop.example/callback/'],
      ['the registered URI with a query', 'https://shop.example/callback?next=https://evil.example'],
      ['the registered URI with a fragment', 'https://shop.example/callback#https://evil.example'],
      ['another port', 'https://shop.example:8443/callback'],
      ['another scheme', 'http://shop.example/callback'],
      ['userinfo that looks like the host', 'https://shop.example@evil.example/callback'],
      ['userinfo in front of the host', 'https://evil.example@shop.example/callback'],
      ['a host with the registered one as a prefix', 'https://shop.example.evil.example/callback'],
      ['another letter case', 'https://SHOP.example/callback'],
      ['a percent-encoded path', 'https://shop.example/%63allback'],
      ['a relative URI', '/callback'],
      ['no redirect_uri at all', undefined],
    ])('%s', async (_case, redirectUri) => {
      const page = await new WebClient(t.url).get(authorizeUrl(t, app, newPkce(), { redirect_uri: redirectUri }));
      expectErrorPage(page, 'evil.example');
      expect(page.html).toContain('redirect_uri is not registered');
    });

    it('an unknown client_id, even with a redirect URI registered by another app', async () => {
      const page = await new WebClient(t.url).get(
        authorizeUrl(t, app, newPkce(), { client_id: '00000000-0000-4000-8000-000000000000' }),
      );
      expectErrorPage(page, 'shop.example');
    });

    it("another app of the tenant cannot borrow this app's redirect URI", async () => {
      const other = await registerWebApp(t, { redirectUris: ['https://other.example/callback'] });
      expectErrorPage(
        await new WebClient(t.url).get(authorizeUrl(t, other, newPkce(), { redirect_uri: app.redirectUris[0] })),
      );
    });

    it('an unknown tenant shows a page too', async () => {
      const page = await new WebClient(t.url).get(authorizeUrl(t, app, newPkce()).replace('/acme/', '/nowhere/'));
      expect(page.status).toBe(404);
      expect(page.location).toBeNull();
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    });
  });

  describe('errors about the rest of the request go back to the app (RFC 6749 §4.1.2.1)', () => {
    it.each([
      ['no code_challenge (PKCE missing)', { code_challenge: undefined }, 'invalid_request', /PKCE is required/],
      ['no code_challenge_method', { code_challenge_method: undefined }, 'invalid_request', /must be S256/],
      ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request', /must be S256/],
      ['a code_challenge too short to be S256', { code_challenge: 'abc' }, 'invalid_request', /43-128/],
      ['response_type=token', { response_type: 'token' }, 'unsupported_response_type', /code/],
      ['an unknown prompt', { prompt: 'create' }, 'invalid_request', /prompt/],
    ])('%s', async (_case, params, error, description) => {
      const page = await new WebClient(t.url).get(authorizeUrl(t, app, newPkce(), params));
      const query = redirectParams(page);
      expect(page.location!.startsWith(`${app.redirectUris[0]}?`)).toBe(true);
      expect(query).toMatchObject({ error, state: 'state-123', iss: `${t.base}/v2.0` });
      expect(query.error_description).toMatch(description);
      expect(query.code).toBeUndefined();
    });
  });

  describe('prompt, login_hint, state and nonce', () => {
    it('prompt=none without a browser session answers login_required to the app', async () => {
      const query = redirectParams(await new WebClient(t.url).get(authorizeUrl(t, app, newPkce(), { prompt: 'none' })));
      expect(query).toMatchObject({ error: 'login_required', state: 'state-123' });
    });

    it('prompt=none with a browser session answers a code at once; prompt=login shows the sign-in page anyway', async () => {
      const browser = new WebClient(t.url);
      redirectParams(
        await hostedPasswordSignIn(browser, authorizeUrl(t, app, newPkce()), t.user.email, t.userPassword),
      );
      const silent = redirectParams(
        await browser.get(authorizeUrl(t, app, newPkce(), { prompt: 'none', state: 'again' })),
      );
      expect(silent).toMatchObject({ code: expect.any(String), state: 'again' });
      const forced = await browser.get(authorizeUrl(t, app, newPkce(), { prompt: 'login' }));
      expect(forced.status).toBe(200);
      expect(titleOf(forced)).toBe('Sign in');
    });

    it('max_age: a browser session signed in longer ago asks again (prompt=none: login_required); max_age=0 always asks', async () => {
      const browser = new WebClient(t.url);
      redirectParams(
        await hostedPasswordSignIn(browser, authorizeUrl(t, app, newPkce()), t.user.email, t.userPassword),
      );
      expect(redirectParams(await browser.get(authorizeUrl(t, app, newPkce(), { max_age: '3600' }))).code).toEqual(
        expect.any(String),
      );
      const again = await browser.get(authorizeUrl(t, app, newPkce(), { max_age: '0' }));
      expect(again.status).toBe(200);
      expect(titleOf(again)).toBe('Sign in');
      expect(
        redirectParams(await browser.get(authorizeUrl(t, app, newPkce(), { max_age: '0', prompt: 'none' }))),
      ).toMatchObject({ error: 'login_required' });
      expect(redirectParams(await browser.get(authorizeUrl(t, app, newPkce(), { max_age: 'soon' })))).toMatchObject({
        error: 'invalid_request',
      });
    });

    it('login_hint fills in the email address', async () => {
      const page = await new WebClient(t.url).get(authorizeUrl(t, app, newPkce(), { login_hint: 'grace@example.com' }));
      expect(page.html).toMatch(/id="email"[^>]*value="grace@example.com"/);
    });

    it('state comes back unchanged and nonce lands in the ID token', async () => {
      const pkce = newPkce();
      const state = 'ü state/with?odd&chars=';
      const nonce = 'n-0S6_WzA2Mj';
      const browser = new WebClient(t.url);
      const query = redirectParams(
        await hostedPasswordSignIn(browser, authorizeUrl(t, app, pkce, { state, nonce }), t.user.email, t.userPassword),
      );
      expect(query.state).toBe(state);
      expect(query.iss).toBe(`${t.base}/v2.0`);
      const tokens = await exchangeCode(t, app, query.code!, pkce.verifier);
      expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
      const { payload } = await verifyTenantJwt(t, tokens.body.id_token, { audience: app.clientId });
      expect(payload).toMatchObject({ nonce, sub: t.user.id, email: t.user.email, amr: ['pwd'] });
      expect(decodeJwt(tokens.body.access_token).aud).toBe(app.clientId);
    });

    it('without a nonce the ID token has none', async () => {
      const pkce = newPkce();
      const query = redirectParams(
        await hostedPasswordSignIn(
          new WebClient(t.url),
          authorizeUrl(t, app, pkce, { nonce: undefined }),
          t.user.email,
          t.userPassword,
        ),
      );
      const tokens = await exchangeCode(t, app, query.code!, pkce.verifier);
      expect(decodeJwt(tokens.body.id_token).nonce).toBeUndefined();
    });

    it('the sign-in page carries the request as an opaque token, not its parameters', async () => {
      const page = await new WebClient(t.url).get(authorizeUrl(t, app, newPkce(), { state: 'visible-state' }));
      expect(Object.keys(formOf(page, '/login/identify').fields).sort()).toEqual(['csrf', 'request']);
      expect(page.html).not.toContain('visible-state');
    });
  });
});
