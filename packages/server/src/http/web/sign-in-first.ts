import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App, Tenant } from '../../core/model.js';
import { digest, randomToken } from '../../crypto/digest.js';
import { clientAddress } from '../request-context.js';
import type { WebDeps } from './page-flow.js';
import { securePage } from './security.js';
import { identifyPage } from './sign-in-pages.js';

/**
 * The hosted sign-in for `app`, coming back to `back`: a page of Baton's own that needs a
 * signed-in browser (the device page, the account page). It is an ordinary authorization
 * request whose redirect is that page: the code it ends with is never redeemed (nobody
 * holds its PKCE verifier), what counts is the SSO cookie it sets.
 */
export async function signInFirst(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  tenant: Tenant,
  app: App,
  back: string,
) {
  const { services } = deps;
  const authorization = services.authorization.parse(app, back, {
    response_type: 'code',
    scope: 'openid',
    // S256 of a verifier thrown away at once.
    code_challenge: digest(randomToken()),
    code_challenge_method: 'S256',
  });
  const requestToken = await services.authorization.awaitSignIn(tenant, app, authorization, clientAddress(request));
  const hidden = { csrf: deps.csrf.token(request, reply, tenant.name, deps.publicUrl), request: requestToken };
  return reply.send(identifyPage({ tenant, app, nonce: securePage(reply), hidden }));
}
