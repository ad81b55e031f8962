import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { signInWithPassword } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';
import { expectProblem, operatorToken, startAdminHarness, type AdminHarness } from './admin-client.js';

describe.each(engines)('who may call the management API, on %s', (engine) => {
  let h: AdminHarness;
  let reader: string;
  let writer: string;
  beforeAll(async () => {
    h = await startAdminHarness(engine);
    await h.call('POST', '/tenants', { body: { name: 'globex' } });
    reader = await h.appToken('read');
    writer = await h.appToken('write');
  });
  afterAll(async () => {
    await h?.t.close();
  });

  it('answers 401 with a Bearer challenge without credentials, with a wrong operator token, or with a token that is no JWT', async () => {
    for (const token of [null, 'wrong-token', `${operatorToken}x`, 'a.b.c']) {
      const res = await h.call('GET', '/tenants', { token });
      expect(res.status).toBe(401);
      expect(res.body.code).toMatch(/^(admin_credentials_required|invalid_access_token)$/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    }
    expectProblem(await h.call('GET', '/tenants', { token: null }), 401, 'admin_credentials_required');
    const basic = await h.call('GET', '/tenants', {
      token: null,
      headers: { authorization: `Basic ${Buffer.from(`x:${operatorToken}`).toString('base64')}` },
    });
    expectProblem(basic, 401, 'admin_credentials_required');
  });

  it('authenticates before reading the request: an unauthenticated bad body is 401, not 400', async () => {
    expectProblem(
      await h.call('POST', '/tenants', { token: null, body: { nonsense: true } }),
      401,
      'admin_credentials_required',
    );
  });

  it('lets the operator token reach every tenant', async () => {
    const res = await h.call('GET', '/tenants');
    expect(res.body.items.map((t: { name: string }) => t.name)).toEqual(['acme', 'globex']);
    expect((await h.call('GET', '/tenants/globex/apps')).status).toBe(200);
  });

  it('shows an app only its own tenant, and another tenant exactly as one that does not exist (404)', async () => {
    const listed = await h.call('GET', '/tenants', { token: reader });
    expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual(['acme']);
    expect((await h.call('GET', '/tenants/acme', { token: reader })).status).toBe(200);
    const other = await h.call('GET', '/tenants/globex/apps', { token: writer });
    const missing = await h.call('GET', '/tenants/nowhere/apps', { token: writer });
    expectProblem(other, 404, 'unknown_tenant');
    expectProblem(missing, 404, 'unknown_tenant');
    expect(other.body.detail.replace('globex', 'X')).toBe(missing.body.detail.replace('nowhere', 'X'));
    expectProblem(await h.call('DELETE', '/tenants/globex/sessions/s1', { token: reader }), 404, 'unknown_tenant');
    const theirs = await h.t.services.apps.register(await h.t.services.tenants.require('globex'), { name: 'Theirs' });
    for (const [method, path] of [
      ['PATCH', `/tenants/globex/apps/${theirs.app.clientId}`],
      ['DELETE', `/tenants/globex/apps/${theirs.app.clientId}`],
      ['PATCH', `/tenants/globex/users/${crypto.randomUUID()}`],
    ] as const)
      expectProblem(
        await h.call(method, path, { token: writer, body: method === 'PATCH' ? {} : undefined }),
        404,
        'unknown_tenant',
      );
  });

  it('lets a read-only app read but change nothing (403), and only the operator create tenants', async () => {
    expect((await h.call('GET', '/tenants/acme/apps', { token: reader })).status).toBe(200);
    const refused = await h.call('POST', '/tenants/acme/users', { token: reader, body: { email: 'r@example.com' } });
    expectProblem(refused, 403, 'admin_access_denied');
    expectProblem(
      await h.call('POST', '/tenants/acme/keys/rotate', { token: reader, body: {} }),
      403,
      'admin_access_denied',
    );
    expectProblem(
      await h.call('POST', '/tenants', { token: writer, body: { name: 'initech' } }),
      403,
      'admin_access_denied',
    );
    for (const [method, body] of [
      ['PATCH', { display_name: 'Mine now' }],
      ['DELETE', undefined],
    ] as const)
      expectProblem(await h.call(method, '/tenants/acme', { token: writer, body }), 403, 'admin_access_denied');
    const { client_id: appId } = (await h.call('POST', '/tenants/acme/apps', { body: { name: 'Guarded' } })).body;
    for (const [method, path, body] of [
      ['PATCH', `/tenants/acme/apps/${appId}`, { name: 'Renamed' }],
      ['DELETE', `/tenants/acme/apps/${appId}`, undefined],
      ['POST', `/tenants/acme/apps/${appId}/rotate-secret`, undefined],
    ] as const)
      expectProblem(await h.call(method, path, { token: reader, body }), 403, 'admin_access_denied');
    expect((await h.call('GET', `/tenants/acme/apps/${appId}`)).body.name).toBe('Guarded');
    const created = await h.call('POST', '/tenants/acme/users', { token: writer, body: { email: 'w@example.com' } });
    expect(created.status).toBe(201);
    for (const path of [`/tenants/acme/users/${created.body.id}`, `/tenants/acme/users/${created.body.id}/sessions`])
      expectProblem(await h.call('DELETE', path, { token: reader }), 403, 'admin_access_denied');
    expectProblem(
      await h.call('PATCH', `/tenants/acme/users/${created.body.id}`, { token: reader, body: { display_name: 'R' } }),
      403,
      'admin_access_denied',
    );
    expect((await h.call('GET', `/tenants/acme/users/${created.body.id}`, { token: reader })).status).toBe(200);
  });

  it("refuses an app created without --admin, and a user's own access token (403)", async () => {
    const plain = await h.appToken(null);
    expectProblem(await h.call('GET', '/tenants', { token: plain }), 403, 'admin_access_denied');
    const { app } = await h.t.registerApp({ name: 'Native app' });
    const signedIn = await signInWithPassword(h.t.base, app.clientId, h.t.user.email, h.t.userPassword);
    expectProblem(await h.call('GET', '/tenants', { token: signedIn.body.access_token }), 403, 'admin_access_denied');
  });

  it('refuses a token whose signature is not the tenant’s (401)', async () => {
    const [header, payload] = reader.split('.');
    const forged = `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`;
    expectProblem(await h.call('GET', '/tenants', { token: forged }), 401, 'invalid_access_token');
  });

  it('audits a change with its caller: the operator, or the app by client id', async () => {
    const writerApp = (await h.call('GET', '/tenants/acme/apps?limit=100')).body.items.find(
      (app: { name: string }) => app.name === 'Admin write',
    );
    const events = await h.events({ type: 'user.created' });
    expect(events[0]).toMatchObject({ data: { actor: `app:${writerApp.client_id}` } });
    const globex = await h.t.services.tenants.require('globex');
    const [created] = await h.events({ type: 'tenant.created' }, globex);
    expect(created).toMatchObject({ clientId: null, data: { actor: 'operator', name: 'globex' } });
    expect(created!.ip).toBe('127.0.0.1');
  });
});

describe('switching the management API off', () => {
  it('BATON_ADMIN_API=off serves no /admin/v1 at all, not even with the operator token', async () => {
    const t = await startTestServer({ config: { adminToken: operatorToken, adminApi: false } });
    try {
      for (const url of ['/admin/v1/tenants', '/admin/v1/openapi.json']) {
        const res = await fetch(`${t.url}${url}`, { headers: { authorization: `Bearer ${operatorToken}` } });
        expect(res.status).toBe(404);
      }
    } finally {
      await t.close();
    }
  });

  it('without BATON_ADMIN_TOKEN, only --admin apps get in', async () => {
    const h = await startAdminHarness('sqlite', { adminToken: undefined });
    try {
      expectProblem(await h.call('GET', '/tenants'), 401, 'invalid_access_token');
      expect((await h.call('GET', '/tenants', { token: await h.appToken('read') })).status).toBe(200);
    } finally {
      await h.t.close();
    }
  });
});
