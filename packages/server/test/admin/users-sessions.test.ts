import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffClient, type HandoffClient } from '../handoff/handoff-client.js';
import { engines } from '../support/databases.js';
import { signInWithPassword } from '../support/http.js';
import { expectProblem, startAdminHarness, type AdminHarness } from './admin-client.js';

describe.each(engines)('users and sessions in the management API, on %s', (engine) => {
  let h: AdminHarness;
  let handoff: HandoffClient;
  beforeAll(async () => {
    h = await startAdminHarness(engine);
    const { app: phone } = await h.t.registerApp({ name: 'Phone app', allowSessionTransfer: true });
    const { app: watch } = await h.t.registerApp({ name: 'Watch app', acceptSessionTransfer: true });
    handoff = handoffClient(h.t, { phone, watch });
  });
  afterAll(async () => {
    await h?.t.close();
  });

  it('creates a user with a password who can sign in, and one without (code-only)', async () => {
    const withPassword = await h.call('POST', '/tenants/acme/users', {
      body: { email: 'Grace@Example.com', password: 'a long and unusual passphrase', display_name: 'Grace' },
    });
    expect(withPassword.status).toBe(201);
    expect(withPassword.body).toMatchObject({
      email: 'grace@example.com',
      email_verified: true,
      display_name: 'Grace',
    });
    const signedIn = await signInWithPassword(
      h.t.base,
      h.t.app.clientId,
      'grace@example.com',
      'a long and unusual passphrase',
    );
    expect(signedIn.status).toBe(200);
    const codeOnly = await h.call('POST', '/tenants/acme/users', { body: { email: 'linus@example.com' } });
    expect(codeOnly.status).toBe(201);
    expect((await h.call('GET', `/tenants/acme/users/${codeOnly.body.id}`)).body).toEqual(codeOnly.body);
    const [event] = await h.events({ type: 'user.created' });
    expect(event).toMatchObject({ userId: codeOnly.body.id, data: { actor: 'operator', password: false } });
  });

  it('refuses a taken address (409), a weak password and a bad address (400), and unknown fields', async () => {
    expectProblem(
      await h.call('POST', '/tenants/acme/users', { body: { email: 'ada@example.com' } }),
      409,
      'user_already_exists',
    );
    expectProblem(
      await h.call('POST', '/tenants/acme/users', { body: { email: 'weak@example.com', password: 'password' } }),
      400,
      'password_banned',
    );
    expectProblem(
      await h.call('POST', '/tenants/acme/users', { body: { email: 'not-an-address' } }),
      400,
      'invalid_username',
    );
    expectProblem(
      await h.call('POST', '/tenants/acme/users', { body: { email: 'x@example.com', role: 'admin' } }),
      400,
      'malformed_request',
    );
    expectProblem(
      await h.call('POST', '/tenants/acme/users', { body: { email: `${'x'.repeat(250)}@example.com` } }),
      400,
      'malformed_request',
    );
  });

  it('finds a user by address, in any letter case, and finds none for an unknown one', async () => {
    const found = await h.call('GET', '/tenants/acme/users?email=ADA@example.com');
    expect(found.body).toEqual({ items: [expect.objectContaining({ id: h.t.user.id })], next_cursor: null });
    expect((await h.call('GET', '/tenants/acme/users?email=nobody@example.com')).body.items).toEqual([]);
    expectProblem(await h.call('GET', '/tenants/acme/users?email=ab'), 400, 'malformed_request');
    expectProblem(await h.call('GET', '/tenants/acme/users/not-a-uuid'), 400, 'malformed_request');
    expectProblem(await h.call('GET', `/tenants/acme/users/${crypto.randomUUID()}`), 404, 'user_not_found');
  });

  it('lists the users oldest first, page by page, without erased ones; refuses a cursor it did not give', async () => {
    for (const email of ['list-1@example.com', 'list-2@example.com', 'list-3@example.com'])
      await h.call('POST', '/tenants/acme/users', { body: { email } });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<AdminHarness['call']>> = await h.call(
        'GET',
        `/tenants/acme/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      ids.push(...page.body.items.map((u: { id: string }) => u.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(ids).toEqual((await h.t.services.users.list(h.t.tenant, { limit: 1000 })).items.map((u) => u.id));
    expect(ids).toContain(h.t.user.id);
    expect(new Set(ids).size).toBe(ids.length);
    const forged = await h.call('GET', '/tenants/acme/users?cursor=bm9wZQ');
    expectProblem(forged, 400, 'invalid_setting');
    expect(forged.body.field).toBe('cursor');
    expectProblem(await h.call('GET', '/tenants/acme/users?limit=0'), 400, 'malformed_request');
  });

  it('updates a user as `baton user update`: display name, verification, attributes, password', async () => {
    const created = await h.call('POST', '/tenants/acme/users', {
      body: { email: 'patch-me@example.com', display_name: 'Old' },
    });
    const id = created.body.id;
    const updated = await h.call('PATCH', `/tenants/acme/users/${id}`, {
      body: {
        display_name: null,
        email_verified: false,
        attributes: { team: 'blue', level: 3 },
        password: 'a brand new long passphrase',
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id,
      email: 'patch-me@example.com',
      display_name: null,
      email_verified: false,
      attributes: { team: 'blue', level: 3 },
    });
    const again = await h.call('PATCH', `/tenants/acme/users/${id}`, { body: { attributes: { level: null } } });
    expect(again.body.attributes).toEqual({ team: 'blue' });
    expect((await h.call('GET', `/tenants/acme/users/${id}`)).body).toEqual(again.body);
    const [event] = await h.events({ type: 'user.updated', userId: id });
    expect(event).toMatchObject({ data: { actor: 'operator', changed: ['attributes'] } });
    expect(JSON.stringify(await h.events({ type: 'user.updated' }))).not.toContain('brand new');
  });

  it('refuses a user update with a weak password, a bad attribute (naming the field), an unknown field, and no such user', async () => {
    const id = h.t.user.id;
    expectProblem(
      await h.call('PATCH', `/tenants/acme/users/${id}`, { body: { password: 'password' } }),
      400,
      'password_banned',
    );
    const attribute = await h.call('PATCH', `/tenants/acme/users/${id}`, { body: { attributes: { '1bad': 'x' } } });
    expectProblem(attribute, 400, 'invalid_setting');
    expect(attribute.body.field).toBe('attributes');
    for (const body of [{ email: 'new@example.com' }, { role: 'admin' }, { display_name: 'x'.repeat(201) }])
      expectProblem(await h.call('PATCH', `/tenants/acme/users/${id}`, { body }), 400, 'malformed_request');
    expectProblem(
      await h.call('PATCH', `/tenants/acme/users/${crypto.randomUUID()}`, { body: {} }),
      404,
      'user_not_found',
    );
    const signedIn = await signInWithPassword(h.t.base, h.t.app.clientId, h.t.user.email, h.t.userPassword);
    expect(signedIn.status).toBe(200);
  });

  it("shows a user's device graph: the phone's session and the watch's child session, with app and device", async () => {
    const { phone, companion } = await handoff.handOff();
    const graph = await h.call('GET', `/tenants/acme/users/${h.t.user.id}/sessions`);
    expect(graph.status).toBe(200);
    const byId = new Map(graph.body.sessions.map((s: { id: string }) => [s.id, s]));
    expect(byId.get(phone.sessionId)).toMatchObject({
      parent_id: null,
      app: { client_id: phone.app.clientId, name: 'Phone app' },
      device: { id: expect.any(String), kind: 'primary' },
      amr: ['pwd'],
      status: 'active',
    });
    expect(byId.get(companion.sessionId)).toMatchObject({
      parent_id: phone.sessionId,
      app: { client_id: companion.app.clientId, name: 'Watch app' },
      device: { name: 'Ada’s Watch', platform: 'watchOS', kind: 'companion' },
      status: 'active',
    });
  });

  it('revokes a session with its branch, idempotently, and answers 404 for a session of another tenant or none', async () => {
    const { phone, companion } = await handoff.handOff();
    const first = await h.call('DELETE', `/tenants/acme/sessions/${phone.sessionId}`);
    expect(first.body.revoked.sort()).toEqual([phone.sessionId, companion.sessionId].sort());
    expect((await h.call('DELETE', `/tenants/acme/sessions/${phone.sessionId}`)).body).toEqual({ revoked: [] });
    const refreshed = await handoff.refresh(phone.app, phone.refreshToken);
    expect(refreshed.status).toBe(400);
    expectProblem(await h.call('DELETE', '/tenants/acme/sessions/no-such-session'), 404, 'session_not_found');
    const other = await h.call('POST', '/tenants', { body: { name: 'elsewhere' } });
    expect(other.status).toBe(201);
    const revokedEvent = (await h.events({ type: 'session.revoked' })).find((e) =>
      ((e.data?.sessions ?? []) as string[]).includes(phone.sessionId),
    );
    expect(revokedEvent).toMatchObject({
      data: { actor: 'operator', reason: 'revoked_by_admin', sessions: expect.arrayContaining([phone.sessionId]) },
    });
    expectProblem(
      await h.call('DELETE', `/tenants/elsewhere/sessions/${companion.sessionId}`),
      404,
      'session_not_found',
    );
  });

  it('signs a user out everywhere, idempotently', async () => {
    const { phone } = await handoff.handOff();
    const first = await h.call('DELETE', `/tenants/acme/users/${h.t.user.id}/sessions`);
    expect(first.body.revoked).toContain(phone.sessionId);
    expect((await h.call('DELETE', `/tenants/acme/users/${h.t.user.id}/sessions`)).body).toEqual({ revoked: [] });
    const graph = await h.call('GET', `/tenants/acme/users/${h.t.user.id}/sessions`);
    expect(graph.body.sessions.every((s: { status: string }) => s.status === 'revoked')).toBe(true);
  });

  it('erases a user as `baton user delete` does, signing every device out, idempotently; an erased user is gone (404)', async () => {
    const created = await h.call('POST', '/tenants/acme/users', {
      body: { email: 'erase-me@example.com', password: 'another long passphrase here' },
    });
    const { app } = await h.t.registerApp({ name: 'Erasure app' });
    const signedIn = await signInWithPassword(
      h.t.base,
      app.clientId,
      'erase-me@example.com',
      'another long passphrase here',
    );
    expect(signedIn.status).toBe(200);
    const erased = await h.call('DELETE', `/tenants/acme/users/${created.body.id}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ id: created.body.id, revoked_sessions: [expect.any(String)] });
    const again = await h.call('DELETE', `/tenants/acme/users/${created.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: created.body.id, revoked_sessions: [] });
    expectProblem(await h.call('GET', `/tenants/acme/users/${created.body.id}`), 404, 'user_not_found');
    expect((await h.call('GET', '/tenants/acme/users?email=erase-me@example.com')).body.items).toEqual([]);
    const types = (await h.events({ userId: created.body.id })).map((e) => e.type);
    expect(types.filter((type) => type === 'user.deleted')).toHaveLength(1);
    const [deleted] = await h.events({ type: 'user.deleted', userId: created.body.id });
    expect(deleted).toMatchObject({ data: { actor: 'operator' } });
    expectProblem(await h.call('DELETE', `/tenants/acme/users/${crypto.randomUUID()}`), 404, 'user_not_found');
  });
});
