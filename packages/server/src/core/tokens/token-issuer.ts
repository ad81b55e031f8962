import { randomUUID } from 'node:crypto';
import type { TokenResponse } from '@baton/protocol';
import type { KeyRing } from '../../crypto/signing-keys.js';
import type { Clock } from '../clock.js';
import type { App, Session, Tenant, User } from '../model.js';

export interface UserTokenRequest {
  tenant: Tenant;
  app: App;
  user: User;
  session: Session;
  scope: string;
  refreshToken: string;
  /** Thumbprint of the DPoP key the tokens are bound to. */
  dpopJkt?: string | null;
  nonce?: string;
}

/** Builds and signs the token responses; the one place that decides what a token says. */
export class TokenIssuer {
  constructor(private readonly keys: KeyRing, private readonly clock: Clock, private readonly publicUrl: string) {}

  issuer(tenant: Tenant): string {
    return `${this.publicUrl}/${tenant.name}/v2.0`;
  }

  async forUser(r: UserTokenRequest): Promise<TokenResponse> {
    const sign = await this.keys.signer(r.tenant.id);
    const iat = Math.floor(this.clock.now() / 1000);
    const iss = this.issuer(r.tenant);
    // No access token outlives its session: a resource server that only checks the JWT must not accept it past the session's end.
    const accessTokenTtl = Math.max(1, Math.min(r.app.accessTokenTtl, Math.floor(r.session.absoluteExpiresAt / 1000) - iat));
    const accessToken = sign({
      iss, aud: r.app.clientId, sub: r.user.id, oid: r.user.id, tid: r.tenant.id, client_id: r.app.clientId, azp: r.app.clientId,
      scope: r.scope, sid: r.session.id, auth_time: Math.floor(r.session.authTime / 1000), iat, nbf: iat, exp: iat + accessTokenTtl,
      jti: randomUUID(), ver: '2.0', ...(r.dpopJkt ? { cnf: { jkt: r.dpopJkt } } : {}),
    }, 'at+jwt');
    const idToken = sign({
      iss, aud: r.app.clientId, sub: r.user.id, oid: r.user.id, tid: r.tenant.id, preferred_username: r.user.email, email: r.user.email,
      email_verified: r.user.emailVerified, ...(r.user.displayName ? { name: r.user.displayName } : {}), sid: r.session.id,
      auth_time: Math.floor(r.session.authTime / 1000), amr: r.session.amr, iat, nbf: iat, exp: iat + r.app.idTokenTtl, ver: '2.0',
      ...(r.nonce ? { nonce: r.nonce } : {}),
    });
    return {
      token_type: r.dpopJkt ? 'DPoP' : 'Bearer',
      access_token: accessToken,
      expires_in: accessTokenTtl,
      ext_expires_in: accessTokenTtl,
      scope: r.scope,
      refresh_token: r.refreshToken,
      id_token: idToken,
      client_info: clientInfo(r.user.id, r.tenant.id),
      // Tells Baton's SDK the registration allows exportRefreshToken() (its own opt-in is still needed).
      ...(r.app.allowRefreshTokenExport ? { refresh_token_export: 'allowed' as const } : {}),
    };
  }

  /** An app-only access token (client_credentials): no user, no refresh or ID token. */
  async forApp(tenant: Tenant, app: App, scope: string): Promise<TokenResponse> {
    const sign = await this.keys.signer(tenant.id);
    const iat = Math.floor(this.clock.now() / 1000);
    const accessToken = sign({
      iss: this.issuer(tenant), aud: app.clientId, sub: app.clientId, tid: tenant.id, client_id: app.clientId, azp: app.clientId,
      idtyp: 'app', scope, iat, nbf: iat, exp: iat + app.accessTokenTtl, jti: randomUUID(), ver: '2.0',
    }, 'at+jwt');
    return { token_type: 'Bearer', access_token: accessToken, expires_in: app.accessTokenTtl, ext_expires_in: app.accessTokenTtl, scope };
  }
}

/** MSAL's account key: base64url of `{"uid", "utid"}`, matching the ID token's `oid` and `tid`. */
export function clientInfo(userId: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: userId, utid: tenantId })).toString('base64url');
}
