import { afterAll, describe, expect, it } from 'vitest';
import { attemptPolicies } from '../../src/core/abuse/attempt-limiter.js';
import type { User } from '../../src/core/model.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectV2Error, useV2Server, v2Client, type V2Client } from './v2-client.js';

describe('native auth V2: lockouts and audit events are the flow engine’s, as in V1', () => {
  let t: TestServer;
  let v2: V2Client;
  useV2Server(async (server) => {
    t = server;
    v2 = v2Client(t);
  });

  const newUser = (email: string): Promise<User> =>
    t.services.accounts.create(t.tenant, { email, password: t.userPassword, emailVerified: true });

  it('locks the account after the free failures, even against the right password, and audits each step', async () => {
    const user = await newUser('guessed@example.com');
    const challenged = await v2.passwordChallenge(user.email);
    const verify = (password: string) =>
      v2.call(challenged._links.verify.href, { continuationToken: challenged.continuationToken, password });
    for (let i = 0; i < attemptPolicies.account.freeFailures; i++)
      expectV2Error(await verify('not the password'), 400, 'invalidGrant', 'invalidUserNameOrPassword');
    const locked = await verify('not the password');
    expectV2Error(locked, 400, 'invalidGrant', 'userLocked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expectV2Error(await verify(t.userPassword), 400, 'invalidGrant', 'userLocked');
    const types = (await t.services.repos.audit.list({ tenantId: t.tenant.id, userId: user.id })).map((e) => e.type);
    // The failure that locks the account is audited as the lock.
    expect(types.filter((type) => type === 'sign_in.failed')).toHaveLength(attemptPolicies.account.freeFailures - 1);
    expect(types).toContain('account.locked');
  });

  it('audits a V2 sign-in as any other, when its code is redeemed', async () => {
    const user = await newUser('audited@example.com');
    const challenged = await v2.passwordChallenge(user.email);
    const proved = await v2.call(challenged._links.verify.href, {
      continuationToken: challenged.continuationToken,
      password: t.userPassword,
    });
    const audited = async () =>
      (await t.services.repos.audit.list({ tenantId: t.tenant.id, userId: user.id })).filter(
        (e) => e.type === 'sign_in.succeeded',
      );
    const { code } = (await v2.finish(proved.body.continuationToken)).body;
    expect(await audited()).toHaveLength(0);
    expect((await v2.token(code)).status).toBe(200);
    expect(await audited()).toMatchObject([{ clientId: t.app.clientId, data: { amr: ['pwd'] } }]);
  });
});

describe('native auth V2: the per-address limit on flow starts', () => {
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
  });

  it('counts a journey once, at its entry, and refuses entries past the limit with slowDown', async () => {
    t = await startTestServer({ manualClock: true, config: { flowStartsPerMinute: 2, trustProxy: ['127.0.0.1'] } });
    const server = t;
    const from = { 'x-forwarded-for': '198.51.100.7' };
    const v2 = v2Client(server);
    for (let journey = 0; journey < 2; journey++) {
      const entered = await v2.entry({}, from);
      expect(entered.status, JSON.stringify(entered.body)).toBe(200);
      const started = await fetch(`${server.url}${entered.body.sign_in}`, {
        method: 'POST',
        headers: { ...from, 'content-type': 'application/json' },
        body: JSON.stringify({ continuationToken: entered.body.continuation_token, username: server.user.email }),
      });
      expect(started.status).toBe(200);
    }
    const refused = await v2.entry({}, from);
    expectV2Error(refused, 429, 'slowDown');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
