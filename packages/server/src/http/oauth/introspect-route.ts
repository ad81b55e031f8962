import type { FastifyInstance } from 'fastify';
import { BatonError } from '../../core/errors.js';
import { sessionEndReason } from '../../core/sessions/refresh-tokens.js';
import { readParams } from '../../oauth/params.js';
import { clientCredentials } from '../client-auth.js';
import { formBody } from '../request-context.js';
import { tenantOf, type RouteDeps } from '../route-options.js';

/**
 * RFC 7662 introspection, for confidential clients (resource servers). Access tokens of
 * the tenant are described to any of its confidential clients; a refresh token only to the
 * client it was issued to. Anything else is `{"active": false}`.
 */
export function introspectRoute(app: FastifyInstance, { services }: RouteDeps) {
  app.post('/:tenant/oauth2/v2.0/token/introspect', async (request) => {
    const tenant = await tenantOf(services, request);
    const p = readParams(['token', 'token_type_hint', 'client_id', 'client_secret'], formBody(request));
    const client = await services.apps.authenticate(tenant, clientCredentials(request, p), { requireSecret: true });
    if (!p.token) throw new BatonError('malformed_request', 'token is required');

    const refresh = await services.sessions.findByRefreshToken(tenant, p.token);
    if (refresh) {
      const now = services.clock.now();
      const active =
        refresh.token.clientId === client.clientId &&
        refresh.token.consumedAt === null &&
        now < refresh.token.expiresAt &&
        !sessionEndReason(refresh.session, now);
      if (!active) return { active: false };
      return {
        active: true,
        token_type: 'refresh_token',
        client_id: refresh.token.clientId,
        sub: refresh.session.userId,
        scope: refresh.token.scope,
        iat: Math.floor(refresh.token.issuedAt / 1000),
        exp: Math.floor(refresh.token.expiresAt / 1000),
        sid: refresh.session.id,
        iss: services.tokens.issuer(tenant),
        ...(refresh.token.dpopJkt ? { cnf: { jkt: refresh.token.dpopJkt } } : {}),
      };
    }
    const claims = await services.accessTokens.verify(tenant, p.token).catch(() => null);
    if (!claims) return { active: false };
    return { ...claims, active: true, token_type: claims.cnf ? 'DPoP' : 'Bearer' };
  });
}
