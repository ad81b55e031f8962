import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime, startServer } from '../../src/runtime.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { freePort } from '../support/free-port.js';
import { postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectV2Error, v2Client } from '../native-auth-v2/v2-client.js';

const operator = { actor: 'operator', context: { ip: null, userAgent: null, correlationId: 'test' } } as const;

/** What a client of the token endpoint sees of the tenant's policy: Entra's error codes, over real HTTP. */
describe.each(engines)('conditional-access outcomes at the token endpoint on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine });
  });
  afterAll(async () => {
    await t?.close();
  });

  const setPolicy = (rules: unknown[]) => t.services.policies.set(t.tenant, { rules }, operator);
  const refresh = (refreshToken: string, base = t.base) =>
    postForm(`${base}/oauth2/v2.0/token`, {
      client_id: t.app.clientId,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
  const signIn = async () =>
    (await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword)).body.refresh_token as string;
  /** Until the version in force has reached every instance (the contract's 2 s; each instance checks once a second). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1100));

  it('a block is 400 invalid_grant with error code 53003 and keeps the token and the session; lifting it lets the same token refresh', async () => {
    const token = await signIn();
    await setPolicy([
      {
        name: 'loopback-only-not',
        state: 'enabled',
        at: ['refresh'],
        when: "ip_in(request.ip, ['127.0.0.0/8'])",
        then: { block: true },
      },
    ]);
    await settle();
    const blocked = await refresh(token);
    expectNativeAuthError(blocked, 400, 'invalid_grant', { errorCode: 53003 });
    expect(blocked.body.error_description).not.toContain('loopback-only-not');
    await setPolicy([]);
    await settle();
    expect((await refresh(token)).status).toBe(200);
  });

  it('require_mfa is 400 interaction_required with error code 50076 for a password-only session', async () => {
    const token = await signIn();
    await setPolicy([{ name: 'mfa-everywhere', state: 'enabled', at: ['refresh'], then: { require_mfa: true } }]);
    await settle();
    expectNativeAuthError(await refresh(token), 400, 'interaction_required', { errorCode: 50076 });
    await setPolicy([]);
    await settle();
  });

  it('a block at sign_in answers the password step of V1 (token endpoint) and of V2 (verify) with 53003, only once the password is right', async () => {
    await setPolicy([
      { name: 'closed', state: 'enabled', at: ['sign_in'], when: "request.ip == '127.0.0.1'", then: { block: true } },
    ]);
    await settle();
    const wrong = await signInWithPassword(t.base, t.app.clientId, t.user.email, 'not the password');
    expectNativeAuthError(wrong, 400, 'invalid_grant', { errorCode: 50126 });
    const v1 = await signInWithPassword(t.base, t.app.clientId, t.user.email, t.userPassword);
    expectNativeAuthError(v1, 400, 'invalid_grant', { errorCode: 53003 });
    const v2 = v2Client(t);
    const challenge = await v2.passwordChallenge();
    const verified = await v2.call(challenge._links.verify.href, {
      continuationToken: challenge.continuationToken,
      password: t.userPassword,
    });
    expectV2Error(verified, 400, 'invalidGrant');
    const events = await t.services.repos.audit.list({ tenantId: t.tenant.id, type: 'policy.blocked' });
    expect(events.filter((event) => event.data?.at === 'sign_in')).toHaveLength(2);
    await setPolicy([]);
    await settle();
  });

  it('a second instance over the same database enforces a new version within 2 s', async () => {
    const second = await startServer(
      await openRuntime({ ...t.server.runtime.config, port: await freePort() }, { logger: pino({ level: 'silent' }) }),
    );
    try {
      const secondBase = `${second.url}/${t.tenant.name}`;
      let token = await signIn();
      const warmed = await refresh(token, secondBase);
      expect(warmed.status).toBe(200);
      token = warmed.body.refresh_token;
      const setAt = Date.now();
      await setPolicy([{ name: 'stop', state: 'enabled', at: ['refresh'], then: { block: true } }]);
      let answer = await refresh(token, secondBase);
      while (answer.status === 200 && Date.now() - setAt < 2000) {
        token = answer.body.refresh_token;
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await refresh(token, secondBase);
      }
      expectNativeAuthError(answer, 400, 'invalid_grant', { errorCode: 53003 });
      expect(Date.now() - setAt).toBeLessThan(2000);
    } finally {
      await second.close();
      await setPolicy([]);
    }
  });
});
