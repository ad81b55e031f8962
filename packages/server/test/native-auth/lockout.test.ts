import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { attemptPolicies } from '../../src/core/abuse/attempt-limiter.js';
import { fixedClock } from '../../src/core/clock.js';
import type { User } from '../../src/core/model.js';
import { openRuntime, startServer } from '../../src/runtime.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { HttpResult } from '../support/http.js';
import { freePort } from '../support/free-port.js';
import type { TestServer } from '../support/test-server.js';
import {
  codeSignInStep,
  createUser,
  expectTokens,
  nativeClient,
  passwordSignIn,
  passwordStep,
  useNativeAuthServer,
  wrongCode,
  type NativeClient,
} from './native-client.js';

const wrongPassword = 'not the right password';
const { account, ip } = attemptPolicies;

/** The lockout an answer announces, in seconds (Retry-After). */
function retryAfter(res: HttpResult): number {
  const value = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(value) && value > 0, `Retry-After: ${res.headers.get('retry-after')}`).toBe(true);
  return value;
}

function expectAccountLocked(res: HttpResult): number {
  expectNativeAuthError(res, 400, 'invalid_grant', { errorCode: 50053 });
  return retryAfter(res);
}

function expectIpSlowedDown(res: HttpResult): number {
  expectNativeAuthError(res, 429, 'slow_down');
  return retryAfter(res);
}

describe.each(engines)('lockout on %s', (engine) => {
  let t: TestServer;
  let client: NativeClient;
  useNativeAuthServer(engine, (server) => {
    t = server;
    client = nativeClient(t.base, t.app.clientId);
  });

  /** The rate_limits row counting failures against `subject` (a user id or an IP). */
  const counted = async (subject: string) =>
    (await t.server.runtime.database.db.selectFrom('rate_limits').selectAll().execute()).find((r) =>
      r.key.endsWith(`:${subject}`),
    );

  /** `n` wrong passwords for `user`, each answered 50126. */
  async function failPasswords(user: User, n: number, c = client): Promise<string> {
    const ct = await passwordStep(c, user.email);
    for (let i = 0; i < n; i++)
      expectNativeAuthError(await c.token('password', ct, { password: wrongPassword }), 400, 'invalid_grant', {
        errorCode: 50126,
      });
    return ct;
  }

  it('locks the account after five wrong passwords: the sixth attempt is refused even with the right password, until the lockout ends', async () => {
    const user = await createUser(t);
    const ct = await failPasswords(user, account.freeFailures);
    const seconds = expectAccountLocked(await client.token('password', ct, { password: t.userPassword }));
    expect(seconds).toBe(account.baseLockMs / 1000);
    expectAccountLocked(await passwordSignIn(client, user.email, t.userPassword));
    const row = await counted(user.id);
    expect(row).toMatchObject({ failures: account.freeFailures });
    expect(Number(row!.locked_until)).toBe(t.clock.now() + account.baseLockMs);

    t.clock.advance!(seconds * 1000 - 1000);
    expectAccountLocked(await client.token('password', ct, { password: t.userPassword }));
    t.clock.advance!(1000);
    expectTokens(await client.token('password', ct, { password: t.userPassword }));
    expect(await counted(user.id)).toBeUndefined();
  });

  it('checks no more than five of many guesses sent at the same moment', async () => {
    const user = await createUser(t);
    const ct = await passwordStep(client, user.email);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => client.token('password', ct, { password: wrongPassword })),
    );
    const checked = answers.filter((a) => (a.body.error_codes as number[] | undefined)?.includes(50126));
    expect(checked).toHaveLength(account.freeFailures);
    expect(answers.every((a) => a.status === 400 || a.status === 429)).toBe(true);
    expectAccountLocked(await client.token('password', ct, { password: t.userPassword }));
  });

  it('doubles the lockout with each further failure up to its maximum, even once lockouts outlast the counting window', async () => {
    const user = await createUser(t);
    const ct = await failPasswords(user, account.freeFailures);
    let seconds = expectAccountLocked(await client.token('password', ct, { password: wrongPassword }));
    const doubled = [2, 4, 8, 16, 32, 64, 128].map(
      (factor) => Math.min(factor * account.baseLockMs, account.maxLockMs) / 1000,
    );
    expect(doubled.filter((s) => s * 1000 > account.windowMs).length).toBeGreaterThan(1);
    expect(doubled.at(-1)).toBe(account.maxLockMs / 1000);
    for (const expected of doubled) {
      t.clock.advance!(seconds * 1000);
      const retried = await failPasswords(user, 1);
      seconds = expectAccountLocked(await client.token('password', retried, { password: t.userPassword }));
      expect(seconds).toBe(expected);
    }
    t.clock.advance!(seconds * 1000);
    expectTokens(await passwordSignIn(client, user.email, t.userPassword));
  });

  it('counts wrong codes towards the same lockout', async () => {
    const user = await createUser(t);
    const first = await codeSignInStep(t, client, user.email);
    for (let i = 0; i < account.freeFailures; i++) {
      expectNativeAuthError(await client.token('oob', first.ct, { oob: wrongCode(first.code) }), 400, 'invalid_grant', {
        suberror: 'invalid_oob_value',
      });
    }
    expectAccountLocked(await passwordSignIn(client, user.email, t.userPassword));
    t.clock.advance!(account.baseLockMs);
    const second = await codeSignInStep(t, client, user.email);
    expectTokens(await client.token('oob', second.ct, { oob: second.code }));
  });

  it('slows an address down after twenty failures across accounts: 429 slow_down with Retry-After', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => createUser(t)));
    const perAccount = ip.freeFailures / users.length;
    expect(perAccount).toBeLessThan(account.freeFailures);
    for (const user of users) await failPasswords(user, perAccount);
    expect(await counted('127.0.0.1')).toMatchObject({ failures: ip.freeFailures });

    const innocent = await createUser(t);
    const ct = await passwordStep(client, innocent.email);
    const seconds = expectIpSlowedDown(await client.token('password', ct, { password: t.userPassword }));
    expect(seconds).toBe(ip.baseLockMs / 1000);
    t.clock.advance!(seconds * 1000);
    expectTokens(await client.token('password', ct, { password: t.userPassword }));
  });

  it('keeps its counts in the database, so a second instance on the same database sees them', async () => {
    const config = { ...t.server.runtime.config, port: await freePort() };
    const clock = fixedClock(t.clock.now());
    const second = await startServer(await openRuntime(config, { clock, logger: pino({ level: 'silent' }) }));
    try {
      const other = nativeClient(`http://127.0.0.1:${config.port}/${t.tenant.name}`, t.app.clientId);
      const user = await createUser(t);
      await failPasswords(user, 3);
      await failPasswords(user, account.freeFailures - 3, other);
      expect(await counted(user.id)).toMatchObject({ failures: account.freeFailures });
      expectAccountLocked(await passwordSignIn(client, user.email, t.userPassword));
      expectAccountLocked(await passwordSignIn(other, user.email, t.userPassword));

      // The address has failed five times already; fifteen more, on the second instance, reach the limit.
      const users = await Promise.all(Array.from({ length: 5 }, () => createUser(t)));
      for (const u of users) await failPasswords(u, (ip.freeFailures - account.freeFailures) / users.length, other);
      const innocent = await createUser(t);
      expectIpSlowedDown(await passwordSignIn(client, innocent.email, t.userPassword));
      expectIpSlowedDown(await passwordSignIn(other, innocent.email, t.userPassword));

      clock.advance(ip.baseLockMs);
      expectTokens(await passwordSignIn(other, innocent.email, t.userPassword));
    } finally {
      await second.close();
    }
  });
});
