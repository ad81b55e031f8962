import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { expectError, expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { postForm } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { basicAuth, verifyTenantJwt } from '../support/tokens.js';

describe.each(engines)('client_credentials on %s', (engine) => {
  let t: TestServer;
  let service: App;
  let secret: string;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    const registered = await t.registerApp({
      name: 'Orders API',
      type: 'confidential',
      scopes: ['api://orders/.default'],
    });
    service = registered.app;
    secret = registered.clientSecret!;
  });
  afterAll(async () => {
    await t?.close();
  });

  const grant = (params: Record<string, string | undefined>, headers: Record<string, string> = {}) =>
    postForm(`${t.base}/oauth2/v2.0/token`, { grant_type: 'client_credentials', ...params }, headers);

  /** An app-only token: a verifiable JWT about the app itself, and nothing to refresh. */
  async function expectAppToken(res: Awaited<ReturnType<typeof grant>>, scope: string) {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope, expires_in: expect.any(Number) });
    expect(res.body.refresh_token).toBeUndefined();
    expect(res.body.id_token).toBeUndefined();
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { payload } = await verifyTenantJwt(t, res.body.access_token, { audience: service.clientId, typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: service.clientId, client_id: service.clientId, tid: t.tenant.id, scope });
    expect(payload.oid).toBeUndefined();
  }

  it('issues an app token to client_secret_basic', async () => {
    await expectAppToken(
      await grant({ scope: 'api://orders/.default' }, basicAuth(service.clientId, secret)),
      'api://orders/.default',
    );
  });

  it('issues an app token to client_secret_post', async () => {
    // No scope asked for: the scopes the app is registered with (test/security/client-credentials-scopes.test.ts).
    await expectAppToken(await grant({ client_id: service.clientId, client_secret: secret }), 'api://orders/.default');
  });

  it('refuses a wrong or missing secret with 401 invalid_client', async () => {
    const wrong = await grant({ client_id: service.clientId, client_secret: `${secret}x` });
    expectError(wrong, 401, 'invalid_client');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    expectError(await grant({}, basicAuth(service.clientId, 'not-the-secret')), 401, 'invalid_client');
    expectError(await grant({ client_id: service.clientId }), 401, 'invalid_client');
  });

  it('refuses a public app with unauthorized_client', async () => {
    expectNativeAuthError(await grant({ client_id: t.app.clientId }), 400, 'unauthorized_client');
  });

  it('refuses two authentication methods at once', async () => {
    expectError(await grant({ client_secret: secret }, basicAuth(service.clientId, secret)), 400, 'invalid_request');
    expectError(
      await grant({ client_id: t.app.clientId }, basicAuth(service.clientId, secret)),
      400,
      'invalid_request',
    );
  });
});
