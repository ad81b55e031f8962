import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { postForm } from '../support/http.js';
import { basicAuth } from '../support/tokens.js';
import { signInWithPassword } from '../support/http.js';
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
    expectProblem(await h.call('GET', '/tenants?limit=1001'), 400, 'malformed_request');
    expectProblem(await h.call('GET', '/tenants?limit=0'), 400, 'malformed_request');
    expectProblem(await h.call('GET', '/tenants?cursor=bm9wZQ'), 400, 'invalid_setting');
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
    const audited = await h.events({ type: 'app.created' });
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

  it('updates a tenant (operator only): what is left out stays, a null theme field goes, a new algorithm rotates the keys', async () => {
    await h.call('POST', '/tenants', {
      body: { name: 'patched', theme: { color: '#123', logo_url: 'https://x.test/l.png' } },
    });
    const updated = await h.call('PATCH', '/tenants/patched', {
      body: { display_name: 'Patched Inc', signing_alg: 'RS256', theme: { color: null } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: 'patched',
      display_name: 'Patched Inc',
      signing_alg: 'RS256',
      code_length: 8,
      theme: { logo_url: 'https://x.test/l.png' },
    });
    expect(updated.body.theme.color).toBeUndefined();
    expect((await h.call('GET', '/tenants/patched')).body).toEqual(updated.body);
    const keys = (await h.call('GET', '/tenants/patched/keys')).body.keys;
    expect(keys.map((k: { alg: string; status: string }) => [k.alg, k.status])).toEqual([
      ['RS256', 'active'],
      ['ES256', 'retired'],
    ]);
    const patched = await h.t.services.tenants.require('patched');
    const [event] = await h.events({ type: 'tenant.updated' }, patched);
    expect(event).toMatchObject({ data: { actor: 'operator', after: { displayName: 'Patched Inc' } } });
  });

  it('refuses a tenant update the domain refuses naming the field, an unknown field, a name change, and no such tenant', async () => {
    const logo = await h.call('PATCH', '/tenants/acme', {
      body: { theme: { logo_url: 'http://insecure.test/l.png' } },
    });
    expectProblem(logo, 400, 'invalid_setting');
    expect(logo.body.field).toBe('theme.logo_url');
    expect(logo.body.detail).toMatch(/^theme\.logo_url: /);
    const blank = await h.call('PATCH', '/tenants/acme', { body: { display_name: ' ' } });
    expectProblem(blank, 400, 'invalid_setting');
    expect(blank.body.field).toBe('display_name');
    expectProblem(await h.call('PATCH', '/tenants/acme', { body: { name: 'renamed' } }), 400, 'malformed_request');
    expectProblem(await h.call('PATCH', '/tenants/acme', { body: { code_length: 9 } }), 400, 'malformed_request');
    expectProblem(await h.call('PATCH', '/tenants/nowhere', { body: {} }), 404, 'unknown_tenant');
    expect((await h.call('GET', '/tenants/acme')).body.display_name).not.toBe(' ');
  });

  it('deletes a tenant and everything in it (operator only): its tokens stop working, its apps cannot do it', async () => {
    await h.call('POST', '/tenants', { body: { name: 'doomed' } });
    const doomedTenant = await h.t.services.tenants.require('doomed');
    const { app, clientSecret } = await h.t.services.apps.register(doomedTenant, {
      name: 'Doomed admin',
      type: 'confidential',
      admin: 'write',
    });
    const token = await postForm(
      `${h.t.url}/doomed/oauth2/v2.0/token`,
      { grant_type: 'client_credentials' },
      basicAuth(app.clientId, clientSecret!),
    );
    expectProblem(
      await h.call('DELETE', '/tenants/doomed', { token: token.body.access_token }),
      403,
      'admin_access_denied',
    );
    const deleted = await h.call('DELETE', '/tenants/doomed');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ name: 'doomed', deleted: true });
    expectProblem(await h.call('GET', '/tenants/doomed'), 404, 'unknown_tenant');
    expectProblem(await h.call('DELETE', '/tenants/doomed'), 404, 'unknown_tenant');
    expect((await h.call('GET', '/tenants', { token: token.body.access_token })).status).toBe(401);
  });

  it('updates an app with any field of create but the type; admin null removes management access', async () => {
    const created = await h.call('POST', '/tenants/acme/apps', {
      body: { name: 'Ops', type: 'confidential', admin: 'write', scopes: ['a'] },
    });
    const { client_id: clientId, client_secret: secret } = created.body;
    const updated = await h.call('PATCH', `/tenants/acme/apps/${clientId}`, {
      body: {
        name: 'Ops console',
        admin: null,
        redirect_uris: ['https://ops.example.com/cb'],
        attributes: [{ name: 'team', type: 'string', required: true }],
        access_token_ttl: 300,
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      client_id: clientId,
      name: 'Ops console',
      type: 'confidential',
      admin: null,
      scopes: ['a'],
      redirect_uris: ['https://ops.example.com/cb'],
      attributes: [{ name: 'team', type: 'string', required: true }],
      access_token_ttl: 300,
    });
    expect((await h.call('GET', `/tenants/acme/apps/${clientId}`)).body).toEqual(updated.body);
    const token = await postForm(
      `${h.t.base}/oauth2/v2.0/token`,
      { grant_type: 'client_credentials' },
      basicAuth(clientId, secret),
    );
    expectProblem(await h.call('GET', '/tenants/acme', { token: token.body.access_token }), 403, 'admin_access_denied');
    const [event] = await h.events({ type: 'app.updated' });
    expect(event).toMatchObject({ clientId, data: { actor: 'operator', after: { name: 'Ops console', admin: null } } });
  });

  it('registers an app in a Native SSO group, moves it out with null, and refuses a group name with a space', async () => {
    const created = await h.call('POST', '/tenants/acme/apps', { body: { name: 'Mail', sso_group: 'acme-suite' } });
    expect(created.status).toBe(201);
    expect(created.body.sso_group).toBe('acme-suite');
    const { client_id: clientId } = created.body;
    expect((await h.call('GET', `/tenants/acme/apps/${clientId}`)).body.sso_group).toBe('acme-suite');
    const left = await h.call('PATCH', `/tenants/acme/apps/${clientId}`, { body: { sso_group: null } });
    expect(left.body.sso_group).toBeNull();
    const refused = await h.call('PATCH', `/tenants/acme/apps/${clientId}`, { body: { sso_group: 'acme suite' } });
    expectProblem(refused, 400, 'invalid_setting');
    expect(refused.body.field).toBe('sso_group');
  });

  it('refuses an app update that changes the type, an unknown field, a bad setting (naming the field) and no such app', async () => {
    const { client_id: clientId } = (await h.call('POST', '/tenants/acme/apps', { body: { name: 'Fixed' } })).body;
    for (const body of [{ type: 'confidential' }, { secret: 'mine' }, { name: '' }])
      expectProblem(await h.call('PATCH', `/tenants/acme/apps/${clientId}`, { body }), 400, 'malformed_request');
    const refused = await h.call('PATCH', `/tenants/acme/apps/${clientId}`, {
      body: { redirect_uris: ['ftp://x/cb'] },
    });
    expectProblem(refused, 400, 'invalid_setting');
    expect(refused.body.field).toBe('redirect_uris');
    const admin = await h.call('PATCH', `/tenants/acme/apps/${clientId}`, { body: { admin: 'read' } });
    expectProblem(admin, 400, 'invalid_setting');
    expect(admin.body.field).toBe('admin');
    expect((await h.call('GET', `/tenants/acme/apps/${clientId}`)).body).toMatchObject({ name: 'Fixed', admin: null });
    expectProblem(await h.call('PATCH', '/tenants/acme/apps/no-such-app', { body: {} }), 404, 'unknown_client');
  });

  it('registers an app for the device authorization grant (device_code), and takes it away again', async () => {
    const created = await h.call('POST', '/tenants/acme/apps', { body: { name: 'TV', device_code: true } });
    expect(created.status).toBe(201);
    expect(created.body.device_code).toBe(true);
    const clientId = created.body.client_id as string;
    const start = () => postForm(`${h.t.base}/oauth2/v2.0/devicecode`, { client_id: clientId });
    expect((await start()).status).toBe(200);
    const updated = await h.call('PATCH', `/tenants/acme/apps/${clientId}`, { body: { device_code: false } });
    expect(updated.body.device_code).toBe(false);
    expect((await start()).body.error).toBe('unauthorized_client');
  });

  it("rotates a confidential app's secret: the new one is shown once and works, the old one stops; a public app has none", async () => {
    const created = await h.call('POST', '/tenants/acme/apps', { body: { name: 'Rotating', type: 'confidential' } });
    const { client_id: clientId, client_secret: oldSecret } = created.body;
    const rotated = await h.call('POST', `/tenants/acme/apps/${clientId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ client_id: clientId, client_secret: expect.any(String) });
    const newSecret = rotated.body.client_secret;
    expect(newSecret).not.toBe(oldSecret);
    const ask = (secret: string) =>
      postForm(`${h.t.base}/oauth2/v2.0/token`, { grant_type: 'client_credentials' }, basicAuth(clientId, secret));
    expect((await ask(newSecret)).status).toBe(200);
    expect((await ask(oldSecret)).status).toBe(401);
    const read = await h.call('GET', `/tenants/acme/apps/${clientId}`);
    expect(JSON.stringify(read.body)).not.toContain(newSecret);
    const [event] = await h.events({ type: 'app.secret_rotated' });
    expect(event).toMatchObject({ clientId, data: { actor: 'operator' } });
    expect(JSON.stringify(event)).not.toContain(newSecret);
    const { client_id: publicId } = (await h.call('POST', '/tenants/acme/apps', { body: { name: 'Public' } })).body;
    const refused = await h.call('POST', `/tenants/acme/apps/${publicId}/rotate-secret`);
    expectProblem(refused, 400, 'invalid_setting');
    expect(refused.body.field).toBe('type');
    expectProblem(await h.call('POST', '/tenants/acme/apps/no-such-app/rotate-secret'), 404, 'unknown_client');
  });

  it('deletes an app, ending the sessions it opened; deleting it again is no error', async () => {
    const { client_id: clientId } = (await h.call('POST', '/tenants/acme/apps', { body: { name: 'Leaving' } })).body;
    const signedIn = await signInWithPassword(h.t.base, clientId, h.t.user.email, h.t.userPassword);
    expect(signedIn.status).toBe(200);
    const deleted = await h.call('DELETE', `/tenants/acme/apps/${clientId}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ client_id: clientId, deleted: true, revoked_sessions: [expect.any(String)] });
    const again = await h.call('DELETE', `/tenants/acme/apps/${clientId}`);
    expect(again.body).toEqual({ client_id: clientId, deleted: false, revoked_sessions: [] });
    expectProblem(await h.call('GET', `/tenants/acme/apps/${clientId}`), 404, 'unknown_client');
    const refreshed = await postForm(`${h.t.base}/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: signedIn.body.refresh_token,
    });
    expect(refreshed.status).toBe(401);
    const deletedEvents = await h.events({ type: 'app.deleted' });
    expect(deletedEvents.filter((e) => e.clientId === clientId)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ actor: 'operator' }) }),
    ]);
  });

  it('answers a method a path does not take with 405 and Allow, and an unknown path with 404, as problem details', async () => {
    const res = await h.call('PUT', '/tenants');
    expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toContain('GET');
    expectProblem(await h.call('GET', '/no-such-resource'), 404, 'endpoint_not_found');
  });
});
