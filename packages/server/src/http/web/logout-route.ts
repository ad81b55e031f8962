import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
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

    const clientId = p.client_id ?? audienceOf(p.id_token_hint);
    const client = clientId ? await services.repos.apps.find(tenant.id, clientId) : null;
    if (p.post_logout_redirect_uri && client?.postLogoutRedirectUris.includes(p.post_logout_redirect_uri)) {
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
  app.get('/:tenant/oauth2/v2.0/logout', handler);
  app.post('/:tenant/oauth2/v2.0/logout', handler);
}

/**
 * The client an ID token was issued to. Only used to pick a registered redirect, so an
 * unverified hint can do no harm, once its `aud` is checked to be a plain string: it is
 * anyone's JSON.
 */
function audienceOf(idToken: string | undefined): string | undefined {
  if (!idToken) return undefined;
  try {
    const { aud } = decodeJwt(idToken) as { aud?: unknown };
    const first: unknown = Array.isArray(aud) ? aud[0] : aud;
    return typeof first === 'string' && /^[\x21-\x7e]{1,256}$/.test(first) ? first : undefined;
  } catch {
    return undefined;
  }
}
