import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { nativeClient, passwordSignIn } from '../native-auth/native-client.js';

/** What a browser or a proxy may keep: nothing that carries a token or personal data (RFC 6749 §5.1); discovery and keys, briefly. */
describe('caching headers', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const caching = (res: Response | { headers: Headers }) => [
    res.headers.get('cache-control'),
    res.headers.get('pragma'),
  ];

  it('forbids caching native-auth steps, userinfo, and errors', async () => {
    const client = nativeClient(t.base, t.app.clientId);
    expect(caching(await client.initiate(t.user.email))).toEqual(['no-store', 'no-cache']);
    const signedIn = await passwordSignIn(client, t.user.email, t.userPassword);
    expect(caching(signedIn)).toEqual(['no-store', 'no-cache']);
    const userinfo = await fetch(`${t.base}/oidc/userinfo`, {
      headers: { authorization: `Bearer ${signedIn.body.access_token as string}` },
    });
    expect(userinfo.status).toBe(200);
    expect(caching(userinfo)).toEqual(['no-store', 'no-cache']);
    const refused = await fetch(`${t.url}/no-such-tenant/oidc/userinfo`);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(caching(refused)).toEqual(['no-store', 'no-cache']);
  });

  it('lets discovery and the signing keys be cached for a few minutes', async () => {
    expect(caching(await fetch(`${t.base}/v2.0/.well-known/openid-configuration`))).toEqual([
      'public, max-age=300',
      null,
    ]);
    expect(caching(await fetch(`${t.base}/discovery/v2.0/keys`))).toEqual(['public, max-age=60', null]);
  });
});
