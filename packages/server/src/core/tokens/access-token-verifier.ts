import { jwtVerify, type JWTPayload } from 'jose';
import type { KeyRing } from '../keys/key-ring.js';
import type { Clock } from '../clock.js';
import { BatonError } from '../errors.js';
import type { Tenant } from '../model.js';
import type { SessionService } from '../sessions/session-service.js';
import { sessionEndReason } from '../sessions/refresh-tokens.js';
import type { TokenIssuer } from './token-issuer.js';

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  tid: string;
  client_id: string;
  scope: string;
  sid?: string;
  oid?: string;
  cnf?: { jkt: string };
}

/**
 * Verifies an access token Baton issued: signature against the tenant's published keys,
 * issuer, type, lifetime, and that its session has not ended since.
 */
export class AccessTokenVerifier {
  constructor(
    private readonly keys: KeyRing,
    private readonly tokens: TokenIssuer,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
  ) {}

  async verify(tenant: Tenant, token: string): Promise<AccessTokenClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keys.verifier(tenant.id), {
        issuer: this.tokens.issuer(tenant),
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
        currentDate: new Date(this.clock.now()),
      }));
    } catch {
      throw new BatonError('invalid_access_token', 'The access token is invalid or expired');
    }
    const claims = payload as AccessTokenClaims;
    if (claims.tid !== tenant.id)
      throw new BatonError('invalid_access_token', 'The access token belongs to another tenant');
    if (claims.sid) {
      const session = await this.sessions.find(claims.sid);
      if (!session || sessionEndReason(session, this.clock.now()))
        throw new BatonError('invalid_access_token', 'The session of this access token has ended');
    }
    return claims;
  }
}
