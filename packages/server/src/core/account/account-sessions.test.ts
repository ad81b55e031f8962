import { beforeEach, describe, expect, it } from 'vitest';
import type { App, Tenant, User } from '../model.js';
import type { ActiveSession } from '../sessions/session-service.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices, testContext } from '../testing/in-memory-services.js';
import type { AccountHolder } from './account-holder.js';

describe('AccountSessions', () => {
  let harness: DomainHarness;
  let tenant: Tenant;
  let app: App;
  let user: User;
  let phone: ActiveSession;
  let watch: ActiveSession;
  let webView: ActiveSession;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant, app } = await harness.tenantWithApp());
    user = await harness.user(tenant);
    phone = await harness.signIn(tenant, app, user);
    harness.clock.advance(1000);
    watch = await harness.signIn(tenant, app, user, phone.session);
    harness.clock.advance(1000);
    webView = await harness.signIn(tenant, app, user, watch.session);
  });

  const account = () => harness.services.accountSessions;
  const from = (active: ActiveSession): AccountHolder => ({
    userId: user.id,
    sessionId: active.session.id,
    context: testContext,
  });
  const statuses = async () =>
    Object.fromEntries((await account().devices(tenant, from(phone))).map((s) => [s.id, s.status]));

  it('lists the holder\'s graph with its app and device, "current" on the session they call from', async () => {
    const graph = await account().devices(tenant, from(watch));
    expect(graph.map((s) => [s.id, s.parentId, s.current])).toEqual([
      [phone.session.id, null, false],
      [watch.session.id, phone.session.id, true],
      [webView.session.id, watch.session.id, false],
    ]);
    expect(graph[1]).toMatchObject({
      app: { clientId: app.clientId, name: 'Acme' },
      device: { name: 'Phone', platform: 'ios', kind: 'companion' },
      status: 'active',
    });
  });

  it('ends a branch and audits it as the account holder did it; the parent lives on', async () => {
    expect(await account().revoke(tenant, from(phone), watch.session.id)).toEqual([
      watch.session.id,
      webView.session.id,
    ]);
    expect(await statuses()).toEqual({
      [phone.session.id]: 'active',
      [watch.session.id]: 'revoked',
      [webView.session.id]: 'revoked',
    });
    expect(harness.db.auditEvents.where((e) => e.type === 'account.session_revoked')).toEqual([
      expect.objectContaining({
        userId: user.id,
        sessionId: watch.session.id,
        ip: testContext.ip,
        data: { reason: 'revoked_by_user', sessions: [watch.session.id, webView.session.id] },
      }),
    ]);
  });

  it("answers another user's session, another tenant's and an unknown id alike: session_not_found, nothing ended", async () => {
    const other = await harness.user(tenant, 'grace@example.com');
    const theirs = await harness.signIn(tenant, app, other);
    const elsewhere = await harness.services.tenants.create({ name: 'globex', codeLength: 6 });
    const globexApp = (await harness.services.apps.register(elsewhere, { name: 'Globex' })).app;
    const foreign = await harness.signIn(elsewhere, globexApp, await harness.user(elsewhere, 'ada@example.com'));
    for (const id of [theirs.session.id, foreign.session.id, 'no-such-session'])
      await expectRejection(account().revoke(tenant, from(phone), id), 'session_not_found');
    expect((await harness.services.sessions.find(theirs.session.id))?.revokedAt).toBeNull();
    expect((await harness.services.sessions.find(foreign.session.id))?.revokedAt).toBeNull();
  });

  it('signs out everywhere but this device: keeps the line the caller hangs on, ends the rest, audits it once', async () => {
    const laptop = await harness.signIn(tenant, app, user);
    const phoneTv = await harness.signIn(tenant, app, user, phone.session);
    const { revoked: ended, kept } = await account().revokeOthers(tenant, from(watch));
    expect(ended.sort()).toEqual([laptop.session.id, phoneTv.session.id].sort());
    expect(kept.sort()).toEqual([phone.session.id, watch.session.id, webView.session.id].sort());
    expect(await statuses()).toMatchObject({
      [phone.session.id]: 'active',
      [watch.session.id]: 'active',
      [webView.session.id]: 'active',
      [laptop.session.id]: 'revoked',
      [phoneTv.session.id]: 'revoked',
    });
    expect(harness.db.auditEvents.where((e) => e.type === 'account.signed_out_elsewhere')).toEqual([
      expect.objectContaining({
        userId: user.id,
        data: expect.objectContaining({ reason: 'revoked_by_user', sessions: ended }),
      }),
    ]);
    expect((await account().revokeOthers(tenant, from(watch))).revoked).toEqual([]);
  });

  it('signs out everywhere, the asking device too, and another user keeps every session; audited once', async () => {
    const laptop = await harness.signIn(tenant, app, user);
    const other = await harness.signIn(tenant, app, await harness.user(tenant, 'grace@example.com'));
    await account().revoke(tenant, from(phone), webView.session.id);
    const ended = await account().revokeEverywhere(tenant, from(watch));
    expect([...ended].sort()).toEqual([phone.session.id, watch.session.id, laptop.session.id].sort());
    expect(Object.values(await statuses())).toEqual(['revoked', 'revoked', 'revoked', 'revoked']);
    expect((await harness.services.sessions.find(other.session.id))?.revokedAt).toBeNull();
    expect(harness.db.auditEvents.where((e) => e.type === 'account.signed_out_everywhere')).toEqual([
      expect.objectContaining({ userId: user.id, data: { reason: 'revoked_by_user', sessions: ended } }),
    ]);
    expect(await account().revokeEverywhere(tenant, from(watch))).toEqual([]);
  });
});
