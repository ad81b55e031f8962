import { randomUUID } from 'node:crypto';
import type { TokenResponse } from '@baton/protocol';
import type { KeyRing } from '../keys/key-ring.js';
import type { Clock } from '../clock.js';
import type { App, Tenant } from '../model.js';
import type { ActiveSession } from '../sessions/session-service.js';

export interface UserTokenRequest {
  tenant: Tenant;
  app: App;
  /** The session and its new refresh token; the access token is bound to the key the refresh token is bound to. */
  active: ActiveSession;
  /** The scope of this token set when narrower than the session's (a refresh may narrow it). */
  scope?: string;
  nonce?: string;
}

/** Builds and signs the token responses; the one place that decides what a token says. */
export class TokenIssuer {
  constructor(
    private readonly keys: KeyRing,
    private readonly clock: Clock,
    private readonly publicUrl: string,
  ) {}

  issuer(tenant: Tenant): string {
    return `${this.publicUrl}/${tenant.name}/v2.0`;
  }

  async forUser({ tenant, app, active, nonce, ...narrowed }: UserTokenRequest): Promise<TokenResponse> {
    const { user, session, refreshToken, dpopJkt } = active;
    const scope = narrowed.scope ?? active.scope;
    const sign = await this.keys.signer(tenant.id);
    const iat = Math.floor(this.clock.now() / 1000);
    const iss = this.issuer(tenant);
    // No access token outlives its session: a resource server that only checks the JWT must not accept it past the session's end.
    const accessTokenTtl = Math.max(
      1,
      Math.min(app.accessTokenTtl, Math.floor(session.absoluteExpiresAt / 1000) - iat),
    );
    const accessToken = sign(
      {
        iss,
        aud: app.clientId,
        sub: user.id,
        oid: user.id,
        tid: tenant.id,
        client_id: app.clientId,
        azp: app.clientId,
        scope,
        sid: session.id,
        auth_time: Math.floor(session.authTime / 1000),
        iat,
        nbf: iat,
        exp: iat + accessTokenTtl,
        jti: randomUUID(),
        ver: '2.0',
        ...(dpopJkt ? { cnf: { jkt: dpopJkt } } : {}),
      },
      'at+jwt',
    );
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
      ...(nonce ? { nonce } : {}),
    });
    return {
      token_type: dpopJkt ? 'DPoP' : 'Bearer',
      access_token: accessToken,
      expires_in: accessTokenTtl,
      ext_expires_in: accessTokenTtl,
      scope,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: clientInfo(user.id, tenant.id),
      // Tells Baton's SDK the registration allows exportRefreshToken() (its own opt-in is still needed).
      ...(app.allowRefreshTokenExport ? { refresh_token_export: 'allowed' as const } : {}),
    };
  }

  /** An app-only access token (client_credentials): no user, no refresh or ID token; bound to `dpopJkt` when the request proved a key. */
  async forApp(tenant: Tenant, app: App, scope: string, dpopJkt: string | null): Promise<TokenResponse> {
    const sign = await this.keys.signer(tenant.id);
    const iat = Math.floor(this.clock.now() / 1000);
    const accessToken = sign(
      {
        iss: this.issuer(tenant),
        aud: app.clientId,
        sub: app.clientId,
        tid: tenant.id,
        client_id: app.clientId,
        azp: app.clientId,
        idtyp: 'app',
        scope,
        iat,
        nbf: iat,
        exp: iat + app.accessTokenTtl,
        jti: randomUUID(),
        ver: '2.0',
        ...(dpopJkt ? { cnf: { jkt: dpopJkt } } : {}),
      },
      'at+jwt',
    );
    return {
      token_type: dpopJkt ? 'DPoP' : 'Bearer',
      access_token: accessToken,
      expires_in: app.accessTokenTtl,
      ext_expires_in: app.accessTokenTtl,
      scope,
    };
  }
}

/** MSAL's account key: base64url of `{"uid", "utid"}`, matching the ID token's `oid` and `tid`. */
export function clientInfo(userId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: userId, utid: tenantId })).toString('base64url');
}
