import { describe, expect, it } from 'vitest';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import {
  createUser,
  ctOf,
  expectTokens,
  freshEmail,
  nativeClient,
  passwordSignIn,
  useNativeAuthServer,
  type NativeClient,
} from '../native-auth/native-client.js';

/**
 * Review finding 2: during just-in-time registration any `challenge_target` was accepted,
 * so whoever knew the password registered their own mailbox as the victim's second factor.
 * By default only the verified sign-in address can be registered; an app created with
 * `--mfa-registration any-address` takes another one and tells the sign-in address.
 */
describe.each(engines)('security: planting a second factor with the password on %s', (engine) => {
  let t: TestServer;
  /** The default: only the sign-in address. */
  let ownAddress: NativeClient;
  let anyAddress: NativeClient;
  useNativeAuthServer(engine, async (server) => {
    t = server;
    const capabilities = { capabilities: 'mfa_required registration_required' };
    ownAddress = nativeClient(
      t.base,
      (await t.registerApp({ name: 'MFA app', requireMfa: true })).app.clientId,
      capabilities,
    );
    anyAddress = nativeClient(
      t.base,
      (await t.registerApp({ name: 'Any-address MFA app', requireMfa: true, mfaRegistration: 'any-address' })).app
        .clientId,
      capabilities,
    );
  });

  /** A password sign-in up to register/challenge: the token it takes. */
  async function registrationStep(client: NativeClient, email: string): Promise<string> {
    const required = await passwordSignIn(client, email, t.userPassword);
    expectNativeAuthError(required, 400, 'invalid_grant', { suberror: 'registration_required' });
    return ctOf(await client.registerIntrospect(required.body.continuation_token));
  }

  it("refuses the attacker's address by default: invalid_request 901001, no mail, nothing stored", async () => {
    const victim = await createUser(t);
    const attacker = freshEmail('attacker');
    const ct = await registrationStep(ownAddress, victim.email);
    const mailsBefore = t.mail.messages.length;
    const refused = await ownAddress.registerChallenge(ct, attacker);
    expectNativeAuthError(refused, 400, 'invalid_request', { errorCode: 901001 });
    expect(refused.body.error_description).toMatch(/sign-in address/);
    expect(t.mail.messages).toHaveLength(mailsBefore);
    expect(await t.services.repos.mfaMethods.list(victim.id)).toEqual([]);
    // The refusal does not end the flow: the owner can still register the sign-in address.
    const own = await ownAddress.registerChallenge(ct, victim.email);
    expect(own.body.challenge_type).toBe('oob');
  });

  it('under any-address, registers another address and mails the sign-in address a notice without a code', async () => {
    const user = await createUser(t);
    const backup = freshEmail('backup');
    const challenged = await anyAddress.registerChallenge(await registrationStep(anyAddress, user.email), backup);
    expect(challenged.body.challenge_type).toBe('oob');
    const registered = await anyAddress.registerContinue(ctOf(challenged), 'oob', {
      oob: await t.mail.nextCode(backup),
    });
    expectTokens(await anyAddress.token('continuation_token', ctOf(registered)));
    expect((await t.services.repos.mfaMethods.list(user.id)).map((m) => m.target)).toEqual([backup]);

    const notice = await t.mail.next(user.email);
    expect(notice.text).toMatch(new RegExp(`^${backup[0]}\\*+@example\\.com was added`));
    expect(notice.text).toMatch(/added/i);
    expect(`${notice.subject}\n${notice.text}\n${notice.html}`).not.toMatch(/\b\d{6,8}\b/);
  });

  it('under any-address, mails no notice when the sign-in address itself is registered', async () => {
    const user = await createUser(t);
    const challenged = await anyAddress.registerChallenge(await registrationStep(anyAddress, user.email), user.email);
    const code = await t.mail.nextCode(user.email);
    expectTokens(
      await anyAddress.token(
        'continuation_token',
        ctOf(await anyAddress.registerContinue(ctOf(challenged), 'oob', { oob: code })),
      ),
    );
    await expect(t.mail.next(user.email, { timeoutMs: 300 })).rejects.toThrow(/No mail/);
  });
});
