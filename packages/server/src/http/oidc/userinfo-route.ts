import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BatonError } from '../../core/errors.js';
import { tenantOf, type RouteDeps } from '../route-options.js';

/** OIDC UserInfo: the signed-in user's claims, for a Bearer access token (header only). */
export function userinfoRoute(app: FastifyInstance, { services }: RouteDeps) {
  const handler = async (request: FastifyRequest) => {
    const tenant = await tenantOf(services, request);
    const header = request.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match?.[1]) throw new BatonError('invalid_token', 'Send the access token as "Authorization: Bearer <token>"');
    const claims = await services.accessTokens.verify(tenant, match[1]);
    if (claims.cnf) throw new BatonError('invalid_token', 'This access token is DPoP-bound; present it with a DPoP proof');
    const user = claims.oid ? await services.repos.users.findById(tenant.id, claims.oid) : null;
    if (!user) throw new BatonError('invalid_token', 'The access token does not belong to a user');
    return {
      sub: user.id, oid: user.id, tid: tenant.id, preferred_username: user.email, email: user.email, email_verified: user.emailVerified,
      ...(user.displayName ? { name: user.displayName } : {}),
    };
  };
  app.get('/:tenant/oidc/userinfo', handler);
  app.post('/:tenant/oidc/userinfo', handler);
}
