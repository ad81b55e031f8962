import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sweepIntervalMs } from '../../src/runtime.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('a serving process', () => {
  let t: TestServer;
  beforeAll(async () => {
    // only the sweep's interval is faked; sockets and every other timer run for real
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    t = await startTestServer({ manualClock: true });
  });
  afterAll(async () => {
    await t?.close();
    vi.useRealTimers();
  });

  it('deletes continuation tokens a day after they expired, once a minute', async () => {
    const { continuations } = t.services.repos;
    const record = (digest: string, expiresAt: number) => ({
      digest,
      tenantId: t.tenant.id,
      clientId: t.app.clientId,
      flow: 'sign-in',
      userId: t.user.id,
      state: {},
      createdAt: t.clock.now(),
      expiresAt,
      flowExpiresAt: expiresAt,
    });
    await continuations.insert(record('expired-two-days-ago', t.clock.now() - 2 * 24 * 3600 * 1000));
    await continuations.insert(record('expired-an-hour-ago', t.clock.now() - 3600 * 1000));
    vi.advanceTimersByTime(sweepIntervalMs);
    await vi.waitFor(async () => expect(await continuations.find('expired-two-days-ago')).toBeNull());
    expect(await continuations.find('expired-an-hour-ago')).not.toBeNull();
  });
});
