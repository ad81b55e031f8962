import type { FastifyInstance } from 'fastify';
import { BatonError } from '../../core/errors.js';
import { readParams } from '../../oauth/params.js';
import { clientCredentials } from '../client-auth.js';
import { formBody, requestContext } from '../request-context.js';
import { tenantOf, type RouteDeps } from '../route-options.js';

/**
 * RFC 7009 revocation. A refresh token ends its session and the session's children; an
 * access token ends the session it was issued in. Unknown tokens answer 200 as the RFC says.
 */
export function revokeRoute(app: FastifyInstance, { services }: RouteDeps) {
  app.post('/:tenant/oauth2/v2.0/revoke', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const p = readParams(['token', 'token_type_hint', 'client_id', 'client_secret'], formBody(request));
    const client = await services.apps.authenticate(tenant, clientCredentials(request, p));
    if (!p.token) throw new BatonError('malformed_request', 'token is required');
    const owner = await sessionOwning(p.token);
    if (owner) {
      if (owner.clientId !== client.clientId)
        throw new BatonError('token_of_another_client', 'The token was issued to another client');
      await services.sessions.revoke(owner.sessionId, 'revoked_by_client', requestContext(request));
    }
    return reply.code(200).send();

    async function sessionOwning(token: string): Promise<{ sessionId: string; clientId: string } | null> {
      const refresh = await services.sessions.ownerOfRefreshToken(tenant, token);
      if (refresh) return refresh;
      const claims = await services.accessTokens.verify(tenant, token).catch(() => null);
      return claims?.sid ? { sessionId: claims.sid, clientId: claims.client_id } : null;
    }
  });
}
