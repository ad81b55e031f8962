import { beforeEach, describe, expect, it } from 'vitest';
import type { App, Tenant, User } from '../model.js';
import { expectRejection } from '../testing/domain-expectations.js';
import { type DomainHarness, inMemoryServices, testContext } from '../testing/in-memory-services.js';
import type { EvaluationPoint } from './policy-document.js';
import { policyFreshnessMs } from './policy-service.js';

const operator = { actor: 'operator', context: testContext } as const;

/**
 * The tenant's policy where sessions go on: at refresh, at both ends of a session transfer,
 * and at web SSO. Each test sets a document as an operator would and looks at what the
 * client gets, what is stored and what is audited.
 */
describe('conditional access at refresh, session transfer and web SSO', () => {
  let h: DomainHarness;
  let tenant: Tenant;
  let phone: App;
  let watch: App;
  let web: App;
  let ada: User;

  beforeEach(async () => {
    h = inMemoryServices();
    ({ tenant, app: phone } = await h.tenantWithApp({ allowSessionTransfer: true }));
    watch = (await h.services.apps.register(tenant, { name: 'Watch', acceptSessionTransfer: true })).app;
    web = (
      await h.services.apps.register(tenant, {
        name: 'Web',
        redirectUris: ['https://web.example.com/cb'],
        acceptSessionTransfer: true,
      })
    ).app;
    ada = await h.user(tenant, 'ada@example.com');
  });

  const rule = (at: EvaluationPoint[], then: Record<string, unknown>, when?: string, state = 'enabled') => ({
    name: `rule-${Object.keys(then).join('-')}`,
    state,
    at,
    ...(when ? { when } : {}),
    then,
  });
  /** Sets the document and lets this instance's copy age out, as a request a second later would see it. */
  const setPolicy = async (...rules: unknown[]) => {
    await h.services.policies.set(tenant, { rules }, operator);
    h.clock.advance(policyFreshnessMs);
  };
  const refresh = (presented: string, app = phone) =>
    h.services.sessions.refresh({ tenant, app, presented, context: testContext });
  const events = (type: string) => h.db.auditEvents.where((event) => event.type === type);
  const issueTransfer = (presented: string, audience = watch) =>
    h.services.sessionTransfer.issue(tenant, phone, {
      subjectToken: presented,
      audience: audience.clientId,
      dpopJkt: null,
      installationId: null,
      context: testContext,
    });
  const redeem = (transferToken: string) =>
    h.services.sessionTransfer.redeem(tenant, watch, {
      transferToken,
      dpopJkt: 'jkt-of-the-watch',
      device: { name: 'Watch', platform: 'watchOS', kind: 'companion' },
      context: testContext,
    });

  describe('at refresh', () => {
    it('a block refuses the refresh, audits the rules, and neither consumes the token nor revokes the session', async () => {
      const active = await h.signIn(tenant, phone, ada);
      await setPolicy(
        rule(['refresh'], { block: true }, "device.platform == 'ios' && ip_in(request.ip, ['203.0.113.0/24'])"),
      );
      await expectRejection(refresh(active.refreshToken), 'policy_blocked', /conditional-access policy/);
      expect(events('policy.blocked').map((event) => event.data)).toEqual([
        { at: 'refresh', version: 1, failed: [], rules: ['rule-block'] },
      ]);
      expect(events('policy.blocked')[0]).toMatchObject({
        userId: ada.id,
        clientId: phone.clientId,
        sessionId: active.session.id,
      });
      expect(h.db.sessions.get(active.session.id)?.revokedAt).toBeNull();
      await setPolicy();
      const refreshed = await refresh(active.refreshToken);
      expect(refreshed.session.id).toBe(active.session.id);
    });

    it('a rule that does not match, or one at another point, changes nothing', async () => {
      const active = await h.signIn(tenant, phone, ada);
      await setPolicy(
        rule(['refresh'], { block: true }, "device.kind == 'companion'"),
        rule(['sign_in', 'session_transfer'], { require_mfa: true }),
      );
      await expect(refresh(active.refreshToken)).resolves.toMatchObject({ session: { id: active.session.id } });
      expect(events('policy.blocked')).toEqual([]);
    });

    it('require_mfa refuses a session without a second factor with interaction_required, and lets one with it go on', async () => {
      const passwordOnly = await h.signIn(tenant, phone, ada);
      const withMfa = await h.services.sessions.open({
        tenant,
        app: phone,
        user: ada,
        amr: ['pwd', 'otp', 'mfa'],
        scope: 'openid offline_access',
        device: { name: 'Phone', platform: 'ios', kind: 'primary' },
      });
      await setPolicy(rule(['refresh'], { require_mfa: true }));
      await expectRejection(refresh(passwordOnly.refreshToken), 'policy_requires_mfa', /second factor/);
      expect(events('policy.mfa_required').map((event) => event.data?.rules)).toEqual([['rule-require_mfa']]);
      await expect(refresh(withMfa.refreshToken)).resolves.toMatchObject({ session: { id: withMfa.session.id } });
    });

    it('report-only rules are audited and change nothing', async () => {
      const active = await h.signIn(tenant, phone, ada);
      await setPolicy(rule(['refresh'], { block: true }, undefined, 'report_only'));
      await refresh(active.refreshToken);
      expect(events('policy.report_only').map((event) => event.data)).toEqual([
        { at: 'refresh', version: 1, failed: [], rules: ['rule-block'] },
      ]);
    });

    it('fails closed: a blocking rule that cannot be evaluated blocks, and the audit says why', async () => {
      const active = await h.signIn(tenant, phone, ada);
      await setPolicy(rule(['refresh'], { block: true }, "user.attributes.tier != 'gold'"));
      await expectRejection(refresh(active.refreshToken), 'policy_blocked');
      expect(events('policy.blocked')[0]?.data?.failed).toEqual([{ rule: 'rule-block', message: 'No such key: tier' }]);
    });

    it('max_session_seconds caps the stored lifetime from then on, and ends a session already older', async () => {
      const young = await h.signIn(tenant, phone, ada);
      await setPolicy(rule(['refresh'], { max_session_seconds: 3600 }));
      await refresh(young.refreshToken);
      expect(h.db.sessions.get(young.session.id)?.absoluteExpiresAt).toBe(young.session.createdAt + 3600_000);
      const old = await h.signIn(tenant, phone, ada);
      h.clock.advance(3600_000);
      await expectRejection(
        refresh(old.refreshToken),
        'invalid_refresh_token',
        /lifetime the tenant's conditional-access policy/,
      );
      expect(h.db.sessions.get(old.session.id)?.absoluteExpiresAt).toBe(old.session.createdAt + 3600_000);
    });

    it('counts the failed sign-ins of the last hour when a rule reads risk', async () => {
      const active = await h.signIn(tenant, phone, ada);
      for (let i = 0; i < 3; i += 1)
        await h.services.audit.record(
          { tenantId: tenant.id, type: 'sign_in.failed', userId: ada.id, data: {} },
          testContext,
        );
      await setPolicy(rule(['refresh'], { block: true }, 'risk.failed_attempts >= 3'));
      await expectRejection(refresh(active.refreshToken), 'policy_blocked');
      h.clock.advance(3600_000);
      await expect(refresh(active.refreshToken)).resolves.toBeDefined();
    });
  });

  describe('at session transfer', () => {
    it('is evaluated when the phone asks for a transfer token: a block, or forbid_session_transfer, issues none', async () => {
      const active = await h.signIn(tenant, phone, ada);
      await setPolicy(rule(['session_transfer'], { forbid_session_transfer: true }, "device.kind == 'primary'"));
      await expectRejection(issueTransfer(active.refreshToken), 'transfer_not_allowed', /conditional-access policy/);
      await setPolicy(rule(['session_transfer'], { block: true }, `app.client_id == '${phone.clientId}'`));
      await expectRejection(issueTransfer(active.refreshToken), 'policy_blocked');
      expect(h.db.transferTokens.where()).toEqual([]);
      expect(h.db.sessions.get(active.session.id)?.revokedAt).toBeNull();
    });

    it('is evaluated again for the session the watch redeems it for, with the watch as the device', async () => {
      const active = await h.signIn(tenant, phone, ada);
      const { token } = await issueTransfer(active.refreshToken);
      await setPolicy(
        rule(
          ['session_transfer'],
          { block: true },
          "device.kind == 'companion' && device.platform == 'watchOS' && session.dpop_bound && session.handed_off && device.new",
        ),
      );
      await expectRejection(redeem(token), 'policy_blocked');
      expect(h.db.sessions.where((session) => session.clientId === watch.clientId)).toEqual([]);
    });

    it("caps the redeemed session's lifetime with max_session_seconds", async () => {
      const active = await h.signIn(tenant, phone, ada);
      const { token } = await issueTransfer(active.refreshToken);
      await setPolicy(rule(['session_transfer'], { max_session_seconds: 600 }, "device.kind == 'companion'"));
      const child = await redeem(token);
      expect(child.session.absoluteExpiresAt).toBe(h.clock.now() + 600_000);
      expect(h.db.sessions.get(child.session.id)?.absoluteExpiresAt).toBe(h.clock.now() + 600_000);
    });
  });

  describe('at web SSO', () => {
    const authorize = (input: { ssoCookie?: string; transferToken?: string }, prompt?: 'none') =>
      h.services.authorizeDecisions.decide(
        tenant,
        web,
        {
          clientId: web.clientId,
          redirectUri: 'https://web.example.com/cb',
          scope: ['openid'],
          codeChallenge: 'c'.repeat(43),
          ...(prompt ? { prompt } : {}),
        },
        { ssoCookie: input.ssoCookie, transferToken: input.transferToken, context: testContext },
      );
    const signedInBrowser = async () =>
      (
        await h.services.browserSessions.start(tenant, web, ada, {
          amr: ['pwd'],
          userAgent: null,
          context: testContext,
        })
      ).cookie;

    it('blocks the SSO cookie (a page says so), and a transfer token into a web view', async () => {
      const cookie = await signedInBrowser();
      const phoneSession = await h.signIn(tenant, phone, ada);
      const { token } = await issueTransfer(phoneSession.refreshToken, web);
      await setPolicy(rule(['web_sso'], { block: true }, "device.kind == 'browser'"));
      await expectRejection(authorize({ ssoCookie: cookie }), 'policy_blocked');
      await expectRejection(authorize({ transferToken: token }), 'policy_blocked');
      expect(events('policy.blocked').map((event) => event.data?.at)).toEqual(['web_sso', 'web_sso']);
    });

    it('require_mfa sends a password-only SSO session to sign in again, or answers interaction_required with prompt=none', async () => {
      const cookie = await signedInBrowser();
      await setPolicy(rule(['web_sso'], { require_mfa: true }));
      expect(await authorize({ ssoCookie: cookie })).toEqual({ kind: 'sign_in' });
      expect(await authorize({ ssoCookie: cookie }, 'none')).toMatchObject({
        kind: 'refused',
        error: { code: 'policy_requires_mfa' },
      });
    });
  });
});
