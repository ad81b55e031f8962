import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { codeSendPolicy } from '../../src/core/abuse/request-throttle.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { codeSignInStep, ctOf, expectOk, nativeClient, signUpThroughCode } from '../native-auth/native-client.js';

/**
 * Finding 8: the per-address code limit counted spellings, not mailboxes: `hal@`,
 * `hal+1@`, `HAL+2@` each got their own five codes, all landing in one inbox. The limit
 * now counts the canonical mailbox (lower-case, `+tag` removed, trailing dots of the
 * domain removed); identity is unchanged: `hal+1@` is still an account of its own.
 */
describe.each(engines)('the code-send limit on %s', (engine) => {
  let running: TestServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('counts every spelling of one mailbox together, across flows: the sixth code to any of them is refused and nothing is mailed', async () => {
    const server = await startTestServer({ engine, manualClock: true, config: { trustProxy: ['127.0.0.1'] } });
    running = server;
    const domain = `m${randomUUID().slice(0, 8)}.example`;
    const client = nativeClient(server.base, server.app.clientId, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    const account = `hal@${domain}`;
    await server.services.accounts.create(server.tenant, { email: account, emailVerified: true });
    const inbox = () => server.mail.messages.filter((m) => m.to.some((to) => to.endsWith(`@${domain}`))).length;

    await codeSignInStep(server, client, account);
    for (const spelling of [
      `hal+1@${domain}`,
      `HAL+2@${domain}`,
      `Hal+three@${domain.toUpperCase()}`,
      `hal+4@${domain}`,
    ]) {
      const challenged = await client.signUpChallenge(ctOf(await client.signUpStart(spelling)));
      expect(challenged.body.challenge_type, JSON.stringify(challenged.body)).toBe('oob');
      await server.mail.next(spelling.toLowerCase());
    }
    expect(inbox()).toBe(codeSendPolicy.max);

    expectNativeAuthError(
      await client.signUpChallenge(ctOf(await client.signUpStart(`hal+5@${domain}`))),
      429,
      'slow_down',
    );
    const started = ctOf(await client.initiate(account, { challenge_type: 'oob redirect' }));
    expectNativeAuthError(await client.challenge(started, { challenge_type: 'oob redirect' }), 429, 'slow_down');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(inbox()).toBe(codeSendPolicy.max);

    // another mailbox at the same domain is not held back
    const other = `ann+1@${domain}`;
    expect((await client.signUpChallenge(ctOf(await client.signUpStart(other)))).body.challenge_type).toBe('oob');
  });

  it('leaves identity alone: once the window has passed, hal+1@ signs up as an account of its own', async () => {
    const server = await startTestServer({ engine, manualClock: true });
    running = server;
    const domain = `m${randomUUID().slice(0, 8)}.example`;
    const client = nativeClient(server.base, server.app.clientId);
    await server.services.accounts.create(server.tenant, { email: `hal@${domain}`, emailVerified: true });
    for (let i = 0; i < codeSendPolicy.max; i++) await codeSignInStep(server, client, `hal@${domain}`);
    expectNativeAuthError(
      await client.signUpChallenge(ctOf(await client.signUpStart(`hal+1@${domain}`))),
      429,
      'slow_down',
    );

    server.clock.advance!(codeSendPolicy.windowMs);
    expectOk(
      await signUpThroughCode(server, client, `hal+1@${domain}`, { password: 'a long and unusual passphrase 7' }),
    );
    const users = await Promise.all(
      [`hal@${domain}`, `hal+1@${domain}`].map((email) =>
        server.services.repos.users.findByEmail(server.tenant.id, email),
      ),
    );
    expect(users.map((u) => u?.email)).toEqual([`hal@${domain}`, `hal+1@${domain}`]);
    expectOk(await client.initiate(`hal@${domain}`));
  });
});
