import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import { type DeviceClient, startDeviceServer } from './device-client.js';

const operator = { actor: 'operator', context: { ip: null, userAgent: null, correlationId: 'test' } } as const;

describe.each(engines)("the tenant's policy at device_approval on %s", (engine) => {
  let t: TestServer;
  let client: DeviceClient;
  beforeAll(async () => {
    ({ t, client } = await startDeviceServer(engine));
  });
  afterEach(async () => {
    await t.services.policies.set(t.tenant, { rules: [] }, operator);
  });
  afterAll(async () => {
    await t?.close();
  });

  const setPolicy = (rules: unknown[]) => t.services.policies.set(t.tenant, { rules }, operator);
  const auditOf = (type: string) => t.services.repos.audit.list({ tenantId: t.tenant.id, type });

  it('a block is 400 invalid_grant 53003, audited, and leaves the code pending', async () => {
    const codes = await client.codes();
    const phone = await client.signIn();
    await setPolicy([
      {
        name: 'no-tvs',
        state: 'enabled',
        at: ['device_approval'],
        when: "device.platform == 'tvOS'",
        then: { block: true },
      },
    ]);
    expectNativeAuthError(await client.decide(phone.accessToken, codes.userCode), 400, 'invalid_grant', {
      errorCode: 53003,
    });
    const blocked = await auditOf('policy.blocked');
    expect(blocked.some((e) => e.sessionId === phone.sessionId && e.data?.at === 'device_approval')).toBe(true);
    expectNativeAuthError(await client.poll(codes.deviceCode), 400, 'authorization_pending');
  });

  it('require_mfa refuses a password-only approving session with interaction_required 50076', async () => {
    const codes = await client.codes();
    const phone = await client.signIn();
    await setPolicy([
      { name: 'mfa-for-devices', state: 'enabled', at: ['device_approval'], then: { require_mfa: true } },
    ]);
    expectNativeAuthError(await client.decide(phone.accessToken, codes.userCode), 400, 'interaction_required', {
      errorCode: 50076,
    });
    expectNativeAuthError(await client.poll(codes.deviceCode), 400, 'authorization_pending');
  });

  it("max_session_seconds caps the device's session", async () => {
    const codes = await client.codes();
    const phone = await client.signIn();
    await setPolicy([
      { name: 'short-tv', state: 'enabled', at: ['device_approval'], then: { max_session_seconds: 120 } },
    ]);
    expect((await client.decide(phone.accessToken, codes.userCode)).status).toBe(200);
    const res = await client.poll(codes.deviceCode);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const session = await t.services.sessions.find(decodeJwt(res.body.id_token).sid as string);
    expect(session!.absoluteExpiresAt).toBeLessThanOrEqual(session!.createdAt + 120_000);
  });
});
