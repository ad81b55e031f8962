import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditEventType } from '../audit/audit-event-types.js';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { App, Device, DeviceKind, RefreshTokenRecord, RequestContext, Session, Tenant, User } from '../model.js';
import { noTelemetry, type PresentedRefreshToken, type Repositories, type Telemetry } from '../ports.js';
import type { EvaluationPoint } from '../policy/policy-document.js';
import type { PolicyDecision } from '../policy/compiled-policy.js';
import type { PolicyGate } from '../policy/policy-gate.js';
import { narrowScope } from '../tokens/scopes.js';
import { meetsAppRule } from '../policy/policy-gate.js';
import { readRefreshToken, type RefreshTokenClaims, type RefreshTokenKeys } from './refresh-token-format.js';
import {
  firstRefreshToken,
  legacySuccessorOf,
  presentedRefreshToken,
  refreshTokenRecord,
  sessionEndReason,
  successorOf,
} from './refresh-tokens.js';

export interface OpenSessionInput {
  tenant: Tenant;
  app: App;
  user: User;
  amr: string[];
  scope: string;
  device: { name: string; platform: string; kind: DeviceKind; installationId?: string | null };
  /** Opens the session on a device already recorded (a web app's session in the browser of its SSO session). */
  existingDeviceId?: string;
  /**
   * Native SSO: the secret (its digest) the existing device must still hold when the session
   * opens; a device revoked meanwhile opens nothing (`session_ended`).
   */
  deviceSecretDigest?: string;
  /** When the user proved who they are, when that was before this session (Native SSO: the device's sign-in). */
  authTime?: number;
  /**
   * The session this one is opened from (a companion's, a web view's, a web app's). The
   * child inherits when the user proved who they are, cannot outlive the parent's absolute
   * lifetime (a handoff never extends a sign-in), and is refused to an app whose policy the
   * parent's sign-in does not meet (a handoff never skips a second factor).
   */
  parent?: Session | null;
  /** The key of the request's DPoP proof: the session's refresh tokens then work only with proofs from it. */
  dpopJkt?: string | null;
  /**
   * Where the tenant's policy is evaluated before a handed-off session opens (a redeemed
   * transfer token, a web view signed in from an app's session), with the request it came in.
   * A sign-in's own point is its flow's, after the first factor.
   */
  policy?: { at: Extract<EvaluationPoint, 'sign_in' | 'session_transfer' | 'web_sso'>; context: RequestContext };
  /** A sign-in's policy capped the session's lifetime (`max_session_seconds`). */
  maxSessionSeconds?: number | undefined;
}

export interface RefreshInput {
  tenant: Tenant;
  app: App;
  presented: string;
  /** The scope the client asks for; refused before the token is consumed when it widens the grant. */
  requestedScope?: string[];
  /**
   * The key of the request's DPoP proof. A bound token needs it to be that key; an unbound
   * one is bound to it from this refresh on (a proof binds what is issued).
   */
  dpopJkt?: string | null;
  /** The installation the request comes from, when the client names it. */
  installationId?: string | undefined;
  context?: RequestContext;
}

/** What the policy in force limits about a session it let go on. */
export type PolicyLimits = PolicyDecision['limits'];

export interface ActiveSession {
  session: Session;
  user: User;
  refreshToken: string;
  /** The scope of the tokens issued with `refreshToken`: the session's, or the narrower one a refresh asked for. */
  scope: string;
  /**
   * The DPoP key `refreshToken` is bound to, or null: the access tokens minted with it are
   * bound to the same key (TokenIssuer.issue), so a token set never mixes bindings.
   */
  dpopJkt: string | null;
}

/**
 * Sessions and their refresh tokens: open at sign-in, rotate on every refresh, detect
 * reuse, revoke a whole tree.
 */
export class SessionService {
  constructor(
    private readonly repos: Repositories,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly keys: RefreshTokenKeys,
    private readonly policy: PolicyGate,
    private readonly telemetry: Telemetry = noTelemetry,
  ) {}

  async open(input: OpenSessionInput): Promise<ActiveSession> {
    const now = this.clock.now();
    const deviceId = input.existingDeviceId ?? randomUUID();
    const device: Device | null = input.existingDeviceId
      ? null
      : {
          id: deviceId,
          tenantId: input.tenant.id,
          userId: input.user.id,
          createdAt: now,
          installationId: null,
          ...input.device,
        };
    const { parent } = input;
    if (parent && !meetsAppRule(input.app, parent)) {
      throw new BatonError(
        'session_lacks_mfa',
        'This app requires multi-factor authentication, and the session this one comes from was signed in without it: sign in here',
      );
    }
    const dpopJkt = input.dpopJkt ?? null;
    const limits = input.policy
      ? await this.policy.enforce(
          input.policy.at,
          {
            tenantId: input.tenant.id,
            app: input.app,
            user: input.user,
            device: { kind: input.device.kind, platform: input.device.platform, new: device !== null },
            session: {
              amr: input.amr,
              authTime: parent?.authTime ?? input.authTime ?? null,
              dpopBound: dpopJkt !== null,
              handedOff: Boolean(parent),
            },
            ip: input.policy.context.ip,
          },
          input.policy.context,
          parent?.id ?? null,
        )
      : null;
    const absoluteExpiresAt = Math.min(
      now + input.app.sessionAbsoluteTtl * 1000,
      now + (limits?.maxSessionSeconds ?? input.maxSessionSeconds ?? Infinity) * 1000,
    );
    const session: Session = {
      id: randomUUID(),
      tenantId: input.tenant.id,
      userId: input.user.id,
      clientId: input.app.clientId,
      deviceId,
      parentId: parent?.id ?? null,
      authTime: parent?.authTime ?? input.authTime ?? now,
      amr: input.amr,
      createdAt: now,
      lastUsedAt: now,
      idleTtl: input.app.sessionIdleTtl,
      absoluteExpiresAt: parent ? Math.min(absoluteExpiresAt, parent.absoluteExpiresAt) : absoluteExpiresAt,
      revokedAt: null,
      revokedReason: null,
    };
    const refreshToken = firstRefreshToken(session.id, this.keys);
    const opened = await this.repos.sessions.open(
      device,
      session,
      refreshTokenRecord(refreshToken, session, { scope: input.scope, generation: 0, dpopJkt, now }),
      input.deviceSecretDigest ? { deviceSecretDigest: input.deviceSecretDigest } : {},
    );
    if (!opened) throw new BatonError('session_ended', 'The session this one comes from has ended');
    return { session, user: input.user, refreshToken, scope: input.scope, dpopJkt };
  }

  /**
   * Rotates a refresh token. The first presentation consumes it and stores its successor
   * (compare-and-set in the database); a repeat within the app's retry window gets the
   * same successor; a repeat after it is reuse and revokes the session tree. The successor
   * keeps the session's scope; the answer carries the one the client narrowed it to.
   */
  async refresh(input: RefreshInput): Promise<ActiveSession> {
    const { app, presented } = input;
    let { token, session, user, stored } = await this.usable(input, 'refresh');
    const now = this.clock.now();
    const requested = input.requestedScope ?? [];
    if (token.consumedAt === null) {
      // A refused request must leave the token current, or the client's next try would count as reuse.
      const scope = narrowScope(token.scope, requested);
      const successor = successorOf(presented, token, this.keys);
      const dpopJkt = token.dpopJkt ?? input.dpopJkt ?? null;
      const record = refreshTokenRecord(successor, session, {
        scope: token.scope,
        generation: token.generation + 1,
        dpopJkt,
        now,
      });
      const { rotated } = await this.repos.sessions.rotate(stored, record, now);
      if (rotated) {
        this.telemetry.count('refresh_token.rotated');
        return { session: { ...session, lastUsedAt: now }, user, refreshToken: successor, scope, dpopJkt };
      }
      token = (await this.repos.sessions.findRefreshToken(stored))?.token ?? token;
    }
    // The successor as the first presentation stored it, binding included.
    const next = await this.retryOrRevoke(token, session, app, presented, input.context);
    this.telemetry.count('refresh_token.retried');
    const scope = narrowScope(token.scope, requested);
    return { session: next.session, user, refreshToken: next.refreshToken, scope, dpopJkt: next.token.dpopJkt };
  }

  /**
   * The session a refresh token stands for, checked as a refresh would check it but
   * without rotating (a session transfer must not consume the phone's token). A rotated
   * token is accepted only inside the retry window; after it, it is reuse.
   */
  async inspect(input: RefreshInput, point: EvaluationPoint): Promise<{ session: Session; user: User }> {
    const { token, session, user } = await this.usable(input, point);
    if (token.consumedAt === null) return { session, user };
    return {
      session: (await this.retryOrRevoke(token, session, input.app, input.presented, input.context)).session,
      user,
    };
  }

  /**
   * Every check a refresh token must pass before it is used: owner, lifetime, DPoP key,
   * account, the tenant's policy at `point`, device. Nothing here consumes the token.
   */
  private async usable(
    input: RefreshInput,
    point: EvaluationPoint,
  ): Promise<{ token: RefreshTokenRecord; session: Session; user: User; stored: PresentedRefreshToken }> {
    const { tenant, app } = input;
    const stored = presentedRefreshToken(input.presented, this.keys);
    const found = await this.repos.sessions.findRefreshToken(stored);
    if (!found) await this.detectOlderToken(input, stored.claims);
    if (!found || found.token.tenantId !== tenant.id)
      throw new BatonError('invalid_refresh_token', 'The refresh token is invalid, expired or revoked');
    const { token, session, user, installationId, device } = found;
    if (token.clientId !== app.clientId)
      throw new BatonError('invalid_refresh_token', 'The refresh token was issued to another client');
    const now = this.clock.now();
    const ended = sessionEndReason(session, now) ?? (now >= token.expiresAt ? 'The refresh token has expired' : null);
    if (ended) throw new BatonError('invalid_refresh_token', ended);
    if (token.dpopJkt !== null && token.dpopJkt !== input.dpopJkt) {
      throw new BatonError(
        'dpop_binding_mismatch',
        'The refresh token is bound to a DPoP key; present a proof signed with that key',
      );
    }
    if (!user) {
      await this.revoke(session.id, 'user_deleted', input.context);
      throw new BatonError('invalid_refresh_token', 'The account no longer exists');
    }
    const limits = await this.policy.enforce(
      point,
      {
        tenantId: tenant.id,
        app,
        user,
        device: { kind: device?.kind ?? 'primary', platform: device?.platform ?? '', new: false },
        session: {
          amr: session.amr,
          authTime: session.authTime,
          dpopBound: token.dpopJkt !== null,
          handedOff: session.parentId !== null,
        },
        ip: input.context?.ip ?? null,
      },
      input.context,
      session.id,
    );
    if (installationId !== null && installationId !== input.installationId)
      await this.foreignDevice(app, session, input.installationId ?? null, input.context, limits);
    await this.capLifetime(session, limits.maxSessionSeconds, now);
    return { token, session, user, stored };
  }

  /** A policy's `max_session_seconds`: the session's absolute lifetime, from its start, is this at most from now on. */
  private async capLifetime(session: Session, maxSeconds: number | undefined, now: number): Promise<void> {
    if (maxSeconds === undefined) return;
    const until = session.createdAt + maxSeconds * 1000;
    if (until < session.absoluteExpiresAt) await this.repos.sessions.capLifetime(session.id, until);
    if (now >= until)
      throw new BatonError(
        'invalid_refresh_token',
        "The session has reached the lifetime the tenant's conditional-access policy allows; sign in again",
      );
  }

  /**
   * A session Baton's SDK opened names its installation, and the SDK names it on every
   * token request. A token of such a session presented from another installation, or by
   * a client that names none, has left its device: refused unless the app allows export,
   * and audited when it does.
   */
  private async foreignDevice(
    app: App,
    session: Session,
    installationId: string | null,
    context: RequestContext | undefined,
    limits: PolicyLimits,
  ): Promise<void> {
    const event = {
      tenantId: session.tenantId,
      userId: session.userId,
      clientId: app.clientId,
      sessionId: session.id,
      data: { deviceId: session.deviceId, installationId },
    };
    if (!app.allowRefreshTokenExport || limits.forbidRefreshTokenExport) {
      await this.audit.record({ ...event, type: 'refresh_token.foreign_device_refused' }, context);
      throw new BatonError(
        'invalid_refresh_token',
        'This refresh token belongs to another device and the app does not allow exporting refresh tokens',
      );
    }
    await this.audit.record({ ...event, type: 'refresh_token.exported_use' }, context);
  }

  /**
   * A rotated token again: the same successor inside the retry window, else the session tree is revoked.
   * A token rotated before migration 0014, or by an instance not yet upgraded, got its successor in the old form.
   */
  private async retryOrRevoke(
    token: RefreshTokenRecord,
    session: Session,
    app: App,
    presented: string,
    context?: RequestContext,
  ): Promise<{ token: RefreshTokenRecord; session: Session; refreshToken: string }> {
    const withinWindow =
      token.consumedAt !== null && this.clock.now() - token.consumedAt <= app.refreshRetryWindow * 1000;
    const successors = [successorOf(presented, token, this.keys), legacySuccessorOf(presented, this.keys)];
    for (const refreshToken of withinWindow ? successors : []) {
      const next = await this.repos.sessions.findRefreshToken(presentedRefreshToken(refreshToken, this.keys));
      if (next && next.token.consumedAt === null && next.session.revokedAt === null) return { ...next, refreshToken };
    }
    return this.reused(session.id, token.generation, context);
  }

  /**
   * A token no longer stored: storage keeps a session's current and previous token only, so
   * one that carries a valid MAC is an older token of its session, and presenting it is reuse.
   * Anything else (a forged MAC, a session of another tenant or app, one that has ended) is
   * just invalid: knowing a session id must not be enough to revoke it.
   */
  private async detectOlderToken(input: RefreshInput, claims: RefreshTokenClaims | null): Promise<void> {
    const session = claims && (await this.repos.sessions.find(claims.sessionId));
    if (!claims || !session) return;
    if (session.tenantId !== input.tenant.id || session.clientId !== input.app.clientId) return;
    if (sessionEndReason(session, this.clock.now())) return;
    await this.reused(session.id, claims.generation, input.context);
  }

  private async reused(sessionId: string, generation: number, context?: RequestContext): Promise<never> {
    await this.revoke(sessionId, 'refresh_token_reuse', context, { generation });
    throw new BatonError('refresh_token_reused', 'The refresh token was already used; the session has been revoked');
  }

  /**
   * Ends a session and every session descended from it; returns the ids ended. Audited as
   * `type`: a detected reuse, or a revocation unless the caller names its own event.
   */
  async revoke(
    sessionId: string,
    reason: string,
    context?: RequestContext,
    data: Record<string, unknown> = {},
    type: AuditEventType = reason === 'refresh_token_reuse' ? 'refresh_token.reuse_detected' : 'session.revoked',
  ): Promise<string[]> {
    const session = await this.repos.sessions.find(sessionId);
    if (!session) return [];
    const ended = await this.repos.sessions.revokeTree(sessionId, reason, this.clock.now());
    await this.audit.record(
      {
        tenantId: session.tenantId,
        type,
        userId: session.userId,
        clientId: session.clientId,
        sessionId,
        data: { reason, sessions: ended, ...data },
      },
      context,
    );
    return ended;
  }

  /** Ends several branches of one user's device graph as one action, audited once as `type`; returns the ids ended. */
  async revokeBranches(
    tenant: Tenant,
    userId: string,
    sessionIds: readonly string[],
    reason: string,
    type: AuditEventType,
    context?: RequestContext,
    data: Record<string, unknown> = {},
  ): Promise<string[]> {
    const ended: string[] = [];
    for (const sessionId of sessionIds)
      ended.push(...(await this.repos.sessions.revokeTree(sessionId, reason, this.clock.now())));
    await this.audit.record({ tenantId: tenant.id, type, userId, data: { reason, sessions: ended, ...data } }, context);
    return ended;
  }

  async revokeUser(
    tenant: Tenant,
    user: User,
    reason: string,
    context?: RequestContext,
    data: Record<string, unknown> = {},
  ): Promise<string[]> {
    const ended = await this.repos.sessions.revokeUser(tenant.id, user.id, reason, this.clock.now());
    await this.audit.record(
      { tenantId: tenant.id, type: 'session.revoked', userId: user.id, data: { reason, sessions: ended, ...data } },
      context,
    );
    return ended;
  }

  /** Revokes every session an app opened, with their descendants (the app was deleted). */
  async revokeClient(tenant: Tenant, clientId: string, reason: string, context?: RequestContext): Promise<string[]> {
    const ended = await this.repos.sessions.revokeClient(tenant.id, clientId, reason, this.clock.now());
    if (ended.length > 0)
      await this.audit.record(
        { tenantId: tenant.id, type: 'session.revoked', clientId, data: { reason, sessions: ended } },
        context,
      );
    return ended;
  }

  list(tenant: Tenant, user: User) {
    return this.repos.sessions.listByUser(tenant.id, user.id);
  }

  /** The stored refresh token and its session (for introspection: a token no longer stored is inactive). */
  async findByRefreshToken(tenant: Tenant, token: string) {
    const found = await this.repos.sessions.findRefreshToken(presentedRefreshToken(token, this.keys));
    return found && found.token.tenantId === tenant.id ? found : null;
  }

  /**
   * The session a refresh token of any generation was issued in, and its client (for RFC 7009
   * revocation, which ends the session whichever of its tokens is presented).
   */
  async ownerOfRefreshToken(tenant: Tenant, token: string): Promise<{ sessionId: string; clientId: string } | null> {
    const found = await this.findByRefreshToken(tenant, token);
    if (found) return { sessionId: found.session.id, clientId: found.token.clientId };
    const claims = readRefreshToken(token, this.keys.mac);
    const session = claims && (await this.repos.sessions.find(claims.sessionId));
    return session && session.tenantId === tenant.id ? { sessionId: session.id, clientId: session.clientId } : null;
  }

  async find(id: string): Promise<Session | null> {
    return this.repos.sessions.find(id);
  }
}
