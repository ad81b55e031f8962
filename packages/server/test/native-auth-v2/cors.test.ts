import { describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { useV2Server, v2Client, type V2Client } from './v2-client.js';

const shop = 'https://shop.example';
const stranger = 'https://evil.example';
const blog = 'https://blog.example';

describe('native auth V2: CORS for a browser app', () => {
  let t: TestServer;
  let v2: V2Client;
  useV2Server(async (server) => {
    t = server;
    v2 = v2Client(t, (await t.registerApp({ name: 'Shop', allowedOrigins: [shop] })).app.clientId);
    await t.registerApp({ name: 'Blog', allowedOrigins: [blog] });
  });

  const preflight = (path: string, origin: string, method: string) =>
    fetch(`${t.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'content-type,client-request-id,x-client-sku',
      },
    });

  it.each([
    ['/acme/oauth2/v2.0/authorize-challenge', 'POST'],
    ['/acme/native-auth/v2/sign-in', 'POST'],
    ['/acme/native-auth/v2/sign-in/methods/password/verify', 'POST'],
    ['/acme/native-auth/v2/reset-password/password', 'PUT'],
    ['/acme/native-auth/v2/reset-password/poll', 'POST'],
  ])('lets a registered origin send %s (%s) with JSON', async (path, method) => {
    const res = await preflight(path, shop, method);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(shop);
    expect(res.headers.get('access-control-allow-methods')).toContain(method);
    expect(res.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it('refuses an origin no app registered', async () => {
    const res = await preflight('/acme/native-auth/v2/reset-password/password', stranger, 'PUT');
    expect(res.status).toBe(403);
  });

  it('answers a link call from the origin with the origin allowed and the correlation id exposed', async () => {
    const entered = await v2.entry({}, { origin: shop });
    expect(entered.headers.get('access-control-allow-origin')).toBe(shop);
    const res = await fetch(`${t.url}${entered.body.sign_in}`, {
      method: 'POST',
      headers: { origin: shop, 'content-type': 'application/json' },
      body: JSON.stringify({ continuationToken: entered.body.continuation_token, username: t.user.email }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(shop);
    expect(res.headers.get('access-control-expose-headers')).toContain('x-ms-request-id');
    expect(res.headers.get('x-ms-request-id')).toBeTruthy();
  });

  it("holds a link call to the origins of the flow's own app, which its continuation token names", async () => {
    const entered = await v2.entry();
    const fromBlog = await fetch(`${t.url}${entered.body.sign_in}`, {
      method: 'POST',
      headers: { origin: blog, 'content-type': 'application/json' },
      body: JSON.stringify({ continuationToken: entered.body.continuation_token, username: t.user.email }),
    });
    expect(fromBlog.status).toBe(403);
    expect(((await fromBlog.json()) as { error: { code: string } }).error.code).toBe('accessDenied');
    const fromShop = await v2.call(entered.body.sign_in, {
      continuationToken: entered.body.continuation_token,
      username: t.user.email,
    });
    expect(fromShop.status).toBe(200);
  });
});
