import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { AttributeDefinition } from '../../src/core/model.js';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import type { TestServer } from '../support/test-server.js';
import {
  ctOf,
  expectCodeSent,
  expectOk,
  expectTokens,
  freshEmail,
  nativeClient,
  passwordSignIn,
  signUpThroughCode,
  useNativeAuthServer,
  wrongCode,
  type NativeClient,
} from './native-client.js';

const strongPassword = 'a long and unusual passphrase';

/** Custom attributes of the "loyalty" app: one required with a pattern, optional typed ones. */
const loyaltyAttributes: AttributeDefinition[] = [
  { name: 'memberNumber', type: 'string', required: true, regex: '^M[0-9]{4}$' },
  { name: 'newsletter', type: 'boolean', required: false },
  { name: 'age', type: 'number', required: false },
  { name: 'tier', type: 'string', required: false, options: ['gold', 'silver'] },
];

describe.each(engines)('native-auth sign-up on %s', (engine) => {
  let t: TestServer;
  let client: NativeClient;
  let codeOnly: NativeClient;
  let loyalty: NativeClient;
  useNativeAuthServer(engine, async (server) => {
    t = server;
    client = nativeClient(t.base, t.app.clientId);
    codeOnly = nativeClient(
      t.base,
      (await t.registerApp({ name: 'Code-only app', challengeTypes: ['oob', 'redirect'] })).app.clientId,
      { challengeType: 'oob redirect' },
    );
    loyalty = nativeClient(
      t.base,
      (await t.registerApp({ name: 'Loyalty app', userAttributes: loyaltyAttributes })).app.clientId,
    );
  });

  const userOf = (email: string) => t.services.repos.users.findByEmail(t.tenant.id, email);

  it('signs up with email and password up front: code, then done, then signed in with the continuation token', async () => {
    const email = freshEmail('upfront');
    const started = await client.signUpStart(email, { password: strongPassword });
    const challenged = await client.signUpChallenge(ctOf(started));
    expectCodeSent(challenged, t.tenant.codeLength, email);
    const code = await t.mail.nextCode(email);
    expect(code).toHaveLength(t.tenant.codeLength);
    expect(await userOf(email)).toBeNull();

    const done = await client.signUpContinue(challenged.body.continuation_token, 'oob', { oob: code });
    const signedIn = await client.token('continuation_token', ctOf(done), { username: email });
    expectTokens(signedIn);
    const user = await userOf(email);
    expect(user).toMatchObject({ email, emailVerified: true });
    expect(decodeJwt(signedIn.body.id_token)).toMatchObject({ oid: user!.id, preferred_username: email });
    expectTokens(await passwordSignIn(client, email, strongPassword));
  });

  it('asks for the password after the code (credential_required 55103), then takes it', async () => {
    const email = freshEmail('later');
    const verified = await signUpThroughCode(t, client, email);
    expectNativeAuthError(verified, 400, 'credential_required', { errorCode: 55103 });
    expect(verified.body.continuation_token).toEqual(expect.any(String));
    expect(await userOf(email)).toBeNull();

    const asked = await client.signUpChallenge(verified.body.continuation_token);
    expectOk(asked);
    expect(asked.body.challenge_type).toBe('password');
    const done = await client.signUpContinue(ctOf(asked), 'password', { password: strongPassword });
    expectTokens(await client.token('continuation_token', ctOf(done)));
    expectTokens(await passwordSignIn(client, email, strongPassword));
  });

  it('refuses each kind of weak password at start and at continue, and takes a good one on the same token', async () => {
    const email = freshEmail('weak');
    const weak: Array<[string, string]> = [
      ['short1!', 'password_too_short'],
      ['x'.repeat(257), 'password_too_long'],
      ['password', 'password_banned'],
      [email, 'password_banned'],
      [' '.repeat(12), 'password_is_invalid'],
      ['', 'password_is_invalid'],
    ];
    for (const [password, suberror] of weak) {
      const refused = await client.signUpStart(email, { password });
      expectNativeAuthError(refused, 400, 'invalid_grant', { suberror, errorCode: 399246 });
      expect(refused.body.continuation_token).toBeUndefined();
    }
    const asked = ctOf(
      await client.signUpChallenge((await signUpThroughCode(t, client, email)).body.continuation_token),
    );
    for (const [password, suberror] of weak) {
      expectNativeAuthError(await client.signUpContinue(asked, 'password', { password }), 400, 'invalid_grant', {
        suberror,
        errorCode: 399246,
      });
    }
    expect(await userOf(email)).toBeNull();
    expectOk(await client.signUpContinue(asked, 'password', { password: strongPassword }));
    expect(await userOf(email)).not.toBeNull();
  });

  it('answers invalid_oob_value for a wrong code and accepts the right one on the same token', async () => {
    const email = freshEmail('wrongcode');
    const challenged = ctOf(
      await client.signUpChallenge(ctOf(await client.signUpStart(email, { password: strongPassword }))),
    );
    const code = await t.mail.nextCode(email);
    const wrong = await client.signUpContinue(challenged, 'oob', { oob: wrongCode(code) });
    expectNativeAuthError(wrong, 400, 'invalid_grant', { suberror: 'invalid_oob_value' });
    expect(wrong.body.continuation_token).toBeUndefined();
    ctOf(await client.signUpContinue(challenged, 'oob', { oob: code }));
    expect(await userOf(email)).toMatchObject({ email, emailVerified: true });
  });

  it('resends the code when challenge is called again with the challenge token', async () => {
    const email = freshEmail('resend');
    const first = ctOf(
      await client.signUpChallenge(ctOf(await client.signUpStart(email, { password: strongPassword }))),
    );
    const firstCode = await t.mail.nextCode(email);
    t.clock.advance!(60_000);
    const again = await client.signUpChallenge(first);
    expectCodeSent(again, t.tenant.codeLength, email);
    const secondCode = await t.mail.nextCode(email);
    expect(secondCode).not.toBe(firstCode);
    expectOk(await client.signUpContinue(again.body.continuation_token, 'oob', { oob: secondCode }));
  });

  it('makes a code-only account in an app without the password challenge type, and refuses a password there', async () => {
    const email = freshEmail('codeonly');
    expectNativeAuthError(await codeOnly.signUpStart(email, { password: strongPassword }), 400, 'invalid_request');
    const done = await signUpThroughCode(t, codeOnly, email);
    expectTokens(await codeOnly.token('continuation_token', ctOf(done), { username: email }));
    const user = await userOf(email);
    expect(await t.services.repos.users.findPasswordHash(user!.id)).toBeNull();
  });

  it('redirects when the client does not offer oob, since sign-up verifies the address with a code', async () => {
    const refused = await client.signUpStart(freshEmail('nooob'), { challenge_type: 'password redirect' });
    expectOk(refused);
    expect(refused.body).toMatchObject({ challenge_type: 'redirect', redirect_reason: expect.any(String) });
    expect(refused.body.continuation_token).toBeUndefined();
  });

  it('answers user_already_exists (1003037) at start for a taken address, whatever its case', async () => {
    for (const username of [t.user.email, t.user.email.toUpperCase()]) {
      expectNativeAuthError(
        await client.signUpStart(username, { password: strongPassword }),
        400,
        'user_already_exists',
        { errorCode: 1003037 },
      );
    }
  });

  it('answers user_already_exists at the last step when the address was taken during the sign-up', async () => {
    const email = freshEmail('race');
    const slow = ctOf(
      await client.signUpChallenge(ctOf(await client.signUpStart(email, { password: strongPassword }))),
    );
    const slowCode = await t.mail.nextCode(email);
    expectOk(await signUpThroughCode(t, client, email, { password: strongPassword }));
    expectNativeAuthError(await client.signUpContinue(slow, 'oob', { oob: slowCode }), 400, 'user_already_exists', {
      errorCode: 1003037,
    });
  });

  it('refuses a malformed username with 90100', async () => {
    expectNativeAuthError(
      await client.signUpStart('not-an-email', { password: strongPassword }),
      400,
      'invalid_request',
      {
        errorCode: 90100,
        description: 'username parameter is empty or not valid',
      },
    );
  });

  describe('attributes', () => {
    it('stores built-in and custom attributes given up front', async () => {
      const email = freshEmail('attrs');
      const attributes = {
        displayName: 'Grace Hopper',
        city: 'Arlington',
        memberNumber: 'M1234',
        newsletter: true,
        age: 85,
        tier: 'gold',
      };
      const done = await signUpThroughCode(t, loyalty, email, {
        password: strongPassword,
        attributes: JSON.stringify(attributes),
      });
      expectTokens(await loyalty.token('continuation_token', ctOf(done), { username: email }));
      expect(await userOf(email)).toMatchObject({ displayName: 'Grace Hopper', attributes });
    });

    it('asks for missing required attributes after the code and the password, then takes them', async () => {
      const email = freshEmail('attrslater');
      const verified = await signUpThroughCode(t, loyalty, email);
      expectNativeAuthError(verified, 400, 'credential_required', { errorCode: 55103 });
      const asked = ctOf(await loyalty.signUpChallenge(verified.body.continuation_token));
      const needAttributes = await loyalty.signUpContinue(asked, 'password', { password: strongPassword });
      expectNativeAuthError(needAttributes, 400, 'attributes_required', { errorCode: 55106 });
      expect(needAttributes.body.continuation_token).toEqual(expect.any(String));
      expect(needAttributes.body.required_attributes).toEqual([
        { name: 'memberNumber', type: 'string', required: true, options: { regex: '^M[0-9]{4}$' } },
      ]);

      const ct = needAttributes.body.continuation_token;
      const incomplete = await loyalty.signUpContinue(ct, 'attributes', {
        attributes: JSON.stringify({ city: 'Paris' }),
      });
      expectNativeAuthError(incomplete, 400, 'attributes_required');
      expect(incomplete.body.required_attributes.map((a: { name: string }) => a.name)).toEqual(['memberNumber']);

      const done = await loyalty.signUpContinue(incomplete.body.continuation_token, 'attributes', {
        attributes: JSON.stringify({ memberNumber: 'M0042' }),
      });
      expectTokens(await loyalty.token('continuation_token', ctOf(done)));
      expect((await userOf(email))!.attributes).toEqual({ city: 'Paris', memberNumber: 'M0042' });
    });

    it('refuses invalid values with attribute_validation_failed listing each one, at start and at continue', async () => {
      const email = freshEmail('badattrs');
      const bad = {
        memberNumber: 'X1',
        newsletter: 'maybe',
        age: 'old',
        tier: 'bronze',
        favouriteColour: 'blue',
        displayName: 42,
      };
      const expected = ['memberNumber', 'newsletter', 'age', 'tier', 'favouriteColour', 'displayName'];
      const atStart = await loyalty.signUpStart(email, { password: strongPassword, attributes: JSON.stringify(bad) });
      expectNativeAuthError(atStart, 400, 'invalid_grant', { suberror: 'attribute_validation_failed' });
      expect(atStart.body.invalid_attributes.map((a: { name: string }) => a.name).sort()).toEqual([...expected].sort());
      expect(atStart.body.continuation_token).toBeUndefined();

      const needAttributes = await signUpThroughCode(t, loyalty, email, { password: strongPassword });
      expectNativeAuthError(needAttributes, 400, 'attributes_required');
      const ct = needAttributes.body.continuation_token;
      const atContinue = await loyalty.signUpContinue(ct, 'attributes', {
        attributes: JSON.stringify({ memberNumber: 'M12345' }),
      });
      expectNativeAuthError(atContinue, 400, 'invalid_grant', { suberror: 'attribute_validation_failed' });
      expect(atContinue.body.invalid_attributes).toEqual([{ name: 'memberNumber' }]);
      expectOk(
        await loyalty.signUpContinue(ct, 'attributes', {
          attributes: JSON.stringify({ memberNumber: 'M1234', newsletter: 'false', age: '30' }),
        }),
      );
    });

    it.each([
      ['a NUL', 'Ada\u0000Lovelace'],
      ['a newline', 'Ada\nLovelace'],
      ['an escape', 'Ada\u001b[31m'],
    ])('refuses a text attribute with %s in it', async (_case, displayName) => {
      const refused = await client.signUpStart(freshEmail('control'), {
        password: strongPassword,
        attributes: JSON.stringify({ displayName, city: 'Paris' }),
      });
      expectNativeAuthError(refused, 400, 'invalid_grant', { suberror: 'attribute_validation_failed' });
      expect(refused.body.invalid_attributes).toEqual([{ name: 'displayName' }]);
    });

    it('refuses an attribute the app does not declare', async () => {
      const refused = await client.signUpStart(freshEmail('unknown'), {
        password: strongPassword,
        attributes: JSON.stringify({ memberNumber: 'M1234' }),
      });
      expectNativeAuthError(refused, 400, 'invalid_grant', { suberror: 'attribute_validation_failed' });
      expect(refused.body.invalid_attributes).toEqual([{ name: 'memberNumber' }]);
    });

    it.each(['{not json', '["a"]', '"text"', 'null'])(
      'refuses attributes %j that are not a JSON object',
      async (attributes) => {
        expectNativeAuthError(
          await client.signUpStart(freshEmail('json'), { password: strongPassword, attributes }),
          400,
          'invalid_request',
        );
      },
    );
  });

  describe('the continuation token of a finished sign-up', () => {
    it('signs in without a username, refuses another username, and works once', async () => {
      const email = freshEmail('handover');
      const ct = ctOf(await signUpThroughCode(t, client, email, { password: strongPassword }));
      expectNativeAuthError(
        await client.token('continuation_token', ct, { username: t.user.email }),
        400,
        'invalid_grant',
      );
      expectTokens(await client.token('continuation_token', ct));
      expectNativeAuthError(await client.token('continuation_token', ct), 400, 'invalid_grant');
    });

    it('is accepted with the username in another case', async () => {
      const email = freshEmail('case');
      const ct = ctOf(await signUpThroughCode(t, client, email, { password: strongPassword }));
      expectTokens(await client.token('continuation_token', ct, { username: email.toUpperCase() }));
    });
  });

  it('asks for the missing pieces of a step', async () => {
    expectNativeAuthError(
      await client.signUpStart(freshEmail('nochallenge'), { challenge_type: '' }),
      400,
      'invalid_request',
    );
    const email = freshEmail('missing');
    const challenged = ctOf(await client.signUpChallenge(ctOf(await client.signUpStart(email))));
    const code = await t.mail.nextCode(email);
    expectNativeAuthError(
      await client.signUpContinue(challenged, 'password', { password: strongPassword }),
      400,
      'invalid_grant',
    );
    expectNativeAuthError(await client.signUpContinue(challenged, 'code'), 400, 'invalid_request');
    const asked = ctOf(
      await client.signUpChallenge(
        (await client.signUpContinue(challenged, 'oob', { oob: code })).body.continuation_token,
      ),
    );
    expectNativeAuthError(await client.signUpContinue(asked, 'password'), 400, 'invalid_request');
    expectNativeAuthError(await client.signUpContinue(asked, 'oob', { oob: code }), 400, 'invalid_request');
  });
});
