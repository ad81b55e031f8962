import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { App, User } from '../../src/core/model.js';
import { engines, type EngineName } from '../support/databases.js';
import type { HttpResult } from '../support/http.js';
import { logSink } from '../support/log-sink.js';
import type { TestServer, TestServerOptions } from '../support/test-server.js';
import { wrongCode } from '../native-auth/native-client.js';
import { expectV2Error, useV2Server, v2Client, type V2Client } from './v2-client.js';

/** What MSAL 5.31 posts to a phone method's `enroll` link. */
const enrollPhone = (v2: V2Client, continuationToken: string, phoneNumber: string) =>
  v2.call('/acme/native-auth/v2/register/phone', { continuationToken, phoneNumber, channel: 'sms' });

/** A server with an SMS gateway (the local sink), an MFA app that takes any method, and a way to reach `enroll`. */
function smsSuite(engine: EngineName, options: TestServerOptions = { sms: {} }) {
  const s = {} as {
    t: TestServer;
    app: App;
    v2: V2Client;
    newUser(): Promise<User>;
    enroll(user: User): Promise<HttpResult['body']>;
  };
  let users = 0;
  useV2Server(
    async (t) => {
      const { app } = await t.registerApp({ name: 'Bank', requireMfa: true, mfaRegistration: 'any-address' });
      const v2 = v2Client(t, app.clientId);
      Object.assign(s, {
        t,
        app,
        v2,
        newUser: () =>
          t.services.accounts.create(t.tenant, {
            email: `sms${++users}@example.com`,
            password: t.userPassword,
            emailVerified: true,
          }),
        async enroll(user: User) {
          const challenged = await v2.passwordChallenge(user.email);
          const res = await v2.call(challenged._links.verify.href, {
            continuationToken: challenged.continuationToken,
            password: t.userPassword,
          });
          expect(res.body.action, JSON.stringify(res.body)).toBe('enroll');
          return res.body;
        },
      });
    },
    engine,
    options,
  );
  return s;
}

describe.each(engines)('native auth V2: MFA by SMS through the gateway on %s', (engine) => {
  const s = smsSuite(engine);

  it('registers a phone just in time (enroll, activate by the texted code), then challenges it at the next sign-in', async () => {
    const { t, v2 } = s;
    const user = await s.newUser();
    const enroll = await s.enroll(user);
    expect(enroll._embedded.methods).toEqual([
      { type: 'email', hint: user.email, _links: { enroll: { href: '/acme/native-auth/v2/register/email' } } },
      { type: 'phone', channels: ['sms'], _links: { enroll: { href: '/acme/native-auth/v2/register/phone' } } },
    ]);

    const activate = await enrollPhone(v2, enroll.continuationToken, '+31 6 1234 5678');
    expect(activate.status, JSON.stringify(activate.body)).toBe(200);
    const code = await t.sms!.nextCode('+31612345678');
    expect(activate.body).toEqual({
      continuationToken: expect.any(String),
      action: 'activate',
      type: 'sms',
      hint: '+31612345678',
      codeLength: code.length,
      _links: {
        activate: { href: '/acme/native-auth/v2/register/activate' },
        resend: { href: '/acme/native-auth/v2/register/resend' },
      },
    });
    expect(t.sms!.texts.at(-1)).toEqual({
      to: '+31612345678',
      body: expect.stringContaining(code),
      authorization: `Bearer ${t.sms!.token}`,
      accepted: true,
    });
    // Asked again at once, within the resend interval, the code already texted stands: no second text.
    const texts = t.sms!.texts.length;
    const resent = await v2.call(activate.body._links.resend.href, {
      continuationToken: activate.body.continuationToken,
    });
    expect(resent.body).toMatchObject({ action: 'activate', type: 'sms', hint: '+31612345678' });
    expect(t.sms!.texts).toHaveLength(texts);
    const submit = (otp: string) =>
      v2.call(activate.body._links.activate.href, { continuationToken: activate.body.continuationToken, otp });
    expectV2Error(await submit(wrongCode(code)), 400, 'invalidGrant', 'invalidOneTimeCode');
    expect(await t.services.repos.mfaMethods.list(user.id)).toEqual([]);
    const proved = await submit(code);
    expect(proved.body.state, JSON.stringify(proved.body)).toBe('continue');
    const tokens = await v2.redeem(proved.body);
    expect(decodeJwt(tokens.body.id_token).amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(await t.services.repos.mfaMethods.list(user.id)).toMatchObject([{ type: 'sms', target: '+31612345678' }]);
    expect((await t.mail.next(user.email)).text).toContain('+31*******78');
    const [registered] = await t.services.repos.audit
      .list({ tenantId: t.tenant.id, userId: user.id, limit: 100 })
      .then((events) => events.filter((e) => e.type === 'mfa.method_registered'));
    expect(registered?.data).toEqual({ type: 'sms', target: '+31*******78' });

    const challenge = await (async () => {
      const challenged = await v2.passwordChallenge(user.email);
      return (
        await v2.call(challenged._links.verify.href, {
          continuationToken: challenged.continuationToken,
          password: t.userPassword,
        })
      ).body;
    })();
    expect(challenge).toMatchObject({
      action: 'challenge',
      challengeContext: { authenticationFactor: 'multiFactor' },
      _embedded: { methods: [{ id: expect.any(String), type: 'sms', hint: '+31*******78' }] },
    });
    const sent = await v2.call(challenge._embedded.methods[0]._links.challenge.href, {
      continuationToken: challenge.continuationToken,
    });
    expect(sent.body).toMatchObject({ action: 'verify', type: 'sms', hint: '+31*******78', codeLength: code.length });
    const second = await t.sms!.nextCode('+31612345678');
    const verify = (otp: string) =>
      v2.call(sent.body._links.verify.href, { continuationToken: sent.body.continuationToken, otp });
    expectV2Error(await verify(wrongCode(second)), 400, 'invalidGrant', 'invalidOneTimeCode');
    const signedIn = await verify(second);
    expect(signedIn.body.state, JSON.stringify(signedIn.body)).toBe('continue');
    expect(decodeJwt((await v2.redeem(signedIn.body)).body.id_token).amr).toEqual(['pwd', 'otp', 'mfa']);
  });
});

describe('native auth V2: SMS registration refused and failing closed', () => {
  const logs = logSink();
  const s = smsSuite('sqlite', { sms: { timeoutMs: 300 }, logTo: logs.stream });

  it.each(['0612345678', '+0612345678', '+31 6 CALL ME', '+1234', ''])(
    'refuses the number %j as not E.164, texting nothing',
    async (number) => {
      const user = await s.newUser();
      const enroll = await s.enroll(user);
      const texts = s.t.sms!.texts.length;
      const res = await enrollPhone(s.v2, enroll.continuationToken, number);
      expectV2Error(res, 400, 'invalidRequest');
      expect(res.body.error.message).toMatch(/E\.164/);
      expect(s.t.sms!.texts).toHaveLength(texts);
    },
  );

  it('answers a gateway that fails with a temporary error, registers nothing, and goes on with the same token once it is back', async () => {
    const { t, v2 } = s;
    const user = await s.newUser();
    const enroll = await s.enroll(user);
    t.sms!.answer(503);
    const failed = await enrollPhone(v2, enroll.continuationToken, '+15555550101');
    expectV2Error(failed, 503, 'temporarilyUnavailable');
    expect(failed.headers.get('retry-after')).toBe('5');
    expect(await t.services.repos.mfaMethods.list(user.id)).toEqual([]);
    const lost = t.sms!.texts.at(-1)!;
    expect(lost).toMatchObject({ to: '+15555550101', accepted: false });
    const lostCode = lost.body.match(/\d{6,8}/)![0];
    await expect.poll(() => logs.text()).toContain('the SMS gateway did not accept a text message');
    expect(logs.text()).not.toContain(lostCode);
    t.sms!.accept();
    const activate = await enrollPhone(v2, enroll.continuationToken, '+15555550101');
    expect(activate.body.action, JSON.stringify(activate.body)).toBe('activate');
    const code = await t.sms!.nextCode('+15555550101');
    expect(code).not.toBe(lostCode);
    expectV2Error(
      await v2.call(activate.body._links.activate.href, {
        continuationToken: activate.body.continuationToken,
        otp: lostCode,
      }),
      400,
      'invalidGrant',
      'invalidOneTimeCode',
    );
    const proved = await v2.call(activate.body._links.activate.href, {
      continuationToken: activate.body.continuationToken,
      otp: code,
    });
    expect(proved.body.state, JSON.stringify(proved.body)).toBe('continue');
    expect(logs.text()).not.toContain(code);
  });

  it('answers a gateway that does not answer within its timeout with a temporary error', async () => {
    const { t, v2 } = s;
    const user = await s.newUser();
    const enroll = await s.enroll(user);
    t.sms!.hang();
    try {
      const started = Date.now();
      const failed = await enrollPhone(v2, enroll.continuationToken, '+15555550102');
      expectV2Error(failed, 503, 'temporarilyUnavailable');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      t.sms!.accept();
    }
    expect(await t.services.repos.mfaMethods.list(user.id)).toEqual([]);
  });

  it('refuses a number the gateway refuses for good (422) as the user’s input', async () => {
    const { t, v2 } = s;
    const enroll = await s.enroll(await s.newUser());
    t.sms!.answer(422);
    try {
      const res = await enrollPhone(v2, enroll.continuationToken, '+15555550103');
      expectV2Error(res, 400, 'invalidRequest');
      expect(res.body.error.message).toMatch(/SMS gateway refuses/);
    } finally {
      t.sms!.accept();
    }
  });

  it('refuses a kind of method it does not register, gateway or not', async () => {
    const enroll = await s.enroll(await s.newUser());
    const res = await s.v2.call('/acme/native-auth/v2/register/fax', {
      continuationToken: enroll.continuationToken,
      phoneNumber: '+15555550105',
    });
    expectV2Error(res, 400, 'unsupportedChallengeType');
    expect(res.body.error.message).toMatch(/email and phone/);
  });

  it('registers no phone for an app that takes only the sign-in address, nor lists one', async () => {
    const { t } = s;
    const { app } = await t.registerApp({ name: 'Own address', requireMfa: true });
    const v2 = v2Client(t, app.clientId);
    const user = await s.newUser();
    const challenged = await v2.passwordChallenge(user.email);
    const enroll = (
      await v2.call(challenged._links.verify.href, {
        continuationToken: challenged.continuationToken,
        password: t.userPassword,
      })
    ).body;
    expect(enroll._embedded.methods.map((m: { type: string }) => m.type)).toEqual(['email']);
    expectV2Error(await enrollPhone(v2, enroll.continuationToken, '+15555550104'), 400, 'invalidRequest');
    expect(await t.services.repos.mfaMethods.list(user.id)).toEqual([]);
  });
});
