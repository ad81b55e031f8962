import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { expectProblem, startAdminHarness, type AdminHarness } from './admin-client.js';

describe.each(engines)('the audit trail and signing keys in the management API, on %s', (engine) => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness(engine);
  });
  afterAll(async () => {
    await h?.t.close();
  });

  it('lists the audit trail newest first, by type and user, page by page', async () => {
    const ids: string[] = [];
    for (const email of ['a1@example.com', 'a2@example.com', 'a3@example.com'])
      ids.push((await h.call('POST', '/tenants/acme/users', { body: { email } })).body.id);
    const newest = await h.call('GET', '/tenants/acme/audit?type=user.created&limit=2');
    expect(newest.body.items.map((e: { user_id: string }) => e.user_id)).toEqual([ids[2], ids[1]]);
    expect(newest.body.items[0]).toMatchObject({ type: 'user.created', data: { actor: 'operator' } });
    const older = await h.call(
      'GET',
      `/tenants/acme/audit?type=user.created&limit=2&cursor=${newest.body.next_cursor}`,
    );
    expect(older.body).toEqual({ items: [expect.objectContaining({ user_id: ids[0] })], next_cursor: null });
    const mine = await h.call('GET', `/tenants/acme/audit?user_id=${ids[1]}`);
    expect(mine.body.items.map((e: { user_id: string }) => e.user_id)).toEqual([ids[1]]);
  });

  it('filters the audit trail by time', async () => {
    const all = (await h.call('GET', '/tenants/acme/audit?limit=100')).body.items;
    const middle = all[Math.floor(all.length / 2)];
    const since = await h.call('GET', `/tenants/acme/audit?limit=100&since=${encodeURIComponent(middle.at)}`);
    expect(since.body.items.every((e: { at: string }) => e.at >= middle.at)).toBe(true);
    const until = await h.call('GET', `/tenants/acme/audit?limit=100&until=${encodeURIComponent(middle.at)}`);
    expect(until.body.items.every((e: { at: string }) => e.at < middle.at)).toBe(true);
    expect(since.body.items.length + until.body.items.length).toBe(all.length);
  });

  it('refuses a bad filter, an oversized page and a forged cursor (400), naming the field', async () => {
    for (const query of [
      'since=yesterday',
      'user_id=ada',
      'type=DROP%20TABLE',
      `type=${'a'.repeat(101)}`,
      'limit=1001',
      'colour=red',
    ])
      expectProblem(await h.call('GET', `/tenants/acme/audit?${query}`), 400, 'malformed_request');
    for (const [query, field] of [
      ['cursor=MA', 'cursor'],
      ['cursor=LTE', 'cursor'],
      ['cursor=bm9wZQ', 'cursor'],
      ['type=admin.user.created', 'type'],
    ]) {
      const refused = await h.call('GET', `/tenants/acme/audit?${query}`);
      expectProblem(refused, 400, 'invalid_setting');
      expect(refused.body.field).toBe(field);
    }
  });

  it('lists the public parts of the signing keys, and rotates them: the old one stays published, retired', async () => {
    const before = await h.call('GET', '/tenants/acme/keys');
    expect(before.body.keys).toEqual([expect.objectContaining({ status: 'active', alg: 'ES256' })]);
    const rotated = await h.call('POST', '/tenants/acme/keys/rotate', { body: { alg: 'RS256' } });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toEqual({ kid: expect.any(String), alg: 'RS256' });
    const after = await h.call('GET', '/tenants/acme/keys');
    expect(after.body.keys.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([
      [rotated.body.kid, 'active'],
      [before.body.keys[0].kid, 'retired'],
    ]);
    for (const key of after.body.keys) {
      expect(key.public_jwk).not.toHaveProperty('d');
      expect(JSON.stringify(key)).not.toMatch(/private|sealed/i);
    }
    const [event] = await h.events({ type: 'keys.rotated' });
    expect(event).toMatchObject({ data: { kid: rotated.body.kid, actor: 'operator' } });
    expectProblem(
      await h.call('POST', '/tenants/acme/keys/rotate', { body: { alg: 'HS256' } }),
      400,
      'malformed_request',
    );
    expectProblem(await h.call('POST', '/tenants/nowhere/keys/rotate', { body: {} }), 404, 'unknown_tenant');
  });
});
