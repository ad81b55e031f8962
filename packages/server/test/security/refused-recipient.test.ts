import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  createUser,
  ctOf,
  expectOk,
  freshEmail,
  nativeClient,
  type NativeClient,
} from '../native-auth/native-client.js';

/**
 * A sign-up with `hal@example.com.` (an address the mail server refuses, SMTP 501)
 * answered `500 server_error`. A refused recipient is the user's input, not a server
 * fault: MSAL's invalid-username error (invalid_request, 90100), nothing half-written (no
 * account, no usable code, a flow that can be retried). A mail server that is down or
 * refuses for now (4xx) stays 503 temporarily_unavailable.
 */
const invalidUsername = { errorCode: 90100, description: 'username parameter is empty or not valid' };

describe.each(engines)('an address the mail server refuses, on %s', (engine) => {
  let t: TestServer;
  let client: NativeClient;
  beforeAll(async () => {
    t = await startTestServer({ engine });
    client = nativeClient(t.base, t.app.clientId);
  });
  afterAll(async () => {
    await t?.close();
  });

  const codesOf = (target: string) =>
    t.server.runtime.database.db
      .selectFrom('one_time_codes')
      .select(['target', 'consumed_at'])
      .where('target', '=', target)
      .execute();

  it('refuses a domain with a trailing dot at sign-up start, as an invalid username', async () => {
    expectNativeAuthError(await client.signUpStart('hal@example.com.'), 400, 'invalid_request', invalidUsername);
    expect(await t.services.repos.users.findByEmail(t.tenant.id, 'hal@example.com.')).toBeNull();
  });

  it.each([550, 553, 501])(
    'answers a sign-up whose address the mail server refuses (%i) as an invalid username; no account, no usable code',
    async (responseCode) => {
      const email = freshEmail('refused');
      t.mail.refuse(email, responseCode);
      const started = ctOf(await client.signUpStart(email, { password: 'a long and unusual passphrase 7' }));
      expectNativeAuthError(await client.signUpChallenge(started), 400, 'invalid_request', invalidUsername);
      // the flow is not left pretending a code went out: asking again asks the mail server again
      expectNativeAuthError(await client.signUpChallenge(started), 400, 'invalid_request', invalidUsername);
      expect(await t.services.repos.users.findByEmail(t.tenant.id, email)).toBeNull();
      const codes = await codesOf(email);
      expect(
        codes.every((c) => c.consumed_at !== null),
        JSON.stringify(codes),
      ).toBe(true);
    },
  );

  it('answers a code sign-in to an account whose address is now refused the same way', async () => {
    const user = await createUser(t, { password: null });
    t.mail.refuse(user.email, 550);
    const started = ctOf(await client.initiate(user.email, { challenge_type: 'oob redirect' }));
    expectNativeAuthError(
      await client.challenge(started, { challenge_type: 'oob redirect' }),
      400,
      'invalid_request',
      invalidUsername,
    );
    expect((await codesOf(user.email)).every((c) => c.consumed_at !== null)).toBe(true);
  });

  it('answers a mail server refusing for now (4xx) with 503 temporarily_unavailable; once it accepts, the retry mails a code', async () => {
    const email = freshEmail('later');
    t.mail.refuse(email, 451);
    const started = ctOf(await client.signUpStart(email));
    const res = await client.signUpChallenge(started);
    expectNativeAuthError(res, 503, 'temporarily_unavailable');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    t.mail.accept(email);
    expect((await client.signUpChallenge(started)).body.challenge_type).toBe('oob');
    expect(await t.mail.nextCode(email)).toMatch(/^\d+$/);
  });
});

describe('a mail server that cannot be reached', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: { smtpUrl: 'smtp://127.0.0.1:1' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is 503 temporarily_unavailable, not a server error, and no account is made', async () => {
    const client = nativeClient(t.base, t.app.clientId);
    const email = freshEmail('unreachable');
    const res = await client.signUpChallenge(ctOf(expectOk(await client.signUpStart(email))));
    expectNativeAuthError(res, 503, 'temporarily_unavailable');
    expect(await t.services.repos.users.findByEmail(t.tenant.id, email)).toBeNull();
  });
});
