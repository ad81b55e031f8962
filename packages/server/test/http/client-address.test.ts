import { afterEach, describe, expect, it } from 'vitest';
import { expectNativeAuthError } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { nativeClient, passwordSignIn } from '../native-auth/native-client.js';

/**
 * The client address Baton records in audit events and counts attempts against: the peer's,
 * unless BATON_TRUST_PROXY names the peer as a proxy whose X-Forwarded-For is believed.
 */
describe('the client address behind a proxy', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function failedSignIn(server: TestServer, forwardedFor: string) {
    const client = nativeClient(server.base, server.app.clientId, { headers: { 'x-forwarded-for': forwardedFor } });
    expectNativeAuthError(await passwordSignIn(client, server.user.email, 'not the password'), 400, 'invalid_grant', {
      errorCode: 50126,
    });
    const [event] = await server.services.repos.audit.list({ tenantId: server.tenant.id, limit: 1 });
    return event!;
  }

  it('ignores X-Forwarded-For by default, so a client cannot choose the address it is counted under', async () => {
    t = await startTestServer();
    expect(await failedSignIn(t, '203.0.113.9')).toMatchObject({ type: 'sign_in.failed', ip: '127.0.0.1' });
  });

  it('believes X-Forwarded-For from a trusted proxy: audit events and per-IP attempt counts use the forwarded address', async () => {
    t = await startTestServer({ config: { trustProxy: ['127.0.0.1'] } });
    expect(await failedSignIn(t, '203.0.113.9')).toMatchObject({ type: 'sign_in.failed', ip: '203.0.113.9' });
    const counts = await t.server.runtime.database.db.selectFrom('rate_limits').select(['key', 'failures']).execute();
    expect(counts).toContainEqual({ key: `ip:${t.tenant.id}:203.0.113.9`, failures: 1 });
    expect(counts.some((row) => row.key.endsWith(':127.0.0.1'))).toBe(false);
  });

  it('with a hop count, believes that many proxies and no more: an address the client itself put in front is not taken', async () => {
    t = await startTestServer({ config: { trustProxy: 1 } });
    expect(await failedSignIn(t, '198.51.100.1, 203.0.113.9')).toMatchObject({ ip: '203.0.113.9' });
  });
});
