import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App, MfaMethod } from '../../src/core/model.js';
import { expectError } from '../support/assertions.js';
import { postForm, signInWithPassword } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  authorizeUrl,
  exchangeCode,
  formOf,
  newPkce,
  redirectParams,
  registerWebApp,
  textById,
  titleOf,
  WebClient,
  type Page,
  type Pkce,
} from './web-client.js';

/** A field error as a screen reader meets it: the text, tied to the input by aria-describedby, focus on it. */
function expectFieldError(page: Page, field: string, text: RegExp) {
  expect(page.status).toBe(200);
  expect(textById(page, `${field}-error`)).toMatch(text);
  const input = new RegExp(`<input id="${field}"[^>]*>`).exec(page.html)?.[0] ?? '';
  expect(input).toMatch(new RegExp(`aria-describedby="[^"]*${field}-error`));
  expect(input).toContain('aria-invalid="true"');
  expect(input).toContain('autofocus');
  expect(page.html.match(/autofocus/g)).toHaveLength(1);
}

describe('the hosted sign-up, password reset and sign-in pages', () => {
  let t: TestServer;
  let app: App;
  beforeAll(async () => {
    t = await startTestServer({ sms: {} });
    app = await registerWebApp(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const fresh = (what: string) => `${what}-${randomUUID().slice(0, 8)}@example.com`;
  const strong = 'a long and unusual passphrase';

  async function open(forApp = app): Promise<{ browser: WebClient; pkce: Pkce; first: Page }> {
    const browser = new WebClient(t.url);
    const pkce = newPkce();
    return { browser, pkce, first: await browser.get(authorizeUrl(t, forApp, pkce)) };
  }
  async function tokensFrom(page: Page, pkce: Pkce, forApp = app) {
    const tokens = await exchangeCode(t, forApp, redirectParams(page).code!, pkce.verifier);
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    return tokens.body as Record<string, string>;
  }

  describe('sign-up', () => {
    it('email and password, then the emailed code: the account exists and the app gets a code', async () => {
      const email = fresh('new');
      const { browser, pkce, first } = await open();
      const form = await browser.submit(first, {}, '/signup/start');
      expect(titleOf(form)).toBe('Create an account');
      expect(form.html).toMatch(/<label for="password">Password<\/label>/);
      const code = await browser.submit(form, { email, password: strong });
      expect(titleOf(code)).toBe('Verify your email');
      expect(textById(code, 'code-hint')).toMatch(/an 8-digit code to n\*+@example\.com/);
      const done = await browser.submit(code, { code: await t.mail.nextCode(email) });
      const tokens = await tokensFrom(done, pkce);
      const user = await t.services.accounts.findByEmail(t.tenant, email);
      expect(user).toMatchObject({ emailVerified: true });
      expect(await t.services.repos.users.findPasswordHash(user!.id)).toMatch(/^\$argon2id\$/);
      expect(decodeJwt(tokens.id_token!)).toMatchObject({ sub: user!.id, email, amr: ['otp', 'pwd'] });
      expect((await signInWithPassword(t.base, t.app.clientId, email, strong)).status).toBe(200);
    });

    it('shows each refusal next to its field, keeping what was typed', async () => {
      const { browser, first } = await open();
      const form = await browser.submit(first, {}, '/signup/start');
      expectFieldError(
        await browser.submit(form, { email: 'not an address', password: strong }),
        'email',
        /valid email address/,
      );
      expectFieldError(
        await browser.submit(form, { email: t.user.email, password: strong }),
        'email',
        /already uses this email address/,
      );
      const weak = await browser.submit(form, { email: fresh('weak'), password: 'password' });
      expectFieldError(weak, 'password', /too common/);
      expect(weak.html).toMatch(/id="email"[^>]*value="weak-/);
      expectFieldError(
        await browser.submit(form, { email: fresh('short'), password: 'short' }),
        'password',
        /at least 8 characters/,
      );
      expectFieldError(await browser.submit(form, { email: fresh('empty') }), 'password', /cannot be blank/);
    });

    it('a wrong code is refused next to the field and the right one still works', async () => {
      const email = fresh('retry');
      const { browser, pkce, first } = await open();
      const code = await browser.submit(await browser.submit(first, {}, '/signup/start'), { email, password: strong });
      const right = await t.mail.nextCode(email);
      const wrong = await browser.submit(code, { code: right === '00000000' ? '11111111' : '00000000' });
      expectFieldError(wrong, 'code', /wrong or has expired/);
      // The hint still says where the code went, as the first showing did.
      const sentTo = /code to ([^.]+)\./.exec(code.html)?.[1];
      expect(sentTo).toMatch(/\*+@/);
      expect(wrong.html).toContain(`code to ${sentTo}.`);
      expect(await t.services.accounts.findByEmail(t.tenant, email)).toBeNull();
      await tokensFrom(await browser.submit(wrong, { code: right }), pkce);
    });

    it('an app with code-only accounts asks for no password', async () => {
      const codeOnly = await registerWebApp(t, { name: 'Code-only shop', challengeTypes: ['oob'] });
      const email = fresh('codeonly');
      const { browser, pkce, first } = await open(codeOnly);
      const form = await browser.submit(first, {}, '/signup/start');
      expect(form.html).not.toContain('type="password"');
      const done = await browser.submit(await browser.submit(form, { email }), { code: await t.mail.nextCode(email) });
      await tokensFrom(done, pkce, codeOnly);
      const user = await t.services.accounts.findByEmail(t.tenant, email);
      expect(await t.services.repos.users.findPasswordHash(user!.id)).toBeNull();
    });

    it('asks for the required attributes after the code, with errors next to each', async () => {
      const withAttributes = await registerWebApp(t, {
        name: 'Shop with attributes',
        userAttributes: [
          { name: 'loyaltyNumber', type: 'string', required: true, regex: '^[0-9]{4}$' },
          { name: 'acceptsTerms', type: 'boolean', required: true },
        ],
      });
      const email = fresh('attrs');
      const { browser, pkce, first } = await open(withAttributes);
      const code = await browser.submit(await browser.submit(first, {}, '/signup/start'), { email, password: strong });
      const about = await browser.submit(code, { code: await t.mail.nextCode(email) });
      expect(titleOf(about)).toBe('About you');
      expect(about.html).toMatch(/<label for="attribute-loyaltyNumber">Loyalty number<\/label>/);
      expect(about.html).toMatch(/<input id="attribute-acceptsTerms" name="attribute-acceptsTerms" type="checkbox"/);
      const missing = await browser.submit(about, { 'attribute-loyaltyNumber': '1234' });
      expectFieldError(missing, 'attribute-acceptsTerms', /Tick this box/);
      expect(missing.html).toMatch(/id="attribute-loyaltyNumber"[^>]*value="1234"/);
      const invalid = await browser.submit(missing, {
        'attribute-loyaltyNumber': 'abcd',
        'attribute-acceptsTerms': 'true',
      });
      expectFieldError(invalid, 'attribute-loyaltyNumber', /not accepted/);
      expect(invalid.html).toMatch(/id="attribute-acceptsTerms"[^>]*checked/);
      await tokensFrom(
        await browser.submit(invalid, { 'attribute-loyaltyNumber': '4321', 'attribute-acceptsTerms': 'true' }),
        pkce,
        withAttributes,
      );
      expect((await t.services.accounts.findByEmail(t.tenant, email))?.attributes).toEqual({
        loyaltyNumber: '4321',
        acceptsTerms: 'true',
      });
    });

    it('"Sign in instead" goes back to the first page with the address filled in', async () => {
      const { browser, first } = await open();
      const form = await browser.submit(first, {}, '/signup/start');
      const back = await browser.submit(form, { email: 'ada@example.com' }, '/login/start');
      expect(titleOf(back)).toBe('Sign in');
      expect(back.html).toMatch(/id="email"[^>]*value="ada@example.com"/);
    });
  });

  describe('password reset', () => {
    it('email, code, new password: signed in, the old password dead, other sessions ended', async () => {
      const email = fresh('reset');
      await t.services.accounts.create(t.tenant, { email, password: strong, emailVerified: true });
      const native = await signInWithPassword(t.base, t.app.clientId, email, strong);
      const { browser, pkce, first } = await open();
      const form = await browser.submit(first, { email }, '/reset/start');
      expect(titleOf(form)).toBe('Reset your password');
      expect(form.html).toMatch(new RegExp(`id="email"[^>]*value="${email}"`));
      const code = await browser.submit(form, { email });
      expect(titleOf(code)).toBe('Check your email');
      const choose = await browser.submit(code, { code: await t.mail.nextCode(email) });
      expect(titleOf(choose)).toBe('Choose a new password');
      expectFieldError(await browser.submit(choose, { password: strong }), 'password', /differ from the current one/);
      expectFieldError(await browser.submit(choose, { password: 'password' }), 'password', /too common/);
      const done = await browser.submit(choose, { password: `${strong} two` });
      expect(decodeJwt((await tokensFrom(done, pkce)).id_token!)).toMatchObject({ email, amr: ['otp', 'pwd'] });
      expect((await signInWithPassword(t.base, t.app.clientId, email, strong)).status).toBe(400);
      expect((await signInWithPassword(t.base, t.app.clientId, email, `${strong} two`)).status).toBe(200);
      expectError(
        await postForm(`${t.base}/oauth2/v2.0/token`, {
          grant_type: 'refresh_token',
          client_id: t.app.clientId,
          refresh_token: native.body.refresh_token,
        }),
        400,
        'invalid_grant',
      );
    });

    it('an unknown address and a wrong code are shown next to their fields', async () => {
      const email = fresh('reset-wrong');
      await t.services.accounts.create(t.tenant, { email, password: strong, emailVerified: true });
      const { browser, first } = await open();
      const form = await browser.submit(first, {}, '/reset/start');
      expectFieldError(
        await browser.submit(form, { email: fresh('nobody') }),
        'email',
        /No account uses this email address/,
      );
      const code = await browser.submit(form, { email });
      const right = await t.mail.nextCode(email);
      expectFieldError(
        await browser.submit(code, { code: right === '00000000' ? '11111111' : '00000000' }),
        'code',
        /wrong or has expired/,
      );
    });

    it('the password page links to reset with the address carried along', async () => {
      const { browser, first } = await open();
      const password = await browser.submit(first, { email: t.user.email }, '/login/identify');
      expect(formOf(password, '/reset/start').fields.email).toBe(t.user.email);
    });
  });

  describe('sign-in', () => {
    it('a wrong password is shown next to the field; the right one finishes', async () => {
      const { browser, pkce, first } = await open();
      const password = await browser.submit(first, { email: t.user.email }, '/login/identify');
      const wrong = await browser.submit(password, { password: 'not the password at all' });
      expectFieldError(wrong, 'password', /not right/);
      await tokensFrom(await browser.submit(wrong, { password: t.userPassword }), pkce);
    });

    it('an account without a password signs in with an emailed code', async () => {
      const email = fresh('code');
      await t.services.accounts.create(t.tenant, { email, emailVerified: true });
      const { browser, pkce, first } = await open();
      const code = await browser.submit(first, { email }, '/login/identify');
      expect(titleOf(code)).toBe('Check your email');
      const done = await browser.submit(code, { code: await t.mail.nextCode(email) });
      expect(decodeJwt((await tokensFrom(done, pkce)).id_token!).amr).toEqual(['otp']);
    });

    it('an unknown address is shown next to the field', async () => {
      const { browser, first } = await open();
      expectFieldError(
        await browser.submit(first, { email: fresh('nobody') }, '/login/identify'),
        'email',
        /No account uses this email address/,
      );
    });

    describe('with an app that requires MFA', () => {
      let mfaApp: App;
      beforeAll(async () => {
        mfaApp = await registerWebApp(t, { name: 'Bank', requireMfa: true });
      });

      /** A new account with a password and one registered second-factor method: its sign-in address. */
      async function userWithMethod(label: string, type: MfaMethod['type'], target: string): Promise<string> {
        const email = fresh(label);
        const user = await t.services.accounts.create(t.tenant, { email, password: strong, emailVerified: true });
        await t.services.repos.mfaMethods.add({
          id: randomUUID(),
          tenantId: t.tenant.id,
          userId: user.id,
          type,
          target,
          createdAt: Date.now(),
        });
        return email;
      }

      /** The hosted sign-in with the password, up to the page that asks for the second factor's code. */
      async function secondFactorAsked(email: string) {
        const { browser, pkce, first } = await open(mfaApp);
        const confirm = await browser.submit(await browser.submit(first, { email }, '/login/identify'), {
          password: strong,
        });
        expect(titleOf(confirm)).toBe('Confirm it is you');
        return { browser, pkce, confirm };
      }

      it('asks for a code sent to the registered method after the password', async () => {
        const second = fresh('second');
        const { browser, pkce, confirm } = await secondFactorAsked(await userWithMethod('mfa', 'email', second));
        const right = await t.mail.nextCode(second);
        const wrong = await browser.submit(confirm, { code: right === '00000000' ? '11111111' : '00000000' });
        expect(titleOf(wrong)).toBe('Confirm it is you');
        expectFieldError(wrong, 'code', /wrong or has expired/);
        const tokens = await tokensFrom(await browser.submit(wrong, { code: right }), pkce, mfaApp);
        expect(decodeJwt(tokens.id_token!).amr).toEqual(expect.arrayContaining(['pwd', 'mfa']));
      });

      it('texts the code to a registered phone, saying where it went (masked)', async () => {
        const { browser, pkce, confirm } = await secondFactorAsked(
          await userWithMethod('mfa-sms', 'sms', '+15555550177'),
        );
        expect(confirm.html).toContain('+15*******77');
        const code = await t.sms!.nextCode('+15555550177');
        const tokens = await tokensFrom(await browser.submit(confirm, { code }), pkce, mfaApp);
        expect(decodeJwt(tokens.id_token!).amr).toEqual(['pwd', 'otp', 'mfa']);
      });

      it('lets a user with several methods choose where the code goes, and sends nothing to the others', async () => {
        const email = fresh('mfa-choice');
        const [first, chosen] = [fresh('first'), fresh('chosen')];
        const user = await t.services.accounts.create(t.tenant, { email, password: strong, emailVerified: true });
        for (const target of [first, chosen]) {
          await t.services.repos.mfaMethods.add({
            id: randomUUID(),
            tenantId: t.tenant.id,
            userId: user.id,
            type: 'email',
            target,
            createdAt: Date.now(),
          });
        }
        const chosenId = (await t.services.repos.mfaMethods.list(user.id)).find((m) => m.target === chosen)!.id;
        const { browser, pkce, first: start } = await open(mfaApp);
        const choose = await browser.submit(await browser.submit(start, { email }, '/login/identify'), {
          password: strong,
        });
        expect(titleOf(choose)).toBe('Confirm it is you');
        expect(choose.html).toMatch(/<legend>Send the code to<\/legend>/);
        for (const target of [first, chosen]) expect(choose.html).toContain(`${target[0]}***`);
        expect(t.mail.messages.some((m) => m.to.includes(first) || m.to.includes(chosen))).toBe(false);

        const code = await browser.submit(choose, { method: chosenId }, '/login/mfa-method');
        expect(titleOf(code)).toBe('Confirm it is you');
        const tokens = await tokensFrom(
          await browser.submit(code, { code: await t.mail.nextCode(chosen) }),
          pkce,
          mfaApp,
        );
        expect(decodeJwt(tokens.id_token!).amr).toEqual(['pwd', 'otp', 'mfa']);
        expect(t.mail.messages.some((m) => m.to.includes(first))).toBe(false);
      });

      it('asks for the second factor after a password reset too', async () => {
        const email = fresh('mfa-reset');
        const second = fresh('second');
        const user = await t.services.accounts.create(t.tenant, { email, password: strong, emailVerified: true });
        await t.services.repos.mfaMethods.add({
          id: randomUUID(),
          tenantId: t.tenant.id,
          userId: user.id,
          type: 'email',
          target: second,
          createdAt: Date.now(),
        });
        const { browser, pkce, first } = await open(mfaApp);
        const code = await browser.submit(await browser.submit(first, { email }, '/reset/start'), { email });
        const choose = await browser.submit(code, { code: await t.mail.nextCode(email) });
        const confirm = await browser.submit(choose, { password: `${strong} new` });
        expect(titleOf(confirm)).toBe('Confirm it is you');
        await tokensFrom(await browser.submit(confirm, { code: await t.mail.nextCode(second) }), pkce, mfaApp);
      });

      it('a browser signed in with a password alone at another app is asked for the second factor, not let in', async () => {
        const email = fresh('mfa-sso');
        const second = fresh('second');
        const user = await t.services.accounts.create(t.tenant, { email, password: strong, emailVerified: true });
        await t.services.repos.mfaMethods.add({
          id: randomUUID(),
          tenantId: t.tenant.id,
          userId: user.id,
          type: 'email',
          target: second,
          createdAt: Date.now(),
        });
        const { browser, pkce, first } = await open();
        await tokensFrom(
          await browser.submit(await browser.submit(first, { email }, '/login/identify'), { password: strong }),
          pkce,
        );
        const atBank = await browser.get(authorizeUrl(t, mfaApp, newPkce()));
        expect(atBank.status).toBe(200);
        expect(titleOf(atBank)).toBe('Sign in');
        expect(redirectParams(await browser.get(authorizeUrl(t, mfaApp, newPkce(), { prompt: 'none' })))).toMatchObject(
          { error: 'login_required' },
        );
      });

      it('an account with no method registered is told to set one up in the app, not given an error', async () => {
        const { browser, first } = await open(mfaApp);
        const password = await browser.submit(first, { email: t.user.email }, '/login/identify');
        const refused = await browser.submit(password, { password: t.userPassword });
        expect(refused.status).toBe(200);
        expect(refused.location).toBeNull();
        expect(titleOf(refused)).toBe('Sign in');
        expect(refused.html).toMatch(/role="alert"[^>]*>[^<]*needs a second verification method/);
        expect(refused.html).not.toContain('aria-invalid="true"');
      });
    });
  });
});
