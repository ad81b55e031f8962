import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import { BatonError } from '../errors.js';
import type { App, RequestContext, Tenant, User } from '../model.js';
import type { MfaMethodRepository } from '../ports.js';
import type { SessionService } from '../sessions/session-service.js';
import { grantedUserScope } from '../tokens/scopes.js';
import type { TokenIssuer } from '../tokens/token-issuer.js';
import type { ContinuationTokens } from './continuation-tokens.js';
import type { BrowserSessions } from '../browser/browser-sessions.js';
import { redirect, type SignInResult } from './steps.js';

/** What the client told us about the device it runs on, and the key it proved it holds there. */
export interface DeviceHint {
  name: string;
  platform: string;
  installationId?: string | null;
  /** Thumbprint of the key of a verified DPoP proof on this request: what is issued is bound to it. */
  dpopJkt?: string | null;
}

export interface VerifiedFactor {
  tenant: Tenant;
  app: App;
  user: User;
  /** RFC 8176 methods the user has proved so far in this sign-in: `pwd`, `otp`, `mfa`. */
  amr: string[];
  /** True once a second factor (or its registration) is done. */
  secondFactorDone?: boolean;
  capabilities: string[];
  requestedScope: string[];
  device: DeviceHint;
  context: RequestContext;
  /** What a finished sign-in becomes: tokens for an app (the default), or a browser SSO session for the hosted pages. */
  into?: 'tokens' | 'browser';
}

/** State of the MFA and registration flows: who signed in and with what, so far. */
export interface SecondFactorState {
  flowId: string;
  amr: string[];
  capabilities: string[];
}

/**
 * The last step of every sign-in, whatever the credential. When the app requires MFA and
 * the user has not done it, the sign-in stops with `mfa_required` (a registered method) or
 * `registration_required` (none yet); the sign-in address alone never counts. Otherwise it
 * opens a session, issues tokens and records the event.
 */
export class SignInCompletion {
  constructor(
    private readonly sessions: SessionService,
    private readonly tokens: TokenIssuer,
    private readonly audit: AuditLog,
    private readonly continuations: ContinuationTokens,
    private readonly mfaMethods: MfaMethodRepository,
    private readonly browserSessions: BrowserSessions,
  ) {}

  async complete(s: VerifiedFactor): Promise<SignInResult> {
    if (s.app.requireMfa && !s.secondFactorDone) return this.requireSecondFactor(s);
    if (s.into === 'browser') {
      const browser = await this.browserSessions.start(s.tenant, s.app, s.user, { amr: s.amr, userAgent: s.context.userAgent, context: s.context });
      await this.audit.record({ tenantId: s.tenant.id, type: 'sign_in.succeeded', userId: s.user.id, clientId: s.app.clientId, sessionId: browser.session.id, data: { amr: s.amr, via: 'hosted_page' } }, s.context);
      return browser;
    }
    const { dpopJkt, ...device } = s.device;
    const active = await this.sessions.open({
      tenant: s.tenant, app: s.app, user: s.user, amr: s.amr, scope: grantedUserScope(s.requestedScope),
      device: { ...device, kind: 'primary' }, dpopJkt: dpopJkt ?? null,
    });
    await this.audit.record({
      tenantId: s.tenant.id, type: 'sign_in.succeeded', userId: s.user.id, clientId: s.app.clientId, sessionId: active.session.id, data: { amr: s.amr },
    }, s.context);
    return this.tokens.forUser({ tenant: s.tenant, app: s.app, active });
  }

  private async requireSecondFactor(s: VerifiedFactor): Promise<SignInResult> {
    const registered = (await this.mfaMethods.list(s.user.id)).length > 0;
    const capability = registered ? 'mfa_required' : 'registration_required';
    if (!s.capabilities.includes(capability)) {
      return redirect(`This app requires multi-factor authentication and the client did not declare the "${capability}" capability`);
    }
    const state: SecondFactorState = { flowId: randomUUID(), amr: s.amr, capabilities: s.capabilities };
    const continuationToken = await this.continuations.issue(s.tenant, s.app, registered ? 'mfa' : 'register', s.user.id, state);
    await this.audit.record({ tenantId: s.tenant.id, type: registered ? 'mfa.required' : 'mfa.registration_required', userId: s.user.id, clientId: s.app.clientId }, s.context);
    throw new BatonError('invalid_grant', registered
      ? 'Multi-factor authentication is required: verify with one of your registered methods'
      : 'Multi-factor authentication is required: register a verification method first',
    { suberror: capability, errorCodes: [registered ? 50076 : 50079], continuationToken });
  }
}
