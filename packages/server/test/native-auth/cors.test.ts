import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { getJson, postRaw } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { ctOf, expectOk, expectTokens, nativeClient, otherTenant, passwordSignIn, scope } from './native-client.js';

const shop = 'https://shop.example';
const stranger = 'https://evil.example';

/** What MSAL's browser client asks to send (reference §5, §6), plus content-type for V2. */
const msalHeaders = [
  'client-request-id',
  'x-client-sku',
  'x-client-ver',
  'x-client-os',
  'x-client-cpu',
  'x-client-current-telemetry',
  'x-client-last-telemetry',
  'content-type',
];

const nativeAuthPaths = [
  '/oauth2/v2.0/initiate',
  '/oauth2/v2.0/challenge',
  '/oauth2/v2.0/token',
  '/oauth2/v2.0/introspect',
  '/signup/v1.0/start',
  '/signup/v1.0/challenge',
  '/signup/v1.0/continue',
  '/resetpassword/v1.0/start',
  '/resetpassword/v1.0/challenge',
  '/resetpassword/v1.0/continue',
  '/resetpassword/v1.0/submit',
  '/resetpassword/v1.0/poll_completion',
  '/register/v1.0/introspect',
  '/register/v1.0/challenge',
  '/register/v1.0/continue',
];

function preflight(url: string, origin: string) {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': msalHeaders.filter((h) => h !== 'content-type').join(','),
    },
  });
}

const listed = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);

describe.each(engines)('CORS on %s', (engine) => {
  let t: TestServer;
  let browserClientId: string;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    browserClientId = (await t.registerApp({ name: 'Browser app', allowedOrigins: [shop] })).app.clientId;
  });
  afterAll(async () => {
    await t?.close();
  });

  const fromShop = () => nativeClient(t.base, browserClientId, { headers: { origin: shop } });

  it('answers the preflight of every native-auth endpoint from a registered origin', async () => {
    for (const path of nativeAuthPaths) {
      const res = await preflight(`${t.base}${path}`, shop);
      expect({ path, status: res.status }).toEqual({ path, status: 204 });
      expect(res.headers.get('access-control-allow-origin')).toBe(shop);
      expect(listed(res.headers.get('access-control-allow-methods'))).toContain('post');
      expect(listed(res.headers.get('access-control-allow-headers'))).toEqual(expect.arrayContaining(msalHeaders));
      expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    }
  });

  it("allows the headers an app adds through MSAL's requestInterceptor, and only well-formed names", async () => {
    const res = await fetch(`${t.base}/oauth2/v2.0/initiate`, {
      method: 'OPTIONS',
      headers: {
        origin: shop,
        'access-control-request-method': 'POST',
        'access-control-request-headers': `${msalHeaders.join(',')},X-Custom-Tag,x-app-trace`,
      },
    });
    expect(res.status).toBe(204);
    const allowed = listed(res.headers.get('access-control-allow-headers'));
    expect(allowed).toEqual(expect.arrayContaining([...msalHeaders, 'x-custom-tag', 'x-app-trace']));
    expect(new Set(allowed).size).toBe(allowed.length);

    const odd = await fetch(`${t.base}/oauth2/v2.0/initiate`, {
      method: 'OPTIONS',
      headers: {
        origin: shop,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-ok, bad header, x"quote',
      },
    });
    const oddAllowed = listed(odd.headers.get('access-control-allow-headers'));
    expect(oddAllowed).toContain('x-ok');
    expect(oddAllowed.some((h) => h.includes(' ') || h.includes('"'))).toBe(false);
  });

  it('refuses the preflight from an origin no app of the tenant registered, without CORS headers', async () => {
    const elsewhere = await otherTenant(t);
    await t.services.apps.register(elsewhere.tenant, { name: 'Their browser app', allowedOrigins: [stranger] });
    for (const url of [`${t.base}/oauth2/v2.0/initiate`, `${t.base}/signup/v1.0/start`]) {
      const res = await preflight(url, stranger);
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
      expect(await res.json()).toMatchObject({ error: 'access_denied' });
    }
  });

  it('puts Access-Control-Allow-Origin on answers to the registered origin, errors included', async () => {
    const client = fromShop();
    const started = await client.initiate(t.user.email, { challenge_type: 'password redirect' });
    expectOk(started);
    expect(started.headers.get('access-control-allow-origin')).toBe(shop);
    expect(listed(started.headers.get('access-control-expose-headers'))).toContain('x-ms-request-id');

    const unknown = await client.initiate('nobody@example.com');
    expectNativeAuthError(unknown, 400, 'user_not_found');
    expect(unknown.headers.get('access-control-allow-origin')).toBe(shop);

    const challenged = await client.challenge(ctOf(started), { challenge_type: 'password redirect' });
    const wrong = await client.token('password', ctOf(challenged), { password: 'not the password' });
    expectNativeAuthError(wrong, 400, 'invalid_grant', { errorCode: 50126 });
    expect(wrong.headers.get('access-control-allow-origin')).toBe(shop);
  });

  it('puts it on the refresh call, a simple request MSAL sends without a preflight', async () => {
    const signedIn = await passwordSignIn(fromShop(), t.user.email, t.userPassword);
    expectTokens(signedIn);
    const body = new URLSearchParams({
      client_id: browserClientId,
      grant_type: 'refresh_token',
      refresh_token: signedIn.body.refresh_token,
      scope,
      client_info: '1',
    });
    const refreshed = await postRaw(
      `${t.base}/oauth2/v2.0/token?client-request-id=0b9f3c2e-4a1d-4f7e-9c55-0d7a1e2b3c4d`,
      body.toString(),
      'application/x-www-form-urlencoded;charset=utf-8',
      { origin: shop },
    );
    expectTokens(refreshed);
    expect(refreshed.headers.get('access-control-allow-origin')).toBe(shop);
  });

  it('refuses, with 403 access_denied, a request from an origin the named app did not register', async () => {
    const res = await nativeClient(t.base, t.app.clientId, { headers: { origin: shop } }).initiate(t.user.email);
    expectNativeAuthError(res, 403, 'access_denied');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const stranded = await nativeClient(t.base, browserClientId, { headers: { origin: stranger } }).signUpStart(
      'new@example.com',
    );
    expectNativeAuthError(stranded, 403, 'access_denied');
  });

  it('leaves requests without an Origin (native apps, servers) alone', async () => {
    for (const clientId of [t.app.clientId, browserClientId]) {
      const res = await nativeClient(t.base, clientId).initiate(t.user.email);
      expectOk(res);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('lets any origin read discovery and the JWKS', async () => {
    for (const path of ['/v2.0/.well-known/openid-configuration', '/discovery/v2.0/keys']) {
      const res = await getJson(`${t.base}${path}`, { origin: stranger });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const pre = await fetch(`${t.base}${path}`, {
        method: 'OPTIONS',
        headers: { origin: stranger, 'access-control-request-method': 'GET' },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    }
  });
});
