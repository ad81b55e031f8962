import { digest, randomToken } from '../../crypto/digest.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { App, RequestContext, Session, Tenant, User } from '../model.js';
import type { Repositories } from '../ports.js';
import { sessionEndReason } from '../sessions/refresh-tokens.js';
import type { SessionService } from '../sessions/session-service.js';
import type { SessionTransfer } from '../handoff/session-transfer.js';
import { grantedUserScope } from '../tokens/scopes.js';

export interface BrowserSignIn {
  kind: 'browser';
  /** The SSO cookie's value: shown once, stored only as a digest. */
  cookie: string;
  session: Session;
  user: User;
}

/**
 * What a session transfer token does to a browser: signs it in, is refused (the sign-in
 * page follows), or needs the person to choose between the user signed in and the one arriving.
 */
export type TransferOutcome =
  | BrowserSignIn
  | { kind: 'refused' }
  | { kind: 'switch_account'; signedIn: User; arriving: User };

/**
 * Browser SSO sessions: a cookie bound to a server-side session that is a node of the
 * session tree (a root after a hosted sign-in, a child of the app's session after a
 * session transfer). Web apps signed in through it get sessions that are its children, so
 * ending it (logout, or revoking the app session above it) ends them too.
 */
export class BrowserSessions {
  constructor(
    private readonly repos: Repositories,
    private readonly sessions: SessionService,
    private readonly transfers: SessionTransfer,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async start(
    tenant: Tenant,
    app: App,
    user: User,
    input: {
      amr: string[];
      userAgent: string | null;
      context: RequestContext;
      parent?: Session;
      /** A sign-in's policy capped the session's lifetime. */
      maxSessionSeconds?: number | undefined;
    },
  ): Promise<BrowserSignIn> {
    const active = await this.sessions.open({
      tenant,
      app,
      user,
      amr: input.amr,
      scope: grantedUserScope([]),
      device: { name: (input.userAgent ?? 'browser').slice(0, 200), platform: 'web', kind: 'browser' },
      parent: input.parent ?? null,
      maxSessionSeconds: input.maxSessionSeconds,
      // A browser signed in from an app's session is web SSO; one signed in on the pages passed its sign-in's policy.
      ...(input.parent ? { policy: { at: 'web_sso' as const, context: input.context } } : {}),
    });
    const cookie = randomToken();
    await this.repos.browserSessions.insert(digest(cookie), tenant.id, active.session.id, this.clock.now());
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: 'browser_session.started',
        userId: user.id,
        clientId: app.clientId,
        sessionId: active.session.id,
        data: { parentSessionId: input.parent?.id ?? null },
      },
      input.context,
    );
    return { kind: 'browser', cookie, session: active.session, user };
  }

  /** The live session an SSO cookie stands for, or null (unknown, revoked, expired). Each use keeps it from idling out. */
  async current(tenant: Tenant, cookie: string | undefined): Promise<{ session: Session; user: User } | null> {
    if (!cookie) return null;
    const sessionId = await this.repos.browserSessions.find(digest(cookie), tenant.id);
    const session = sessionId ? await this.sessions.find(sessionId) : null;
    const now = this.clock.now();
    if (!session || sessionEndReason(session, now)) return null;
    const user = await this.repos.users.findById(tenant.id, session.userId);
    if (!user) return null;
    await this.repos.sessions.touch(session.id, now);
    return { session, user };
  }

  /**
   * Signs a web view in with a session transfer token for `app`: a browser session, child
   * of the app session that asked for the token. Any failure (used, expired, foreign
   * tenant, other audience, an app session `accept` refuses) is `refused`, so the caller
   * shows the sign-in page without saying why.
   *
   * A browser signed in as another user (`signedIn`) is never switched silently: a login
   * CSRF would otherwise plant an attacker's account in it. The answer is `switch_account`
   * and the token stays unused, so asking the person stores nothing; once they confirm,
   * the caller passes `signedIn: null`.
   */
  async fromTransfer(
    tenant: Tenant,
    app: App,
    transferToken: string,
    input: {
      signedIn: User | null;
      userAgent: string | null;
      accept: (parent: Session) => boolean;
      context: RequestContext;
    },
  ): Promise<TransferOutcome> {
    const { userAgent, context } = input;
    if (input.signedIn) {
      const arriving = await this.transfers.inspect(tenant, app, transferToken);
      if (arriving && input.accept(arriving.parent) && arriving.user.id !== input.signedIn.id) {
        return { kind: 'switch_account', signedIn: input.signedIn, arriving: arriving.user };
      }
    }
    const redeemed = await this.transfers.consume(tenant, app, transferToken, context).catch(() => null);
    if (!redeemed || !input.accept(redeemed.parent)) return { kind: 'refused' };
    return this.start(tenant, app, redeemed.user, {
      amr: redeemed.parent.amr,
      userAgent,
      context,
      parent: redeemed.parent,
    });
  }

  /** Logout: ends the browser session and every session below it, and forgets the cookie. */
  async end(tenant: Tenant, cookie: string | undefined, context: RequestContext): Promise<string[]> {
    if (!cookie) return [];
    const sessionId = await this.repos.browserSessions.find(digest(cookie), tenant.id);
    await this.repos.browserSessions.delete(digest(cookie));
    return sessionId ? this.sessions.revoke(sessionId, 'logout', context) : [];
  }
}
