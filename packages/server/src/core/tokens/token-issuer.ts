import { randomUUID } from 'node:crypto';
import type { DeviceSecrets } from '../device-sso/device-secrets.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { Clock } from '../clock.js';
import type { App, Tenant } from '../model.js';
import type { ActiveSession } from '../sessions/session-service.js';
import type { IssuedTokens } from './issued-tokens.js';

/** What a token set is issued for: a user's session, or (client_credentials) the app itself. */
export type TokenRequest = { tenant: Tenant; app: App } & (
  | {
      /** The session with its new refresh token; its scope and DPoP binding are the token set's. */
      session: ActiveSession;
      nonce?: string;
      /** The device secret the client presented (Native SSO): kept when the device still holds it. */
      deviceSecret?: string | undefined;
    }
  | {
      session?: undefined;
      scope: string;
      /** The key of the request's verified DPoP proof, or null: an app-only token is bound to it. */
      proofKey: string | null;
    }
);

/** Who an access token speaks for, and what follows from it: the token's scope, lifetime and key binding. */
interface Subject {
  claims: Record<string, unknown>;
  scope: string;
  expiresIn: number;
  dpopJkt: string | null;
}

/**
 * The one step every grant and flow ends in: builds and signs the tokens, decides DPoP or
 * Bearer and caps lifetimes. The one place that decides what a token says.
 */
export class TokenIssuer {
  constructor(
    private readonly keys: KeyRing,
    private readonly clock: Clock,
    private readonly publicUrl: string,
    private readonly deviceSecrets: DeviceSecrets,
  ) {}

  issuer(tenant: Tenant): string {
    return `${this.publicUrl}/${tenant.name}/v2.0`;
  }

  async issue(request: TokenRequest): Promise<IssuedTokens> {
    const { tenant, app, session: active } = request;
    const sign = await this.keys.signer(tenant.id);
    const iat = Math.floor(this.clock.now() / 1000);
    const iss = this.issuer(tenant);
    const subject = active ? sessionSubject(app, active, iat) : appSubject(app, request.scope, request.proofKey);
    const accessToken = sign(
      {
        iss,
        aud: app.clientId,
        ...subject.claims,
        tid: tenant.id,
        client_id: app.clientId,
        azp: app.clientId,
        scope: subject.scope,
        iat,
        nbf: iat,
        exp: iat + subject.expiresIn,
        jti: randomUUID(),
        ver: '2.0',
        ...(subject.dpopJkt ? { cnf: { jkt: subject.dpopJkt } } : {}),
      },
      'at+jwt',
    );
    const tokens: IssuedTokens = {
      kind: 'tokens',
      tokenType: subject.dpopJkt ? 'DPoP' : 'Bearer',
      accessToken,
      expiresIn: subject.expiresIn,
      scope: subject.scope,
      tenantId: tenant.id,
    };
    if (!active) return tokens;
    const { user, session } = active;
    // Native SSO (scope device_sso): the device's secret, and its hash in the ID token beside `sid`.
    const device = await this.deviceSecrets.forTokens(active, request.deviceSecret);
    const idToken = sign({
      iss,
      aud: app.clientId,
      sub: user.id,
      oid: user.id,
      tid: tenant.id,
      preferred_username: user.email,
      email: user.email,
      email_verified: user.emailVerified,
      ...(user.displayName ? { name: user.displayName } : {}),
      sid: session.id,
      auth_time: Math.floor(session.authTime / 1000),
      amr: session.amr,
      iat,
      nbf: iat,
      exp: iat + app.idTokenTtl,
      ver: '2.0',
      ...(request.nonce ? { nonce: request.nonce } : {}),
      ...(device ? { ds_hash: device.dsHash } : {}),
    });
    return {
      ...tokens,
      userId: user.id,
      refreshToken: active.refreshToken,
      idToken,
      refreshTokenExport: app.allowRefreshTokenExport,
      ...(device ? { deviceSecret: device.secret } : {}),
    };
  }
}

/** A user's access token: bound as the session's refresh token is, so a token set never mixes bindings. */
function sessionSubject(app: App, { user, session, scope, dpopJkt }: ActiveSession, iat: number): Subject {
  return {
    claims: { sub: user.id, oid: user.id, sid: session.id, auth_time: Math.floor(session.authTime / 1000) },
    scope,
    // No access token outlives its session: a resource server that only checks the JWT must not accept it past the session's end.
    expiresIn: Math.max(1, Math.min(app.accessTokenTtl, Math.floor(session.absoluteExpiresAt / 1000) - iat)),
    dpopJkt,
  };
}

/** An app-only access token: no user, no session to outlive; bound to the key its request proved. */
function appSubject(app: App, scope: string, proofKey: string | null): Subject {
  return { claims: { sub: app.clientId, idtyp: 'app' }, scope, expiresIn: app.accessTokenTtl, dpopJkt: proofKey };
}
