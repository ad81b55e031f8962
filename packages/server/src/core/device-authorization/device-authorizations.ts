import { digest, randomToken } from '../../crypto/digest.js';
import type { AttemptLimiter } from '../abuse/attempt-limiter.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { App, DeviceAuthorization, RequestContext, Session, Tenant, User } from '../model.js';
import type { Repositories } from '../ports.js';
import type { PolicyGate } from '../policy/policy-gate.js';
import { sessionEndReason } from '../sessions/refresh-tokens.js';
import type { ActiveSession, SessionService } from '../sessions/session-service.js';
import { grantedUserScope, parseScope } from '../tokens/scopes.js';
import { displayedUserCode, normalUserCode, randomUserCode } from './user-codes.js';

/** Seconds a device code lives: time to walk to the phone and approve, too short to keep. */
export const deviceCodeTtl = 600;
/** What each too-fast poll adds to the interval (RFC 8628 §3.5). */
export const slowDownSeconds = 5;

/** What a device is given to show and to poll with. */
export interface IssuedDeviceCode {
  deviceCode: string;
  /** `XXXX-XXXX`, for the person to type. */
  userCode: string;
  expiresIn: number;
  interval: number;
}

/** Who approves or denies: a live session of the user, from an app's access token or the browser's SSO cookie. */
export interface Approver {
  session: Session;
  user: User;
}

/** A pending authorization as the person deciding sees it: which app, on which device. */
export interface PendingDevice {
  app: App;
  device: { name: string; platform: string };
  userCode: string;
}

/**
 * The device authorization grant (RFC 8628) for input-constrained devices: the device
 * gets a device code to poll with and a user code to show; a person approves it, on the
 * hosted page or natively from a signed-in app; the device's session is then a child of
 * the approving session, so it shows in the device graph and ends with it. Every change of
 * state is a compare-and-set in the database: one decision, one redemption, on any instance.
 */
export class DeviceAuthorizations {
  constructor(
    private readonly repos: Repositories,
    private readonly sessions: SessionService,
    private readonly policy: PolicyGate,
    private readonly limiter: AttemptLimiter,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    /** Seconds a device waits between polls at first (RFC 8628 §3.2 suggests 5). */
    private readonly pollInterval: number,
  ) {}

  async start(
    tenant: Tenant,
    app: App,
    input: { scope: string | undefined; device: { name: string; platform: string }; context: RequestContext },
  ): Promise<IssuedDeviceCode> {
    if (!app.deviceCode)
      throw new BatonError(
        'device_code_not_allowed',
        'This app is not registered for the device authorization grant (--device-code)',
      );
    const scope = grantedUserScope(parseScope(input.scope));
    const deviceCode = randomToken();
    const now = this.clock.now();
    let userCode = randomUserCode();
    const record = (code: string): DeviceAuthorization => ({
      deviceCodeDigest: digest(deviceCode),
      userCodeDigest: userCodeDigest(code),
      tenantId: tenant.id,
      clientId: app.clientId,
      scope,
      device: input.device,
      interval: this.pollInterval,
      createdAt: now,
      expiresAt: now + deviceCodeTtl * 1000,
      lastPolledAt: null,
      status: 'pending',
      userId: null,
      approvingSessionId: null,
      maxSessionSeconds: null,
      decidedAt: null,
    });
    // A user code names one device: a collision (about one in 10^10 per live code) draws again.
    while (!(await this.repos.deviceAuthorizations.insert(record(userCode)))) userCode = randomUserCode();
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: 'device_code.issued',
        clientId: app.clientId,
        data: { device: input.device.name, platform: input.device.platform },
      },
      input.context,
    );
    return { deviceCode, userCode: displayedUserCode(userCode), expiresIn: deviceCodeTtl, interval: this.pollInterval };
  }

  /**
   * The pending device a typed user code names, for the person to see before deciding (or,
   * with no approver yet, before signing in on the hosted page). Every look-up is an
   * attempt of the approving user (or, before sign-in, of the address) and of the address:
   * guesses lock out as wrong passwords do, and a code that names nothing is audited.
   */
  async pending(
    tenant: Tenant,
    typed: string,
    approver: Approver | null,
    context: RequestContext,
  ): Promise<PendingDevice> {
    const { record, app } = await this.find(tenant, typed, approver, context);
    return { app, device: record.device, userCode: typed };
  }

  /**
   * Approves or denies the device a user code names. An approval is evaluated by the
   * tenant's policy at `device_approval` (the approving session's sign-in, the device's
   * app), and what it caps is kept for the session the device will open.
   */
  async decide(
    tenant: Tenant,
    input: { userCode: string; approve: boolean; approver: Approver; context: RequestContext },
  ): Promise<PendingDevice> {
    const { approver, context } = input;
    const { record, app } = await this.find(tenant, input.userCode, approver, context);
    const limits = input.approve
      ? await this.policy.enforce(
          'device_approval',
          {
            tenantId: tenant.id,
            app,
            user: approver.user,
            device: { kind: 'companion', platform: record.device.platform, new: true },
            session: {
              amr: approver.session.amr,
              authTime: approver.session.authTime,
              dpopBound: false,
              handedOff: true,
            },
            ip: context.ip,
          },
          context,
          approver.session.id,
        )
      : null;
    const decided = await this.repos.deviceAuthorizations.decide(record.deviceCodeDigest, {
      status: input.approve ? 'approved' : 'denied',
      userId: approver.user.id,
      approvingSessionId: approver.session.id,
      maxSessionSeconds: limits?.maxSessionSeconds ?? null,
      decidedAt: this.clock.now(),
    });
    if (!decided) throw unknownUserCode();
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: input.approve ? 'device_code.approved' : 'device_code.denied',
        userId: approver.user.id,
        clientId: app.clientId,
        sessionId: approver.session.id,
        data: { device: record.device.name },
      },
      context,
    );
    return { app, device: record.device, userCode: input.userCode };
  }

  /**
   * A device's poll (the token endpoint): pending, too fast, denied or expired are errors
   * the device acts on; an approved code is traded, once, for a new session that is a
   * child of the approving one, bound to the poll's DPoP key when it sent a proof.
   */
  async redeem(
    tenant: Tenant,
    app: App,
    input: { deviceCode: string; dpopJkt: string | null; context: RequestContext },
  ): Promise<ActiveSession> {
    const invalid = new BatonError(
      'invalid_device_code',
      'The device code is invalid, already used or was issued to another app',
    );
    const record = await this.repos.deviceAuthorizations.findByDeviceCode(digest(input.deviceCode));
    if (!record || record.tenantId !== tenant.id || record.clientId !== app.clientId) throw invalid;
    if (record.status === 'redeemed') return this.replayed(record, input.context, invalid);
    const now = this.clock.now();
    if (now >= record.expiresAt)
      throw new BatonError('device_code_expired', 'The device code has expired: ask for a new one');
    const { tooFast } = await this.repos.deviceAuthorizations.poll(record.deviceCodeDigest, now, slowDownSeconds);
    if (tooFast)
      throw new BatonError(
        'polling_too_fast',
        `Polling faster than the interval: wait ${record.interval + slowDownSeconds} seconds between polls from now on`,
      );
    if (record.status === 'pending')
      throw new BatonError('authorization_pending', 'The user has not approved or denied this device yet');
    if (record.status === 'denied') throw new BatonError('device_denied', 'The user denied this device');
    if (!(await this.repos.deviceAuthorizations.redeem(record.deviceCodeDigest)))
      return this.replayed(record, input.context, invalid);
    const parent = record.approvingSessionId ? await this.sessions.find(record.approvingSessionId) : null;
    const user = record.userId ? await this.repos.users.findById(tenant.id, record.userId) : null;
    if (!parent || !user || sessionEndReason(parent, now))
      throw new BatonError('session_ended', 'The session that approved this device has ended');
    const active = await this.sessions.open({
      tenant,
      app,
      user,
      amr: parent.amr,
      scope: record.scope,
      device: { ...record.device, kind: 'companion' },
      parent,
      dpopJkt: input.dpopJkt,
      maxSessionSeconds: record.maxSessionSeconds ?? undefined,
    });
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: 'device_code.redeemed',
        userId: user.id,
        clientId: app.clientId,
        sessionId: active.session.id,
        data: { parentSessionId: parent.id, dpop: input.dpopJkt !== null },
      },
      input.context,
    );
    return active;
  }

  /**
   * The approver behind an app's access token: its session and user, when the app may hand
   * its sessions on (`--allow-session-transfer`), as approving a device is a handoff.
   */
  async nativeApprover(
    tenant: Tenant,
    token: { clientId: string; sessionId: string | undefined; userId: string | undefined },
  ): Promise<Approver> {
    const app = await this.repos.apps.find(tenant.id, token.clientId);
    if (!app?.allowSessionTransfer)
      throw new BatonError(
        'transfer_not_allowed',
        'This app is not registered to hand its sessions on (--allow-session-transfer), so it cannot approve devices',
      );
    const session = token.sessionId ? await this.sessions.find(token.sessionId) : null;
    const user = token.userId ? await this.repos.users.findById(tenant.id, token.userId) : null;
    if (!session || !user || session.userId !== user.id || sessionEndReason(session, this.clock.now()))
      throw new BatonError('invalid_access_token', 'The access token does not belong to a signed-in user');
    return { session, user };
  }

  /** The pending, unexpired authorization of this tenant a typed code names, as one throttled attempt. */
  private async find(
    tenant: Tenant,
    typed: string,
    approver: Approver | null,
    context: RequestContext,
  ): Promise<{ record: DeviceAuthorization; app: App }> {
    let found: { record: DeviceAuthorization; app: App } | null = null;
    const { succeeded } = await this.limiter.attempt(
      // Its own count: mistyped device codes must not lock the user's password sign-in.
      { tenantId: tenant.id, account: `device-code:${approver?.user.id ?? `ip:${context.ip}`}`, ip: context.ip },
      async () => {
        const code = normalUserCode(typed);
        const record = code ? await this.repos.deviceAuthorizations.findByUserCode(userCodeDigest(code)) : null;
        const app = record ? await this.repos.apps.find(tenant.id, record.clientId) : null;
        if (record?.tenantId === tenant.id && record.status === 'pending' && this.clock.now() < record.expiresAt && app)
          found = { record, app };
        return found !== null;
      },
    );
    if (succeeded && found) return found;
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: 'device_code.guess_refused',
        userId: approver?.user.id ?? null,
        sessionId: approver?.session.id ?? null,
      },
      context,
    );
    throw unknownUserCode();
  }

  private async replayed(record: DeviceAuthorization, context: RequestContext, error: BatonError): Promise<never> {
    await this.audit.record(
      {
        tenantId: record.tenantId,
        type: 'device_code.replayed',
        userId: record.userId,
        clientId: record.clientId,
        sessionId: record.approvingSessionId,
      },
      context,
    );
    throw error;
  }
}

/** Where a user code is looked up: its digest, as every code Baton keeps. */
const userCodeDigest = (normal: string) => digest(`user-code:${normal}`);

const unknownUserCode = () =>
  new BatonError('invalid_user_code', 'No device is waiting for this code: check it, or ask the device for a new one');
