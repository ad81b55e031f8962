import { afterEach, describe, expect, it } from 'vitest';
import { codeSendPolicy, isLocal } from '../../src/core/abuse/request-throttle.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { HttpResult } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { codeSignInStep, createUser, ctOf, expectOk, freshEmail, nativeClient } from './native-client.js';

/** A slow_down answer: 429 with the seconds to wait in Retry-After. */
function expectSlowDown(res: HttpResult): number {
  expectNativeAuthError(res, 429, 'slow_down');
  const seconds = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(seconds) && seconds > 0, `Retry-After: ${res.headers.get('retry-after')}`).toBe(true);
  return seconds;
}

describe.each(engines)('request throttles on %s', (engine) => {
  let running: TestServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('counts showing the hosted sign-in page as a flow start, so nobody can fill the database with authorization requests', async () => {
    const server = await startTestServer({
      engine,
      manualClock: true,
      config: { flowStartsPerMinute: 2, trustProxy: ['127.0.0.1'] },
    });
    running = server;
    const { app } = await server.registerApp({ name: 'Web shop', redirectUris: ['https://shop.example/callback'] });
    const authorize = (ip: string) => {
      const url = new URL(`${server.base}/oauth2/v2.0/authorize`);
      const pkce = 'x'.repeat(43);
      for (const [k, v] of Object.entries({
        client_id: app.clientId,
        redirect_uri: 'https://shop.example/callback',
        response_type: 'code',
        code_challenge: pkce,
        code_challenge_method: 'S256',
      }))
        url.searchParams.set(k, v);
      return fetch(url, { headers: { 'x-forwarded-for': ip }, redirect: 'manual' });
    };
    const stored = async () =>
      (
        await server.server.runtime.database.db
          .selectFrom('continuation_tokens')
          .select('flow')
          .where('flow', '=', 'authorize')
          .execute()
      ).length;
    expect((await authorize('203.0.113.9')).status).toBe(200);
    expect((await authorize('203.0.113.9')).status).toBe(200);
    const refused = await authorize('203.0.113.9');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toEqual(expect.any(String));
    expect(await stored()).toBe(2);
    expect((await authorize('198.51.100.4')).status).toBe(200);
  });

  it('limits the flows one address starts per minute, sign-in, sign-up and reset together; other addresses and the next minute are not affected', async () => {
    const server = await startTestServer({
      engine,
      manualClock: true,
      config: { flowStartsPerMinute: 3, trustProxy: ['127.0.0.1'] },
    });
    running = server;
    const from = (ip: string) => nativeClient(server.base, server.app.clientId, { headers: { 'x-forwarded-for': ip } });
    const prober = from('203.0.113.9');
    expectOk(await prober.initiate(server.user.email));
    expectOk(await prober.signUpStart(freshEmail()));
    expectOk(await prober.resetStart(server.user.email));
    const seconds = expectSlowDown(await prober.initiate(server.user.email));
    expect(seconds).toBeLessThanOrEqual(60);
    expectSlowDown(await prober.signUpStart(freshEmail()));
    expectSlowDown(await prober.resetStart(server.user.email));
    // refused before the account is looked up: an unknown address gets the same answer
    expectSlowDown(await prober.initiate(freshEmail()));

    expectOk(await from('198.51.100.4').initiate(server.user.email));
    server.clock.advance!(seconds * 1000);
    expectOk(await prober.initiate(server.user.email));
  });

  it('sends one address at most five codes per window, whatever flows ask for them; the sixth is refused and nothing is mailed', async () => {
    const server = await startTestServer({ engine, manualClock: true, config: { trustProxy: ['127.0.0.1'] } });
    running = server;
    const client = nativeClient(server.base, server.app.clientId, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    const user = await createUser(server, { password: null });
    for (let i = 0; i < codeSendPolicy.max; i++) await codeSignInStep(server, client, user.email);
    const mailed = () => server.mail.messages.filter((m) => m.to.includes(user.email)).length;
    expect(mailed()).toBe(codeSendPolicy.max);

    const started = ctOf(await client.initiate(user.email, { challenge_type: 'oob redirect' }));
    const seconds = expectSlowDown(await client.challenge(started, { challenge_type: 'oob redirect' }));
    expect(seconds).toBeLessThanOrEqual(codeSendPolicy.windowMs / 1000);
    expectSlowDown(await client.resetChallenge(ctOf(await client.resetStart(user.email))));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mailed()).toBe(codeSendPolicy.max);

    // another address is not held back, and the window's end frees this one
    const other = await createUser(server, { password: null });
    await codeSignInStep(server, client, other.email);
    server.clock.advance!(seconds * 1000);
    await codeSignInStep(server, client, user.email);
  });

  it('does not limit the flows started from the machine itself (a same-host proxy not named in BATON_TRUST_PROXY, a load test), but still the codes sent to one address', async () => {
    const server = await startTestServer({ engine, manualClock: true, config: { flowStartsPerMinute: 1 } });
    running = server;
    const client = nativeClient(server.base, server.app.clientId);
    const user = await createUser(server, { password: null });
    for (let i = 0; i < codeSendPolicy.max; i++) await codeSignInStep(server, client, user.email);
    expect(server.mail.messages.filter((m) => m.to.includes(user.email))).toHaveLength(codeSendPolicy.max);
    const started = ctOf(await client.initiate(user.email, { challenge_type: 'oob redirect' }));
    expectNativeAuthError(await client.challenge(started, { challenge_type: 'oob redirect' }), 429, 'slow_down');
    expect(server.mail.messages.filter((m) => m.to.includes(user.email))).toHaveLength(codeSendPolicy.max);
  });
});

describe('isLocal', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['203.0.113.9', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
  ])('%s is local: %s', (ip, local) => {
    expect(isLocal(ip)).toBe(local);
  });
});
