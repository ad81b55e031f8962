import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/core/model.js';
import { BatonError } from '../../src/core/errors.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { postForm } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { basicAuth, verifyTenantJwt } from '../support/tokens.js';

/**
 * Finding 9 (machine clients): `client_credentials` granted whatever scope the client
 * asked for, so any confidential app could mint a token saying `scope: admin` for an API
 * that trusts Baton. It now grants only scopes registered with the app (`--scope`);
 * anything else is `invalid_scope`, and asking for none gets the registered set.
 */
describe.each(engines)('client_credentials scopes on %s', (engine) => {
  let t: TestServer;
  let service: App;
  let secret: string;
  let bare: { app: App; secret: string };
  beforeAll(async () => {
    t = await startTestServer({ engine });
    const registered = await t.registerApp({
      name: 'Orders worker',
      type: 'confidential',
      scopes: ['orders.read', 'api://orders/.default'],
    });
    service = registered.app;
    secret = registered.clientSecret!;
    const none = await t.registerApp({ name: 'No scopes', type: 'confidential' });
    bare = { app: none.app, secret: none.clientSecret! };
  });
  afterAll(async () => {
    await t?.close();
  });

  const grant = (scope: string | undefined, auth = basicAuth(service.clientId, secret)) =>
    postForm(`${t.base}/oauth2/v2.0/token`, { grant_type: 'client_credentials', scope }, auth);

  async function grantedScope(res: Awaited<ReturnType<typeof grant>>): Promise<string> {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { payload } = await verifyTenantJwt(t, res.body.access_token, { audience: service.clientId, typ: 'at+jwt' });
    expect(payload.scope).toBe(res.body.scope);
    return res.body.scope;
  }

  it.each([
    ['a scope it was never registered with', 'admin'],
    ['a registered scope plus another', 'orders.read orders.write'],
    ['a registered scope in another letter case', 'Orders.Read'],
    ['the OpenID scopes (no user here)', 'openid offline_access'],
  ])('%s is invalid_scope, and no token', async (_case, scope) => {
    const res = await grant(scope);
    expectNativeAuthError(res, 400, 'invalid_scope');
    expect(res.body.access_token).toBeUndefined();
  });

  it('an app registered without scopes gets none it asks for', async () => {
    expectNativeAuthError(await grant('orders.read', basicAuth(bare.app.clientId, bare.secret)), 400, 'invalid_scope');
  });

  it('grants a registered scope, alone or with the others', async () => {
    expect(await grantedScope(await grant('orders.read'))).toBe('orders.read');
    expect(await grantedScope(await grant('api://orders/.default orders.read'))).toBe(
      'api://orders/.default orders.read',
    );
  });

  it('grants the registered set when no scope is asked for', async () => {
    expect(await grantedScope(await grant(undefined))).toBe('orders.read api://orders/.default');
  });

  it('refuses a malformed scope at registration', async () => {
    for (const scopes of [['two words'], ['"quoted"'], ['']]) {
      await expect(t.registerApp({ name: 'Bad scopes', type: 'confidential', scopes })).rejects.toBeInstanceOf(
        BatonError,
      );
    }
  });
});
