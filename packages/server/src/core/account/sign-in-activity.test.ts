import { beforeEach, describe, expect, it } from 'vitest';
import type { App, Tenant, User } from '../model.js';
import { DeviceGraphs } from '../sessions/device-graph.js';
import { type DomainHarness, inMemoryServices } from '../testing/in-memory-services.js';
import { SignInActivity } from './sign-in-activity.js';

describe('SignInActivity', () => {
  let harness: DomainHarness;
  let tenant: Tenant;
  let app: App;
  let user: User;
  let activity: SignInActivity;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant, app } = await harness.tenantWithApp());
    user = await harness.user(tenant);
    const countries = { countryOf: (ip: string) => (ip === '192.0.2.1' ? 'NL' : '') };
    activity = new SignInActivity(harness.repos, new DeviceGraphs(harness.repos, harness.clock), countries);
  });

  const signedIn = async (type: 'sign_in.succeeded' | 'session_transfer.redeemed', ip: string, parent?: string) => {
    const parentSession = parent ? await harness.services.sessions.find(parent) : null;
    const active = await harness.signIn(tenant, app, user, parentSession ?? undefined);
    await harness.services.audit.record(
      { tenantId: tenant.id, type, userId: user.id, clientId: app.clientId, sessionId: active.session.id },
      { ip, userAgent: 'test', correlationId: 'c' },
    );
    harness.clock.advance(1000);
    return active.session.id;
  };

  it('lists what opened sessions, newest first, with app, device and the country, else the address', async () => {
    const phone = await signedIn('sign_in.succeeded', '192.0.2.1');
    const watch = await signedIn('session_transfer.redeemed', '198.51.100.2', phone);
    await harness.services.audit.record({ tenantId: tenant.id, type: 'session.revoked', userId: user.id });
    const other = await harness.user(tenant, 'grace@example.com');
    await harness.services.audit.record({ tenantId: tenant.id, type: 'sign_in.succeeded', userId: other.id });

    expect(await activity.recent(tenant, { userId: user.id, sessionId: phone })).toEqual([
      {
        at: harness.clock.now() - 1000,
        kind: 'session_transfer',
        sessionId: watch,
        app: { clientId: app.clientId, name: 'Acme' },
        device: expect.objectContaining({ kind: 'companion' }),
        place: { ip: '198.51.100.2' },
      },
      expect.objectContaining({ kind: 'sign_in', sessionId: phone, place: { country: 'NL' } }),
    ]);
  });

  it('keeps to the limit', async () => {
    for (let i = 0; i < 3; i += 1) await signedIn('sign_in.succeeded', '192.0.2.1');
    expect(await activity.recent(tenant, { userId: user.id, sessionId: 'x' }, 2)).toHaveLength(2);
  });
});
