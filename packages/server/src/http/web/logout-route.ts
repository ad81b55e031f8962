import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mayRedirectTo } from '../../core/apps/redirect-uris.js';
import type { Tenant } from '../../core/model.js';
import { hintedClient } from '../../core/tokens/id-token-hint.js';
import { readParams } from '../../oauth/params.js';
import { requestContext } from '../request-context.js';
import { tenantOf } from '../route-options.js';
import { messagePage } from './pages.js';
import { cookieOptions, securePage, ssoCookie } from './security.js';

/**
 * RP-initiated logout: ends the browser session and every session below it (the web apps
 * signed in through it), clears the cookie, and goes back to the app only to a
 * `post_logout_redirect_uri` it registered (exact match); otherwise shows a signed-out page.
 */
export function logoutRoute(app: FastifyInstance, { services, publicUrl }: { services: import('../../core/services.js').Services; publicUrl: string }) {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const tenant = await tenantOf(services, request);
    const source = request.method === 'POST' ? request.body : request.query;
    const p = readParams(['post_logout_redirect_uri', 'id_token_hint', 'client_id', 'state'], source);
    await services.browserSessions.end(tenant, request.cookies[ssoCookie], requestContext(request));
    reply.clearCookie(ssoCookie, cookieOptions(tenant.name, publicUrl));

    const client = await logoutClient(tenant, p.client_id, p.id_token_hint);
    if (client && mayRedirectTo(client.postLogoutRedirectUris, p.post_logout_redirect_uri)) {
      const target = new URL(p.post_logout_redirect_uri);
      if (p.state) target.searchParams.set('state', p.state);
      return reply.redirect(target.toString(), 303);
    }
    const nonce = securePage(reply);
    const message = p.post_logout_redirect_uri
      ? 'You are signed out. The page that sent you here is not registered to receive you back, so you stay here.'
      : 'You are signed out.';
    return reply.send(messagePage(tenant, nonce, 'Signed out', message));
  };
  /**
   * The app to send the browser back to: the one `client_id` names and the hint was issued
   * to. A hint Baton did not sign, or one issued to another app than `client_id`, sends the
   * browser nowhere (RP-Initiated Logout §2: the OP must check they match).
   */
  async function logoutClient(tenant: Tenant, clientId: string | undefined, hint: string | undefined) {
    const hinted = hint === undefined ? undefined : await hintedClient(services.keys, services.tokens, tenant, hint);
    if (hinted === null || (hinted !== undefined && clientId !== undefined && hinted !== clientId)) return null;
    const id = clientId ?? hinted;
    return id ? services.repos.apps.find(tenant.id, id) : null;
  }

  app.get('/:tenant/oauth2/v2.0/logout', handler);
  app.post('/:tenant/oauth2/v2.0/logout', handler);
}
