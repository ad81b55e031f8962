import { beforeEach, describe, expect, it } from 'vitest';
import type { AdminCaller } from '../audit/admin-caller.js';
import { verifyPassword } from '../credentials/password-hasher.js';
import type { Tenant } from '../model.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices } from '../testing/in-memory-services.js';

const operator: AdminCaller = { actor: 'cli:ops' };

describe('UserAdministration', () => {
  let harness: DomainHarness;
  let tenant: Tenant;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant } = await harness.tenantWithApp());
  });

  const users = () => harness.services.users;
  const events = (type: string) => harness.db.auditEvents.where((event) => event.type === type);

  it('creates a verified account and audits it with the caller, never the password', async () => {
    const user = await users().create(
      tenant,
      { email: 'Ada@Example.com', password: 'correct horse battery staple' },
      operator,
    );
    expect(user).toMatchObject({ email: 'ada@example.com', emailVerified: true });
    expect(events('user.created')).toEqual([
      expect.objectContaining({ userId: user.id, data: { actor: 'cli:ops', password: true } }),
    ]);
    expect(JSON.stringify(harness.db.auditEvents.where())).not.toContain('correct horse');
  });

  it('lists page by page with an opaque cursor, finds by address, and leaves erased accounts out', async () => {
    const made = [];
    for (const name of ['a', 'b', 'c']) {
      made.push(await users().create(tenant, { email: `${name}@example.com` }, operator));
      harness.clock.advance(1000);
    }
    await users().delete(tenant, made[1]!.id, operator);
    const first = await users().list(tenant, { limit: 1 });
    expect(first.items.map((user) => user.email)).toEqual(['a@example.com']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = await users().list(tenant, { limit: 1, cursor: first.nextCursor! });
    expect(rest).toEqual({ items: [expect.objectContaining({ email: 'c@example.com' })], nextCursor: null });
    expect((await users().list(tenant, { email: ' C@example.com' })).items).toEqual([made[2]]);
  });

  it('refuses a limit out of range and a cursor it did not give, naming the setting', async () => {
    const limit = await expectRejection(users().list(tenant, { limit: 0 }), 'invalid_setting', /^limit must be/);
    expect(limit.details.setting).toBe('limit');
    const cursor = await expectRejection(users().list(tenant, { cursor: 'bm90IGEgY3Vyc29y' }), 'invalid_setting');
    expect(cursor.details.setting).toBe('cursor');
  });

  it('updates name, attributes (merged, null removes) and verification, and audits which fields changed, not their values', async () => {
    const user = await users().create(
      tenant,
      { email: 'ada@example.com', attributes: { city: 'Oslo', vip: true } },
      operator,
    );
    const updated = await users().update(
      tenant,
      user.id,
      { displayName: 'Ada', attributes: { city: null, plan: 'pro' }, emailVerified: false },
      operator,
    );
    expect(updated).toEqual({
      ...user,
      displayName: 'Ada',
      attributes: { vip: true, plan: 'pro' },
      emailVerified: false,
    });
    expect(harness.db.users.get(user.id)).toEqual(updated);
    const [event] = events('user.updated');
    expect(event?.data).toEqual({ actor: 'cli:ops', changed: ['displayName', 'attributes', 'emailVerified'] });
    expect(JSON.stringify(event)).not.toContain('pro');
  });

  it('replaces the password by the password policy', async () => {
    const user = await users().create(tenant, { email: 'ada@example.com' }, operator);
    await expectRejection(users().update(tenant, user.id, { password: 'password' }, operator), 'password_banned');
    await users().update(tenant, user.id, { password: 'a new and long passphrase' }, operator);
    expect(await verifyPassword(await harness.repos.users.findPasswordHash(user.id), 'a new and long passphrase')).toBe(
      true,
    );
  });

  it('refuses malformed attributes and an unknown or erased user', async () => {
    const user = await users().create(tenant, { email: 'ada@example.com' }, operator);
    await expectRejection(
      users().update(tenant, user.id, { attributes: { '1bad': 'x' } }, operator),
      'invalid_setting',
    );
    await expectRejection(
      users().update(tenant, user.id, { attributes: { note: 'a\u0000b' } }, operator),
      'invalid_setting',
    );
    await expectRejection(users().get(tenant, 'no-such-id'), 'user_not_found');
    await users().delete(tenant, user.id, operator);
    await expectRejection(users().get(tenant, user.id), 'user_not_found');
    expect(await users().delete(tenant, user.id, operator)).toEqual({ revokedSessions: [] });
    await expectRejection(users().delete(tenant, 'no-such-id', operator), 'user_not_found');
    expect(events('user.deleted')).toEqual([
      expect.objectContaining({ userId: user.id, data: expect.objectContaining({ actor: 'cli:ops' }) }),
    ]);
  });

  it("revokes one session of the tenant (a branch) or all of an account's, audited with the caller; another tenant's session is not found", async () => {
    const { app } = await harness.services.apps.register(tenant, { name: 'Phone' });
    const user = await users().create(tenant, { email: 'ada@example.com' }, operator);
    const open = () => harness.signIn(tenant, app, user);
    const [first, second] = [await open(), await open()];
    const other = await harness.services.tenants.create({ name: 'other' }, operator);
    await expectRejection(users().revokeSession(other, first.session.id, operator), 'session_not_found');

    expect(await users().revokeSession(tenant, first.session.id, operator)).toEqual([first.session.id]);
    expect(await users().revokeSessions(tenant, user.id, operator)).toEqual([second.session.id]);
    expect((await users().sessions(tenant, user.id)).map((session) => session.revokedReason)).toEqual([
      'revoked_by_admin',
      'revoked_by_admin',
    ]);
    expect(events('session.revoked').map((event) => event.data?.actor)).toEqual(['cli:ops', 'cli:ops']);
  });
});
