import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordHashing, waitingHashesPerCore } from '../../src/core/credentials/password-hasher.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { nativeClient, passwordStep } from './native-client.js';

describe('more passwords to check than the server can hash in two seconds', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a password with 503 temporarily_unavailable and Retry-After instead of queueing it; it counts as no failure, and the next try works', async () => {
    const client = nativeClient(t.base, t.app.clientId);
    const ct = await passwordStep(client, t.user.email);
    // Every slot busy and the queue full, with work that finishes when the test says so.
    const release: Array<() => void> = [];
    const busy = Array.from({ length: availableParallelism() * (1 + waitingHashesPerCore) }, () =>
      passwordHashing(() => new Promise<void>((resolve) => release.push(resolve))),
    );

    const refused = await client.token('password', ct, { password: t.userPassword });
    expectNativeAuthError(refused, 503, 'temporarily_unavailable');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(
      (await t.server.runtime.database.db.selectFrom('rate_limits').selectAll().execute()).filter(
        (r) => r.failures > 0,
      ),
    ).toEqual([]);

    const drained = Promise.all(busy).then(() => true);
    const tick = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5));
    while (!(await Promise.race([drained, tick()]))) for (const resolve of release.splice(0)) resolve();
    const accepted = await client.token('password', ct, { password: t.userPassword });
    expect(accepted.status).toBe(200);
  });
});
