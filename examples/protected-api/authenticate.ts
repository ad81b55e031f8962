import type { FastifyRequest } from 'fastify';
import type { AccessTokenClaims, AccessTokenVerifier } from './access-token.js';
import { AuthError, type Scheme } from './auth-error.js';
import { verifyDpopProof } from './dpop-proof.js';
import type { ReplayCache } from './replay-cache.js';

export interface Caller {
  claims: AccessTokenClaims;
  /** True when the token was DPoP-bound and presented with a valid proof of its key. */
  dpop: boolean;
}

export interface Authenticator {
  tokens: AccessTokenVerifier;
  replay: ReplayCache;
  now: () => number;
  /** The base URL clients address this API at, without a trailing slash: the `htu` of every proof starts with it. */
  publicUrl: string;
}

/**
 * Who is calling: `Authorization: Bearer <token>` for a bearer token, or
 * `Authorization: DPoP <token>` with a `DPoP` proof header for a DPoP-bound one. A
 * DPoP-bound token presented as Bearer is refused: whoever copied it lacks the key.
 */
export async function authenticate(request: FastifyRequest, auth: Authenticator): Promise<Caller> {
  const { scheme, token } = credentials(request);
  const claims = await auth.tokens.verify(token, scheme);
  const jkt = claims.cnf?.jkt;
  if (scheme === 'Bearer') {
    if (jkt !== undefined)
      throw new AuthError(
        'invalid_token',
        'This access token is DPoP-bound; send it as "Authorization: DPoP" with a proof',
        'Bearer',
      );
    return { claims, dpop: false };
  }
  if (typeof jkt !== 'string')
    throw new AuthError(
      'invalid_token',
      'This access token is not DPoP-bound; send it as "Authorization: Bearer"',
      'DPoP',
    );
  const proof = request.headers.dpop;
  if (proof === undefined)
    throw new AuthError('invalid_dpop_proof', 'A DPoP-bound access token needs a DPoP proof header', 'DPoP');
  if (Array.isArray(proof) || proof.includes(','))
    throw new AuthError('invalid_request', 'Send exactly one DPoP proof', 'DPoP');
  await verifyDpopProof(
    proof,
    { method: request.method, url: `${auth.publicUrl}${request.url}`, accessToken: token, jkt },
    auth.replay,
    auth.now(),
  );
  return { claims, dpop: true };
}

function credentials(request: FastifyRequest): { scheme: Scheme; token: string } {
  const header = request.headers.authorization ?? '';
  const schemeName = /^(Bearer|DPoP)(?: |$)/i.exec(header)?.[1];
  // No credentials in a scheme this API speaks: RFC 6750 §3.1 answers with the challenges alone.
  if (!schemeName)
    throw new AuthError(
      null,
      'Send an access token: "Authorization: Bearer <token>", or "Authorization: DPoP <token>" with a DPoP proof',
    );
  const scheme: Scheme = schemeName.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  const token = /^\S+ ([A-Za-z0-9\-._~+/]+=*)$/.exec(header)?.[1];
  if (!token) throw new AuthError('invalid_request', `The Authorization header must be "${scheme} <token>"`, scheme);
  return { scheme, token };
}
