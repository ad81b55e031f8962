import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BatonError } from '../../core/errors.js';
import { dpopKeyOf } from '../dpop.js';
import { tenantOf, type RouteDeps } from '../route-options.js';

/**
 * OIDC UserInfo: the signed-in user's claims, for an access token in the Authorization
 * header: `Bearer`, or `DPoP` with a proof bound to the token (`ath`) and signed by the key
 * the token is bound to (`cnf.jkt`).
 */
export function userinfoRoute(app: FastifyInstance, { services, publicUrl }: RouteDeps) {
  const handler = async (request: FastifyRequest) => {
    const tenant = await tenantOf(services, request);
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
        throw new BatonError(
          'invalid_access_token',
          'This access token is not DPoP-bound; present it as a Bearer token',
        );
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
    const user = claims.oid ? await services.repos.users.findById(tenant.id, claims.oid) : null;
    if (!user) throw new BatonError('invalid_access_token', 'The access token does not belong to a user');
    return {
      sub: user.id,
      oid: user.id,
      tid: tenant.id,
      preferred_username: user.email,
      email: user.email,
      email_verified: user.emailVerified,
      ...(user.displayName ? { name: user.displayName } : {}),
    };
  };
  app.get('/:tenant/oidc/userinfo', handler);
  app.post('/:tenant/oidc/userinfo', handler);
}
