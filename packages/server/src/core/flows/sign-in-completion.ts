import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { App, RequestContext, Tenant, User } from '../model.js';
import type { MfaMethodRepository } from '../ports.js';
import type { SessionService } from '../sessions/session-service.js';
import { grantedUserScope } from '../tokens/scopes.js';
import type { TokenIssuer } from '../tokens/token-issuer.js';
import type { ContinuationTokens } from './continuation-tokens.js';
import type { BrowserSessions } from '../browser/browser-sessions.js';
import { amrOf, provesPassword, provesTwoFactors, type Proof } from './proofs.js';
import type { ChallengeCodes } from './challenge-codes.js';
import { handOverToSignIn } from './sign-in-state.js';
import { type CodeRequest, redirect, type SignInEnding, type SignInResult } from './steps.js';

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
  /** What the user proved so far in this sign-in; the tokens' `amr` says the same. */
  proofs: Proof[];
  capabilities: string[];
  requestedScope: string[];
  device: DeviceHint;
  context: RequestContext;
  /** What a finished sign-in becomes (SignInEnding); tokens unless the caller says otherwise. */
  into?: SignInEnding;
  /** The authorize-challenge request the flow began with (native auth V2). */
  codeRequest?: CodeRequest;
}

/** State of the MFA and registration flows: who signed in and with what, so far. */
export interface SecondFactorState {
  flowId: string;
  proofs: Proof[];
  capabilities: string[];
  codeRequest?: CodeRequest;
}

/**
 * The last step of every sign-in, whatever the credential. When the app requires MFA, it
 * decides from what the flow proved: the password and a code to a registered method (see
 * `proofs.ts`). Short of that, the sign-in stops with `mfa_required` (a registered method)
 * or `registration_required` (none yet); the sign-in address alone never counts. Otherwise
 * it opens a session, issues tokens and records the event.
 */
export class SignInCompletion {
  constructor(
    private readonly sessions: SessionService,
    private readonly tokens: TokenIssuer,
    private readonly audit: AuditLog,
    private readonly continuations: ContinuationTokens,
    private readonly mfaMethods: MfaMethodRepository,
    private readonly browserSessions: BrowserSessions,
    private readonly codes: ChallengeCodes,
  ) {}

  async complete(s: VerifiedFactor): Promise<SignInResult> {
    let twoFactors = false;
    if (s.app.requireMfa) {
      const methods = (await this.mfaMethods.list(s.user.id)).map((m) => m.target);
      twoFactors = provesTwoFactors(s.proofs, methods);
      if (!twoFactors) return this.requireSecondFactor(s, methods.length > 0);
    }
    if (s.into === 'continuation' || s.into === 'code') return this.toCode(s);
    const amr = amrOf(s.proofs, twoFactors);
    if (s.into === 'browser') {
      const browser = await this.browserSessions.start(s.tenant, s.app, s.user, {
        amr,
        userAgent: s.context.userAgent,
        context: s.context,
      });
      await this.audit.record(
        {
          tenantId: s.tenant.id,
          type: 'sign_in.succeeded',
          userId: s.user.id,
          clientId: s.app.clientId,
          sessionId: browser.session.id,
          data: { amr, via: 'hosted_page' },
        },
        s.context,
      );
      return browser;
    }
    const { dpopJkt, ...device } = s.device;
    const active = await this.sessions.open({
      tenant: s.tenant,
      app: s.app,
      user: s.user,
      amr,
      scope: grantedUserScope(s.requestedScope),
      device: { ...device, kind: 'primary' },
      dpopJkt: dpopJkt ?? null,
    });
    await this.audit.record(
      {
        tenantId: s.tenant.id,
        type: 'sign_in.succeeded',
        userId: s.user.id,
        clientId: s.app.clientId,
        sessionId: active.session.id,
        data: { amr },
      },
      s.context,
    );
    return this.tokens.issue({ tenant: s.tenant, app: s.app, session: active });
  }

  /**
   * A proved first-party (V2) sign-in: first a continuation token to the finishing
   * authorize-challenge, then there the code. The tokens come when the code is redeemed,
   * which completes the sign-in again from the same proofs.
   */
  private async toCode(s: VerifiedFactor): Promise<SignInResult> {
    if (!s.codeRequest) throw new Error('A sign-in without an authorize-challenge request cannot end in a code');
    const carried = { proofs: s.proofs, capabilities: s.capabilities, codeRequest: s.codeRequest };
    if (s.into === 'code') return this.codes.issue(s.tenant, s.app, s.user, carried);
    const continuationToken = await handOverToSignIn(this.continuations, s.tenant, s.app, s.user, {
      flowId: randomUUID(),
      ...carried,
    });
    return { kind: 'continue', continuationToken };
  }

  /**
   * Stops a sign-in short of two factors. The second factor follows the password: a flow
   * that proved no password (an email-code sign-in, a code-only account) cannot reach two
   * factors at all, so it is sent to the browser rather than asked for another code.
   */
  private async requireSecondFactor(s: VerifiedFactor, registered: boolean): Promise<SignInResult> {
    if (!provesPassword(s.proofs)) return redirect(passwordFirst);
    const capability = registered ? 'mfa_required' : 'registration_required';
    if (!s.capabilities.includes(capability)) {
      return redirect(
        `This app requires multi-factor authentication and the client did not declare the "${capability}" capability`,
      );
    }
    const state: SecondFactorState = {
      flowId: randomUUID(),
      proofs: s.proofs,
      capabilities: s.capabilities,
      ...(s.codeRequest ? { codeRequest: s.codeRequest } : {}),
    };
    const continuationToken = await this.continuations.issue(
      s.tenant,
      s.app,
      registered ? 'mfa' : 'register',
      s.user.id,
      state,
    );
    await this.audit.record(
      {
        tenantId: s.tenant.id,
        type: registered ? 'mfa.required' : 'mfa.registration_required',
        userId: s.user.id,
        clientId: s.app.clientId,
      },
      s.context,
    );
    return { kind: capability, continuationToken };
  }
}

/** Why an MFA app does not sign in with an email code: the reason a redirect gives. */
export const passwordFirst =
  'This app requires multi-factor authentication, which starts with the password: sign in with the password, then a code';
