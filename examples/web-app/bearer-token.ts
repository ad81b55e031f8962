import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

/** Who an access token speaks for, as the web app shows it. */
export interface BearerUser {
  sub: string;
  /** The app the token was issued to: the native app that opened the web view. */
  clientId: string;
  scope: string;
  sid: string | undefined;
}

/**
 * The other pattern (Entra's): the native app puts its own access token in an
 * `Authorization: Bearer` header on the web view's request, and the web app accepts it as
 * an API would. Checked like any resource server checks it: signature against Baton's
 * JWKS, issuer, an audience the web app accepts (the native apps' client_ids), lifetime,
 * `typ: at+jwt` (so an ID token cannot pass for one). A DPoP-bound token is refused: as a
 * bearer token it would be used without the proof of possession it requires.
 */
export class BearerTokens {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly issuer: string,
    jwksUri: string,
    private readonly audiences: string[],
    private readonly now: () => number,
  ) {
    this.jwks = createRemoteJWKSet(new URL(jwksUri));
  }

  /** The user behind `Authorization: Bearer <token>`, or null with no such header, or when the token does not pass. */
  async verify(authorization: string | undefined): Promise<BearerUser | null> {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '')?.[1];
    if (!token || this.audiences.length === 0) return null;
    let payload: JWTPayload & { client_id?: string; scope?: string; sid?: string; cnf?: unknown };
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.issuer,
        audience: this.audiences,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
        currentDate: new Date(this.now()),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch {
      return null;
    }
    if (payload.cnf !== undefined) return null;
    return {
      sub: payload.sub!,
      clientId: payload.client_id ?? String(payload.aud),
      scope: payload.scope ?? '',
      sid: payload.sid,
    };
  }
}
