import { describe, expect, it } from 'vitest';
import { attemptPolicies } from '../../src/core/abuse/attempt-limiter.js';
import { codePolicy } from '../../src/core/otp/one-time-codes.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import {
  codeSignInStep,
  createUser,
  ctOf,
  expectOk,
  expectTokens,
  freshEmail,
  nativeClient,
  otherTenant,
  useNativeAuthServer,
  wrongCode,
  type NativeClient,
} from './native-client.js';

const codeOffered = { challenge_type: 'oob redirect' };
const minute = 60_000;

describe.each(engines)('one-time codes on %s', (engine) => {
  let t: TestServer;
  let client: NativeClient;
  useNativeAuthServer(engine, (server) => {
    t = server;
    client = nativeClient(t.base, t.app.clientId);
  });

  /**
   * A code sent at the current time, with a continuation token re-issued just after (a
   * resend within the interval keeps the code), so the token outlives the code.
   */
  async function codeWithLongerLivedToken(email: string): Promise<{ ct: string; code: string }> {
    const { ct, code } = await codeSignInStep(t, client, email);
    t.clock.advance!((codePolicy.resendInterval * 1000) / 2);
    const resent = await client.challenge(ct, codeOffered);
    expect(resent.body.challenge_type).toBe('oob');
    return { ct: ctOf(resent), code };
  }

  it('accepts a code until ten minutes after it was sent, and not from then on', async () => {
    const user = await createUser(t);
    const early = await codeWithLongerLivedToken(user.email);
    t.clock.advance!(codePolicy.lifetimeMinutes * minute - (codePolicy.resendInterval * 1000) / 2 - 1000);
    expectTokens(await client.token('oob', early.ct, { oob: early.code }));

    const late = await codeWithLongerLivedToken(user.email);
    t.clock.advance!(codePolicy.lifetimeMinutes * minute - (codePolicy.resendInterval * 1000) / 2);
    const expired = await client.token('oob', late.ct, { oob: late.code });
    expectNativeAuthError(expired, 400, 'invalid_grant', { suberror: 'invalid_oob_value' });
    expect(expired.body.error_description).toContain('expired');
  });

  it('survives four wrong attempts', async () => {
    const user = await createUser(t);
    const { ct, code } = await codeSignInStep(t, client, user.email);
    for (let i = 0; i < codePolicy.maxAttempts - 1; i++) {
      expectNativeAuthError(await client.token('oob', ct, { oob: wrongCode(code) }), 400, 'invalid_grant', {
        suberror: 'invalid_oob_value',
      });
    }
    expectTokens(await client.token('oob', ct, { oob: code }));
  });

  it('dies after five wrong attempts: the right code fails afterwards, even once no lockout applies', async () => {
    const user = await createUser(t);
    const { ct, code } = await codeSignInStep(t, client, user.email);
    for (let i = 0; i < codePolicy.maxAttempts; i++) {
      expectNativeAuthError(await client.token('oob', ct, { oob: wrongCode(code) }), 400, 'invalid_grant', {
        suberror: 'invalid_oob_value',
      });
    }
    const [row] = await t.server.runtime.database.db
      .selectFrom('one_time_codes')
      .select(['attempts', 'consumed_at'])
      .where('target', '=', user.email)
      .execute();
    expect(row).toEqual({ attempts: codePolicy.maxAttempts, consumed_at: null });
    t.clock.advance!(attemptPolicies.account.baseLockMs + 1000);
    expectNativeAuthError(await client.token('oob', ct, { oob: code }), 400, 'invalid_grant', {
      suberror: 'invalid_oob_value',
    });
  });

  it('works once: the same code on the same token is refused after it was accepted', async () => {
    const email = freshEmail('once');
    const challenged = ctOf(await client.signUpChallenge(ctOf(await client.signUpStart(email))));
    const code = await t.mail.nextCode(email);
    expectNativeAuthError(await client.signUpContinue(challenged, 'oob', { oob: code }), 400, 'credential_required');
    expectNativeAuthError(await client.signUpContinue(challenged, 'oob', { oob: code }), 400, 'invalid_grant', {
      suberror: 'invalid_oob_value',
    });

    const user = await createUser(t);
    const resetChallenge = ctOf(await client.resetChallenge(ctOf(await client.resetStart(user.email))));
    const resetCode = await t.mail.nextCode(user.email);
    expectOk(await client.resetContinue(resetChallenge, resetCode));
    expectNativeAuthError(await client.resetContinue(resetChallenge, resetCode), 400, 'invalid_grant', {
      suberror: 'invalid_oob_value',
    });
  });

  it('is valid only in the flow that sent it', async () => {
    const user = await createUser(t);
    const first = await codeSignInStep(t, client, user.email);
    const second = await codeSignInStep(t, client, user.email);
    expect(second.code).not.toBe(first.code);
    expectNativeAuthError(await client.token('oob', second.ct, { oob: first.code }), 400, 'invalid_grant', {
      suberror: 'invalid_oob_value',
    });

    const resetChallenge = ctOf(await client.resetChallenge(ctOf(await client.resetStart(user.email))));
    const resetCode = await t.mail.nextCode(user.email);
    expectNativeAuthError(await client.token('oob', first.ct, { oob: resetCode }), 400, 'invalid_grant', {
      suberror: 'invalid_oob_value',
    });
    expectNativeAuthError(await client.resetContinue(resetChallenge, second.code), 400, 'invalid_grant', {
      suberror: 'invalid_oob_value',
    });

    expectTokens(await client.token('oob', first.ct, { oob: first.code }));
    expectTokens(await client.token('oob', second.ct, { oob: second.code }));
    expectOk(await client.resetContinue(resetChallenge, resetCode));
  });

  it('is stored only as a digest', async () => {
    const user = await createUser(t);
    const { code } = await codeSignInStep(t, client, user.email);
    const rows = await t.server.runtime.database.db
      .selectFrom('one_time_codes')
      .selectAll()
      .where('target', '=', user.email)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.code_digest).not.toContain(code);
    expect(rows[0]!.code_digest.length).toBeGreaterThanOrEqual(43);
    expect(JSON.stringify(rows)).not.toContain(code);
  });

  it('arrives as text and HTML, the code the only 6-8 digit number in each, from the tenant display name', async () => {
    const shop = await otherTenant(t, { codeLength: 6, displayName: 'Northwind Shop' });
    const shopClient = nativeClient(shop.base, shop.app.clientId);
    const newcomer = freshEmail('mail');
    const flows: Array<[string, () => Promise<unknown>]> = [
      [
        shop.user.email,
        async () => shopClient.challenge(ctOf(await shopClient.initiate(shop.user.email, codeOffered)), codeOffered),
      ],
      [newcomer, async () => shopClient.signUpChallenge(ctOf(await shopClient.signUpStart(newcomer)))],
      [shop.user.email, async () => shopClient.resetChallenge(ctOf(await shopClient.resetStart(shop.user.email)))],
    ];
    for (const [address, send] of flows) {
      await send();
      const mail = await t.mail.next(address);
      expect(mail.from).toContain('Northwind Shop');
      expect(mail.subject).toContain('Northwind Shop');
      const inText = mail.text.match(/\b\d{6,8}\b/g);
      const inHtml = mail.html.match(/\b\d{6,8}\b/g);
      expect(inText).toHaveLength(1);
      expect(inText![0]).toMatch(/^\d{6}$/);
      expect(inHtml).toEqual(inText);
      expect(mail.html).toMatch(/^<!doctype html>/i);
    }
  });
});
