import type { FastifyRequest } from 'fastify';
import { BatonError } from '../core/errors.js';
import type { Tenant } from '../core/model.js';
import type { Services } from '../core/services.js';
import type { AccessTokenClaims } from '../core/tokens/access-token-verifier.js';
import { dpopKeyOf } from './dpop.js';

/**
 * The claims of the access token a resource request carries in its Authorization header:
 * `Bearer`, or `DPoP` with a proof bound to the token (`ath`) and signed by the key the
 * token is bound to (`cnf.jkt`). A bound token is accepted only with its proof.
 */
export async function presentedAccessToken(
  services: Services,
  request: FastifyRequest,
  tenant: Tenant,
  publicUrl: string,
): Promise<AccessTokenClaims> {
  const header = request.headers.authorization ?? '';
  const match = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match?.[1] || !match[2])
    throw new BatonError(
      'invalid_access_token',
      'Send the access token as "Authorization: Bearer <token>" or "Authorization: DPoP <token>"',
    );
  const token = match[2];
  const claims = await services.accessTokens.verify(tenant, token);
  if (match[1].toLowerCase() === 'dpop' || claims.cnf) {
    if (!claims.cnf)
      throw new BatonError('invalid_access_token', 'This access token is not DPoP-bound; present it as a Bearer token');
    if (match[1].toLowerCase() !== 'dpop')
      throw new BatonError(
        'invalid_access_token',
        'This access token is DPoP-bound; present it with "Authorization: DPoP" and a proof',
      );
    const jkt = await dpopKeyOf(services, request, publicUrl, token);
    if (jkt === null)
      throw new BatonError('invalid_dpop_proof', 'This access token is DPoP-bound; send a DPoP proof with it');
    if (jkt !== claims.cnf.jkt)
      throw new BatonError(
        'invalid_dpop_proof',
        'The DPoP proof is signed by another key than the one the token is bound to',
      );
  }
  return claims;
}
