import { BatonError } from '../errors.js';
import type { App, RequestContext, Session, Tenant, User } from '../model.js';
import type { PolicyGate } from '../policy/policy-gate.js';
import type { Authorization, AuthorizationRequest } from './authorization.js';
import type { BrowserSessions } from './browser-sessions.js';

/**
 * What a valid authorization request gets: the browser is signed in (by its SSO session
 * or a session transfer token) and the code can go back to the app; the person must
 * choose between the user signed in and the one the transfer token brings; the sign-in
 * pages; or, with `prompt=none`, an error the app is told instead of asking the person.
 */
export type AuthorizeDecision =
  /** `cookie` is set when the browser gets a new SSO session (from a transfer token), not when it has one. */
  | { kind: 'signed_in'; browser: { session: Session; cookie?: string } }
  | { kind: 'switch_account'; signedIn: User; arriving: User; transferToken: string }
  | { kind: 'sign_in' }
  | { kind: 'refused'; error: BatonError };

/**
 * Decides how the authorization endpoint answers a browser. `prompt=login` always asks for
 * a new sign-in; a transfer token (never silently replacing another user's session)
 * comes before the SSO cookie; either counts only if `Authorization.accepts` the session
 * behind it (`max_age`, the app's MFA requirement). With `prompt=none`, anything that would
 * need the person is refused: `account_selection_required`, or `login_required`.
 */
export class AuthorizeDecisions {
  constructor(
    private readonly authorization: Authorization,
    private readonly browserSessions: BrowserSessions,
    private readonly policy: PolicyGate,
  ) {}

  async decide(
    tenant: Tenant,
    app: App,
    request: AuthorizationRequest,
    input: { ssoCookie: string | undefined; transferToken: string | undefined; context: RequestContext },
  ): Promise<AuthorizeDecision> {
    if (request.prompt !== 'login') {
      const current = await this.browserSessions.current(tenant, input.ssoCookie);
      if (input.transferToken) {
        const outcome = await this.transfer(
          tenant,
          app,
          request,
          input.transferToken,
          current?.user ?? null,
          input.context,
        );
        if (outcome.kind === 'browser') return { kind: 'signed_in', browser: outcome };
        if (outcome.kind === 'switch_account') {
          if (request.prompt === 'none')
            return refused('account_selection_required', 'Another user is signed in in this browser');
          return { ...outcome, transferToken: input.transferToken };
        }
      } else if (current && this.authorization.accepts(request, app, current.session)) {
        if (await this.meetsPolicy(tenant, app, current.session, current.user, input.context))
          return { kind: 'signed_in', browser: current };
        if (request.prompt === 'none')
          return refused(
            'policy_requires_mfa',
            "The tenant's conditional-access policy asks for a second factor this sign-in lacks",
          );
      }
    }
    if (request.prompt === 'none') return refused('login_required', 'The user is not signed in');
    return { kind: 'sign_in' };
  }

  /**
   * The tenant's policy at `web_sso` for the SSO cookie's session: a block is thrown (a page
   * says so); a second factor the session lacks sends the browser to sign in again.
   */
  private async meetsPolicy(
    tenant: Tenant,
    app: App,
    session: Session,
    user: User,
    context: RequestContext,
  ): Promise<boolean> {
    const decision = await this.policy.decide(
      'web_sso',
      {
        tenantId: tenant.id,
        app,
        user,
        device: { kind: 'browser', platform: 'web', new: false },
        session: {
          amr: session.amr,
          authTime: session.authTime,
          dpopBound: false,
          handedOff: session.parentId !== null,
        },
        ip: context.ip,
      },
      context,
      session.id,
    );
    return decision.decision === 'allow';
  }

  /**
   * The person chose, on "Switch account?", the user a transfer token brings: it is redeemed
   * now. A token used or expired meanwhile gets the sign-in pages, as at the authorization endpoint.
   */
  async switchAccount(
    tenant: Tenant,
    app: App,
    request: AuthorizationRequest,
    input: { transferToken: string; context: RequestContext },
  ): Promise<Extract<AuthorizeDecision, { kind: 'signed_in' | 'sign_in' }>> {
    const outcome = await this.transfer(tenant, app, request, input.transferToken, null, input.context);
    return outcome.kind === 'browser' ? { kind: 'signed_in', browser: outcome } : { kind: 'sign_in' };
  }

  /** A transfer token for `request`, into a browser signed in as `signedIn` (or as no one). */
  private transfer(
    tenant: Tenant,
    app: App,
    request: AuthorizationRequest,
    transferToken: string,
    signedIn: User | null,
    context: RequestContext,
  ) {
    return this.browserSessions.fromTransfer(tenant, app, transferToken, {
      signedIn,
      userAgent: context.userAgent,
      accept: (session) => this.authorization.accepts(request, app, session),
      context,
    });
  }
}

const refused = (
  code: 'login_required' | 'account_selection_required' | 'policy_requires_mfa',
  description: string,
): AuthorizeDecision => ({
  kind: 'refused',
  error: new BatonError(code, description),
});
