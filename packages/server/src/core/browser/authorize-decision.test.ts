import { beforeEach, describe, expect, it } from 'vitest';
import type { App, Tenant, User } from '../model.js';
import { type DomainHarness, inMemoryServices, testContext } from '../testing/in-memory-services.js';
import type { AuthorizationRequest } from './authorization.js';

describe('AuthorizeDecisions', () => {
  let harness: DomainHarness;
  let tenant: Tenant;
  let phoneApp: App;
  let webApp: App;
  let ada: User;
  let grace: User;

  beforeEach(async () => {
    harness = inMemoryServices();
    ({ tenant, app: phoneApp } = await harness.tenantWithApp({ allowSessionTransfer: true }));
    webApp = (
      await harness.services.apps.register(tenant, {
        name: 'Web',
        redirectUris: ['https://web.example.com/cb'],
        acceptSessionTransfer: true,
      })
    ).app;
    ada = await harness.user(tenant, 'ada@example.com');
    grace = await harness.user(tenant, 'grace@example.com');
  });

  const request = (fields: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
    clientId: webApp.clientId,
    redirectUri: 'https://web.example.com/cb',
    scope: ['openid'],
    codeChallenge: 'c'.repeat(43),
    ...fields,
  });
  const decide = (fields: Partial<AuthorizationRequest>, input: { ssoCookie?: string; transferToken?: string }) =>
    harness.services.authorizeDecisions.decide(tenant, webApp, request(fields), {
      ssoCookie: input.ssoCookie,
      transferToken: input.transferToken,
      context: testContext,
    });
  /** A browser signed in as `user` on the hosted pages: its SSO cookie. */
  const signedInBrowser = async (user: User) =>
    (
      await harness.services.browserSessions.start(tenant, webApp, user, {
        amr: ['pwd'],
        userAgent: null,
        context: testContext,
      })
    ).cookie;
  /** A transfer token for the web app, from a phone session of `user`. */
  const transferTokenOf = async (user: User) => {
    const phone = await harness.services.sessions.open({
      tenant,
      app: phoneApp,
      user,
      amr: ['pwd'],
      scope: 'openid offline_access',
      device: { name: 'Phone', platform: 'ios', kind: 'primary' },
    });
    const issued = await harness.services.sessionTransfer.issue(tenant, phoneApp, {
      subjectToken: phone.refreshToken,
      audience: webApp.clientId,
      dpopJkt: null,
      installationId: null,
      context: testContext,
    });
    return issued.token;
  };

  it('answers a live SSO session at once, and sends the browser to the sign-in pages without one', async () => {
    const cookie = await signedInBrowser(ada);
    expect(await decide({}, { ssoCookie: cookie })).toMatchObject({
      kind: 'signed_in',
      browser: { session: { userId: ada.id } },
    });
    expect(await decide({}, {})).toEqual({ kind: 'sign_in' });
  });

  it('asks for a new sign-in with prompt=login or past max_age, whatever the SSO session', async () => {
    const cookie = await signedInBrowser(ada);
    expect(await decide({ prompt: 'login' }, { ssoCookie: cookie })).toEqual({ kind: 'sign_in' });
    harness.clock.advance(120_000);
    expect(await decide({ maxAge: 60 }, { ssoCookie: cookie })).toEqual({ kind: 'sign_in' });
  });

  it('with prompt=none answers login_required instead of showing the sign-in pages', async () => {
    const decision = await decide({ prompt: 'none' }, {});
    expect(decision).toMatchObject({ kind: 'refused', error: { code: 'login_required' } });
  });

  it('signs the browser in with a transfer token, and asks before replacing another user', async () => {
    expect(await decide({}, { transferToken: await transferTokenOf(ada) })).toMatchObject({
      kind: 'signed_in',
      browser: { cookie: expect.any(String), session: { userId: ada.id } },
    });
    const cookie = await signedInBrowser(grace);
    const transferToken = await transferTokenOf(ada);
    expect(await decide({}, { ssoCookie: cookie, transferToken })).toMatchObject({
      kind: 'switch_account',
      signedIn: { id: grace.id },
      arriving: { id: ada.id },
      transferToken,
    });
    expect(await decide({ prompt: 'none' }, { ssoCookie: cookie, transferToken })).toMatchObject({
      kind: 'refused',
      error: { code: 'account_selection_required' },
    });
  });

  it('redeems the transfer token once the person chose to switch; a used one leads to the sign-in pages', async () => {
    const transferToken = await transferTokenOf(ada);
    const switchAccount = () =>
      harness.services.authorizeDecisions.switchAccount(tenant, webApp, request(), {
        transferToken,
        context: testContext,
      });
    expect(await switchAccount()).toMatchObject({ kind: 'signed_in', browser: { session: { userId: ada.id } } });
    expect(await switchAccount()).toEqual({ kind: 'sign_in' });
  });
});
