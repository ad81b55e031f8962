import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { AuthError, type Scheme } from './auth-error.js';

/** The claims of a Baton access token this API reads. */
export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  client_id?: string;
  scope?: string;
  /** Present when the token is DPoP-bound: the thumbprint of the client's key (RFC 9449 §6). */
  cnf?: { jkt?: string };
}

interface IssuerMetadata {
  issuer: string;
  jwks: ReturnType<typeof createRemoteJWKSet>;
}

/** Discovery could not be read: the API cannot check tokens until it can. */
export class IssuerUnavailable extends Error {}

/**
 * Checks Baton access tokens as any resource server would: the signature against the
 * tenant's JWKS (found through discovery), the issuer, an audience this API serves, the
 * lifetime and the `at+jwt` type (RFC 9068), so an ID token cannot pass for one.
 */
export class AccessTokenVerifier {
  private metadata: Promise<IssuerMetadata> | undefined;

  constructor(
    private readonly issuerBase: string,
    private readonly audiences: string[],
    private readonly now: () => number,
  ) {}

  async verify(token: string, scheme: Scheme): Promise<AccessTokenClaims> {
    const { issuer, jwks } = await this.issuer();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: this.audiences,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256'],
        currentDate: new Date(this.now()),
        requiredClaims: ['sub', 'exp'],
      });
      return payload as AccessTokenClaims;
    } catch {
      throw new AuthError('invalid_token', 'The access token is invalid, expired, or not meant for this API', scheme);
    }
  }

  /** Discovery, read once; a failed read is retried on the next request. */
  private issuer(): Promise<IssuerMetadata> {
    this.metadata ??= this.discover().catch((error: unknown) => {
      this.metadata = undefined;
      throw error;
    });
    return this.metadata;
  }

  private async discover(): Promise<IssuerMetadata> {
    const url = `${this.issuerBase.replace(/\/$/, '')}/v2.0/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      throw new IssuerUnavailable(`Cannot read ${url}: ${(error as Error).message}`);
    }
    if (typeof document.issuer !== 'string' || typeof document.jwks_uri !== 'string')
      throw new IssuerUnavailable(`${url} names no issuer or jwks_uri`);
    return { issuer: document.issuer, jwks: createRemoteJWKSet(new URL(document.jwks_uri)) };
  }
}
