import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { postForm } from '../support/http.js';
import { basicAuth } from '../support/tokens.js';
import { expectProblem, startAdminHarness, type AdminHarness } from './admin-client.js';

describe.each(engines)('tenants and apps in the management API, on %s', (engine) => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness(engine);
  });
  afterAll(async () => {
    await h?.t.close();
  });

  it('creates a tenant with its settings and reads it back; the name is taken only once (409)', async () => {
    const created = await h.call('POST', '/tenants', {
      body: {
        name: 'umbrella',
        display_name: 'Umbrella',
        signing_alg: 'RS256',
        code_length: 6,
        theme: { color: '#123456' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'umbrella',
      display_name: 'Umbrella',
      signing_alg: 'RS256',
      code_length: 6,
      theme: { color: '#123456' },
    });
    expect((await h.call('GET', '/tenants/umbrella')).body).toEqual(created.body);
    expectProblem(await h.call('POST', '/tenants', { body: { name: 'umbrella' } }), 409, 'tenant_exists');
    expect((await h.t.services.keys.published(created.body.id)).length).toBe(1);
  });

  it('refuses a tenant name the domain refuses, an unknown field, and a code length out of range (400)', async () => {
    expectProblem(await h.call('POST', '/tenants', { body: { name: 'Not A Name' } }), 400, 'invalid_setting');
    expectProblem(await h.call('POST', '/tenants', { body: { name: 'admin' } }), 400, 'invalid_setting');
    expectProblem(await h.call('POST', '/tenants', { body: { name: 'okay', owner: 'me' } }), 400, 'malformed_request');
    expectProblem(
      await h.call('POST', '/tenants', { body: { name: 'okay', code_length: 12 } }),
      400,
      'malformed_request',
    );
    expectProblem(await h.call('POST', '/tenants', { body: { name: 'x'.repeat(64) } }), 400, 'malformed_request');
    expectProblem(await h.call('POST', '/tenants', { body: '{"name":' }), 400, 'unreadable_request');
    expectProblem(await h.call('GET', '/tenants/nowhere'), 404, 'unknown_tenant');
  });

  it('pages the tenants with limit and cursor, and refuses a page too large or a cursor it did not give', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await h.call('POST', '/tenants', { body: { name } });
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<AdminHarness['call']>> = await h.call(
        'GET',
        `/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      names.push(...page.body.items.map((t: { name: string }) => t.name));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(names).toEqual((await h.t.services.tenants.list()).map((t) => t.name));
    expectProblem(await h.call('GET', '/tenants?limit=101'), 400, 'malformed_request');
    expectProblem(await h.call('GET', '/tenants?limit=0'), 400, 'malformed_request');
    expectProblem(await h.call('GET', '/tenants?cursor=bm9wZQ'), 400, 'malformed_request');
    expectProblem(await h.call('GET', '/tenants?cursor=*'), 400, 'malformed_request');
    expectProblem(await h.call('GET', '/tenants?sort=name'), 400, 'malformed_request');
  });

  it('registers a confidential app whose secret is shown once and works, and never again', async () => {
    const created = await h.call('POST', '/tenants/acme/apps', {
      body: { name: 'Billing', type: 'confidential', scopes: ['billing.read'], admin: 'read', access_token_ttl: 600 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Billing',
      type: 'confidential',
      scopes: ['billing.read'],
      admin: 'read',
      access_token_ttl: 600,
      client_secret: expect.any(String),
    });
    const { client_id: clientId, client_secret: secret } = created.body;
    const token = await postForm(
      `${h.t.base}/oauth2/v2.0/token`,
      { grant_type: 'client_credentials' },
      basicAuth(clientId, secret),
    );
    expect(token.status).toBe(200);
    const read = await h.call('GET', `/tenants/acme/apps/${clientId}`);
    expect(read.status).toBe(200);
    const { client_secret: _shownOnce, ...withoutSecret } = created.body;
    expect(read.body).toEqual(withoutSecret);
    const listed = await h.call('GET', '/tenants/acme/apps?limit=100');
    for (const answer of [read, listed]) expect(JSON.stringify(answer.body)).not.toContain(secret);
    expect(listed.body.items.map((a: { client_id: string }) => a.client_id)).toContain(clientId);
    const audited = await h.t.services.audit.list({ tenantId: h.t.tenant.id, type: 'admin.app.created' });
    expect(JSON.stringify(audited)).not.toContain(secret);
  });

  it('registers a public app without a secret, and refuses what the CLI refuses (400)', async () => {
    const created = await h.call('POST', '/tenants/acme/apps', {
      body: { name: 'Mobile', challenge_types: ['oob'], redirect_uris: ['com.example.app:/cb'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.client_secret).toBeUndefined();
    expect(created.body).toMatchObject({ type: 'public', challenge_types: ['oob'], admin: null });
    const refusals = [
      { name: 'Bad uri', redirect_uris: ['javascript:alert(1)//'] },
      { name: 'Public admin', admin: 'write' },
    ];
    for (const body of refusals)
      expectProblem(await h.call('POST', '/tenants/acme/apps', { body }), 400, 'invalid_setting');
    const malformed = [
      { name: 'Unknown field', secret: 'mine' },
      { name: '' },
      { name: 'x'.repeat(201) },
      { name: 'Bad type', type: 'trusted' },
      { name: 'Many', scopes: Array.from({ length: 51 }, (_, i) => `s${i}`) },
      { name: 'TTL', access_token_ttl: 0 },
    ];
    for (const body of malformed)
      expectProblem(await h.call('POST', '/tenants/acme/apps', { body }), 400, 'malformed_request');
  });

  it('answers 404 for an app of another tenant or none', async () => {
    const other = await h.t.services.tenants.create({ name: 'other-co' });
    const { app } = await h.t.services.apps.register(other, { name: 'Theirs' });
    expectProblem(await h.call('GET', `/tenants/acme/apps/${app.clientId}`), 404, 'unknown_client');
    expectProblem(await h.call('GET', '/tenants/acme/apps/no-such-app'), 404, 'unknown_client');
  });

  it('answers a method a path does not take with 405 and Allow, and an unknown path with 404, as problem details', async () => {
    const res = await h.call('PUT', '/tenants');
    expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toContain('GET');
    expectProblem(await h.call('GET', '/no-such-resource'), 404, 'endpoint_not_found');
  });
});
