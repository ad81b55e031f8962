import { digest, randomToken } from '../../crypto/digest.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { App, DeviceKind, RequestContext, Session, Tenant, TransferTokenRecord, User } from '../model.js';
import type { Repositories } from '../ports.js';
import type { ActiveSession, SessionService } from '../sessions/session-service.js';
import { sessionEndReason } from '../sessions/refresh-tokens.js';
import { grantedUserScope } from '../tokens/scopes.js';

/** Seconds a session transfer token lives: long enough to cross a transport, too short to keep. */
export const transferTokenTtl = 60;

export interface TransferRedemption {
  transferToken: string;
  /** Thumbprint of the redeemer's DPoP key: its refresh token works only with that key. */
  dpopJkt: string | null;
  device: { name: string; platform: string; kind: DeviceKind; installationId?: string | null };
  context: RequestContext;
}

/**
 * Brokered handoff. The phone's app trades its refresh token (not consumed, not rotated)
 * for a 60-second, single-use transfer token bound to tenant, session and audience; the
 * receiving app (a companion, or a web view) redeems it for a session of its own, a child
 * of the phone's, on its own device. Long-lived credentials never cross the transport.
 */
export class SessionTransfer {
  constructor(
    private readonly repos: Repositories,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async issue(
    tenant: Tenant,
    app: App,
    input: {
      subjectToken: string;
      audience: string | undefined;
      dpopJkt: string | null;
      installationId: string | null;
      context: RequestContext;
    },
  ): Promise<{ token: string; expiresIn: number }> {
    if (!app.allowSessionTransfer)
      throw new BatonError(
        'transfer_not_allowed',
        'This app is not registered to hand its sessions off (--allow-session-transfer)',
      );
    const target = input.audience ? await this.repos.apps.find(tenant.id, input.audience) : null;
    if (!target?.acceptSessionTransfer) {
      throw new BatonError(
        'invalid_transfer_audience',
        'The audience must be an app of this tenant registered to accept session transfers (--accept-session-transfer)',
      );
    }
    const { session } = await this.sessions.inspect(
      {
        tenant,
        app,
        presented: input.subjectToken,
        dpopJkt: input.dpopJkt,
        installationId: input.installationId ?? undefined,
        context: input.context,
      },
      'session_transfer',
    );
    const token = randomToken();
    const now = this.clock.now();
    await this.repos.transferTokens.insert({
      digest: digest(token),
      tenantId: tenant.id,
      sessionId: session.id,
      clientId: app.clientId,
      audience: target.clientId,
      createdAt: now,
      expiresAt: now + transferTokenTtl * 1000,
      consumedAt: null,
    });
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: 'session_transfer.issued',
        userId: session.userId,
        clientId: app.clientId,
        sessionId: session.id,
        data: { audience: target.clientId },
      },
      input.context,
    );
    return { token, expiresIn: transferTokenTtl };
  }

  /**
   * Redeems a transfer token for `app`: single-use on every instance (compare-and-set),
   * refused when expired, for another audience or tenant, or when the phone's session has
   * ended since. The new session is a child of the phone's and inherits its sign-in time
   * and methods.
   */
  async redeem(tenant: Tenant, app: App, input: TransferRedemption): Promise<ActiveSession> {
    const { parent, user } = await this.consume(tenant, app, input.transferToken, input.context);
    const active = await this.sessions.open({
      tenant,
      app,
      user,
      amr: parent.amr,
      scope: grantedUserScope([]),
      device: input.device,
      parent,
      dpopJkt: input.dpopJkt,
      policy: { at: 'session_transfer', context: input.context },
    });
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: 'session_transfer.redeemed',
        userId: user.id,
        clientId: app.clientId,
        sessionId: active.session.id,
        data: { parentSessionId: parent.id, device: input.device.kind, dpop: input.dpopJkt !== null },
      },
      input.context,
    );
    return active;
  }

  /**
   * The session a transfer token for `app` would hand off, without using it up: null when
   * it is unknown, used, expired, for another audience or tenant, or its session has ended.
   * For asking the person before a token is redeemed; only `consume` makes it count.
   */
  async inspect(tenant: Tenant, app: App, token: string): Promise<{ parent: Session; user: User } | null> {
    const record = await this.repos.transferTokens.find(digest(token));
    if (!record || record.consumedAt !== null || !this.usableFor(record, tenant, app)) return null;
    return this.handedOff(tenant, record.sessionId);
  }

  /** Uses up a transfer token for `app` and returns the session it hands off; the caller makes the new session. */
  async consume(
    tenant: Tenant,
    app: App,
    token: string,
    context: RequestContext,
  ): Promise<{ parent: Session; user: User }> {
    const invalid = new BatonError(
      'invalid_transfer_token',
      'The session transfer token is invalid, expired, already used or meant for another app',
    );
    const record = await this.repos.transferTokens.find(digest(token));
    if (!record || !this.usableFor(record, tenant, app)) throw invalid;
    if (!(await this.repos.transferTokens.consume(record.digest, this.clock.now()))) {
      await this.audit.record(
        { tenantId: tenant.id, type: 'session_transfer.replayed', clientId: app.clientId, sessionId: record.sessionId },
        context,
      );
      throw invalid;
    }
    const handedOff = await this.handedOff(tenant, record.sessionId);
    if (!handedOff) throw invalid;
    return handedOff;
  }

  private usableFor(record: TransferTokenRecord, tenant: Tenant, app: App): boolean {
    return (
      record.tenantId === tenant.id &&
      record.audience === app.clientId &&
      app.acceptSessionTransfer &&
      this.clock.now() < record.expiresAt
    );
  }

  /** The phone's session behind a token and its user, while that session lives. */
  private async handedOff(tenant: Tenant, sessionId: string): Promise<{ parent: Session; user: User } | null> {
    const parent = await this.sessions.find(sessionId);
    if (!parent || sessionEndReason(parent, this.clock.now())) return null;
    const user = await this.repos.users.findById(tenant.id, parent.userId);
    return user ? { parent, user } : null;
  }
}
