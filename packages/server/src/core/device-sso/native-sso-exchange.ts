import { digest, safeEqual } from '../../crypto/digest.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { App, RequestContext, Tenant } from '../model.js';
import type { Repositories } from '../ports.js';
import { sessionEndReason } from '../sessions/refresh-tokens.js';
import type { ActiveSession, SessionService } from '../sessions/session-service.js';
import { readIdTokenHint } from '../tokens/id-token-hint.js';
import { grantedUserScope } from '../tokens/scopes.js';
import type { TokenIssuer } from '../tokens/token-issuer.js';
import { deviceSsoScope, dsHash } from './device-secret.js';

export interface NativeSsoRequest {
  /** The `subject_token`: an ID token a sibling app of the device got, with `sid` and `ds_hash`. */
  idToken: string;
  /** The `actor_token`: the device's secret. */
  deviceSecret: string;
  /** Scopes asked for beyond the OpenID ones (`device_sso` is always granted: the new session shares the device). */
  scope: string[];
  /** The key of the request's DPoP proof: the new session's refresh tokens then work only with it. */
  dpopJkt: string | null;
  context: RequestContext;
}

/** Why an exchange was refused, as `native_sso.refused` records it (the caller only learns `invalid_grant`). */
type RefusalReason =
  | 'id_token_not_signed'
  | 'app_not_in_sso_group'
  | 'other_sso_group'
  | 'ds_hash_mismatch'
  | 'session_ended'
  | 'device_secret_revoked';

class Refusal extends Error {
  constructor(readonly reason: RefusalReason) {
    super(reason);
  }
}

/**
 * OpenID Connect Native SSO 1.0 §4: an app of the device's SSO group trades the ID token
 * and device secret another app of the group got for a session of its own on the same
 * device. The ID token must be Baton's for this tenant (its lifetime is not checked: the
 * session it names and the device's secret decide, §4.3), issued to an app of the same
 * group, with the `ds_hash` of the presented secret and a `sid` that still lives on the
 * device that holds that secret. The new session is a sign-in of its own app: the tenant's
 * policy at `sign_in` applies, and an app that requires MFA takes only a device sign-in
 * that had it.
 */
export class NativeSsoExchange {
  constructor(
    private readonly repos: Repositories,
    private readonly sessions: SessionService,
    private readonly keys: KeyRing,
    private readonly tokens: TokenIssuer,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async exchange(tenant: Tenant, app: App, request: NativeSsoRequest): Promise<ActiveSession> {
    const event = { tenantId: tenant.id, clientId: app.clientId };
    try {
      const active = await this.openSibling(tenant, app, request);
      await this.audit.record(
        {
          ...event,
          type: 'native_sso.exchanged',
          userId: active.user.id,
          sessionId: active.session.id,
          data: { deviceId: active.session.deviceId, dpop: request.dpopJkt !== null },
        },
        request.context,
      );
      return active;
    } catch (error) {
      const reason = error instanceof Refusal ? error.reason : error instanceof BatonError ? error.code : null;
      if (reason === null) throw error;
      await this.audit.record({ ...event, type: 'native_sso.refused', data: { reason } }, request.context);
      if (error instanceof Refusal)
        throw new BatonError(
          'native_sso_refused',
          'The ID token and device secret do not sign this app in: sign in again',
        );
      throw error;
    }
  }

  private async openSibling(tenant: Tenant, app: App, request: NativeSsoRequest): Promise<ActiveSession> {
    const claims = await readIdTokenHint(this.keys, this.tokens, tenant, request.idToken);
    if (!claims) throw new Refusal('id_token_not_signed');
    if (app.ssoGroup === null) throw new Refusal('app_not_in_sso_group');
    const origin = await this.repos.apps.find(tenant.id, claims.clientId);
    if (origin?.ssoGroup !== app.ssoGroup) throw new Refusal('other_sso_group');
    if (claims.dsHash === null || !safeEqual(claims.dsHash, dsHash(request.deviceSecret)))
      throw new Refusal('ds_hash_mismatch');
    const session = claims.sessionId === null ? null : await this.sessions.find(claims.sessionId);
    if (
      !session ||
      session.tenantId !== tenant.id ||
      session.userId !== claims.userId ||
      sessionEndReason(session, this.clock.now())
    )
      throw new Refusal('session_ended');
    const secretDigest = digest(request.deviceSecret);
    const device = await this.repos.sessions.findDevice(session.deviceId);
    if (!device?.ssoSecretDigest || !safeEqual(device.ssoSecretDigest, secretDigest))
      throw new Refusal('device_secret_revoked');
    const user = await this.repos.users.findById(tenant.id, session.userId);
    if (!user) throw new Refusal('session_ended');
    try {
      return await this.sessions.open({
        tenant,
        app,
        user,
        amr: session.amr,
        authTime: session.authTime,
        scope: grantedUserScope([...request.scope, deviceSsoScope]),
        device: { name: device.name, platform: device.platform, kind: device.kind },
        existingDeviceId: device.id,
        deviceSecretDigest: secretDigest,
        dpopJkt: request.dpopJkt,
        policy: { at: 'sign_in', context: request.context },
      });
    } catch (error) {
      // The device was revoked between the checks and the write: nothing was opened.
      if (error instanceof BatonError && error.code === 'session_ended') throw new Refusal('device_secret_revoked');
      throw error;
    }
  }
}
