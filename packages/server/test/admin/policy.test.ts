import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { expectProblem, startAdminHarness, type AdminHarness } from './admin-client.js';

const blockAbroad = {
  rules: [
    {
      name: 'no-watch-abroad',
      state: 'enabled',
      at: ['refresh', 'session_transfer'],
      when: "device.kind == 'companion' && request.country != 'NL'",
      then: { block: true },
    },
  ],
};

describe.each(engines)('the conditional-access policy in the management API, on %s', (engine) => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness(engine);
  });
  afterAll(async () => {
    await h?.t.close();
  });

  it('shows version 0 before any set; each PUT is the next version, shown with who set it, and audited', async () => {
    expect((await h.call('GET', '/tenants/acme/policy')).body).toEqual({
      version: 0,
      document: { rules: [] },
      created_at: null,
      created_by: null,
    });
    expect((await h.call('PUT', '/tenants/acme/policy', { body: blockAbroad })).body).toEqual({ version: 1 });
    const shown = await h.call('GET', '/tenants/acme/policy');
    expect(shown.body).toMatchObject({ version: 1, document: blockAbroad, created_by: 'operator' });
    const [event] = await h.events({ type: 'policy.set' });
    expect(event).toMatchObject({ data: { version: 1, rules: 1, actor: 'operator' } });
  });

  it('refuses a document that does not compile (400 invalid_policy, naming the rule, field and column); the version in force stays', async () => {
    const before = (await h.call('GET', '/tenants/acme/policy')).body.version;
    const typo = { rules: [{ ...blockAbroad.rules[0], when: "device.knd == 'companion'" }] };
    const refused = await h.call('PUT', '/tenants/acme/policy', { body: typo });
    expectProblem(refused, 400, 'invalid_policy');
    expect(refused.body.field).toBe('rules[0] ("no-watch-abroad").when');
    expect(refused.body.detail).toContain('column 8');
    for (const bad of [
      { rules: [{ ...blockAbroad.rules[0], state: 'on' }] },
      { rules: [{ ...blockAbroad.rules[0], then: {} }] },
      { rules: [blockAbroad.rules[0], blockAbroad.rules[0]] },
    ])
      expectProblem(await h.call('PUT', '/tenants/acme/policy', { body: bad }), 400, 'invalid_policy');
    for (const body of ['{"rules": [', '[]', '{"rules": {}}', '{"rules": [], "colour": "red"}'])
      expect((await h.call('PUT', '/tenants/acme/policy', { body })).status).toBe(400);
    expect((await h.call('GET', '/tenants/acme/policy')).body.version).toBe(before);
  });

  it('what-if names the rules a hypothetical request would match, against the version in force or a document given', async () => {
    await h.call('PUT', '/tenants/acme/policy', { body: blockAbroad });
    const email = 'whatif@example.com';
    await h.call('POST', '/tenants/acme/users', { body: { email } });
    const request = { email, client_id: h.t.app.clientId, at: 'refresh', device_kind: 'companion' };
    const abroad = await h.call('POST', '/tenants/acme/policy/what-if', { body: { ...request, ip: '8.8.8.8' } });
    expect(abroad.body).toMatchObject({
      decision: 'block',
      rules: ['no-watch-abroad'],
      facts: { request: { ip: '8.8.8.8', country: 'US' } },
    });
    const home = await h.call('POST', '/tenants/acme/policy/what-if', { body: { ...request, ip: '145.97.1.1' } });
    expect(home.body).toMatchObject({ decision: 'allow', rules: [], facts: { request: { country: 'NL' } } });
    const trial = { rules: [{ ...blockAbroad.rules[0], state: 'report_only' }] };
    const tried = await h.call('POST', '/tenants/acme/policy/what-if', { body: { ...request, document: trial } });
    expect(tried.body).toMatchObject({ decision: 'allow', report_only: ['no-watch-abroad'], version: 0 });
    expectProblem(
      await h.call('POST', '/tenants/acme/policy/what-if', { body: { ...request, email: 'nobody@example.com' } }),
      404,
      'user_not_found',
    );
    expectProblem(
      await h.call('POST', '/tenants/acme/policy/what-if', { body: { ...request, at: 'logout' } }),
      400,
      'malformed_request',
    );
  });

  it('a read-only admin app reads the policy and asks what-if, but cannot set it; another tenant is 404', async () => {
    const reader = await h.appToken('read');
    expect((await h.call('GET', '/tenants/acme/policy', { token: reader })).status).toBe(200);
    expectProblem(
      await h.call('PUT', '/tenants/acme/policy', { token: reader, body: blockAbroad }),
      403,
      'admin_access_denied',
    );
    expectProblem(await h.call('GET', '/tenants/nowhere/policy'), 404, 'unknown_tenant');
  });
});
