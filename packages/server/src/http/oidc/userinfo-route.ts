import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BatonError } from '../../core/errors.js';
import { presentedAccessToken } from '../access-token.js';
import { tenantOf, type RouteDeps } from '../route-options.js';

/**
 * OIDC UserInfo: the signed-in user's claims, for an access token in the Authorization
 * header: `Bearer`, or `DPoP` with a proof bound to the token (`ath`) and signed by the key
 * the token is bound to (`cnf.jkt`).
 */
export function userinfoRoute(app: FastifyInstance, { services, publicUrl }: RouteDeps) {
  const handler = async (request: FastifyRequest) => {
    const tenant = await tenantOf(services, request);
    const claims = await presentedAccessToken(services, request, tenant, publicUrl);
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
