import type { FastifyInstance } from 'fastify';
import type { AuthorizationParams } from '../../core/browser/authorization.js';
import type { Session } from '../../core/model.js';
import { BatonError } from '../../core/errors.js';
import { readParams } from '../../oauth/params.js';
import { clientAddress, requestContext } from '../request-context.js';
import { tenantOf } from '../route-options.js';
import { errorPage, finishAuthorization, redirectError, type WebDeps } from './page-flow.js';
import { identifyPage } from './sign-in-pages.js';
import { securePage, ssoCookie } from './security.js';

const authorizeParams = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'prompt', 'max_age', 'login_hint', 'session_transfer_token', 'response_mode'];

/**
 * The authorization endpoint (code + PKCE). A live SSO cookie answers at once; a valid
 * session transfer token signs the browser in as a child of the app's session; otherwise
 * the sign-in page. Errors about the client or redirect URI are shown on a page; the rest
 * go back to the app.
 */
export function authorizeRoute(app: FastifyInstance, deps: WebDeps) {
  const { services } = deps;
  app.get('/:tenant/oauth2/v2.0/authorize', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const iss = services.tokens.issuer(tenant);
    let params: AuthorizationParams & { session_transfer_token?: string | undefined };
    let client;
    try {
      params = readParams(authorizeParams, request.query);
      client = await services.authorization.client(tenant, params);
    } catch (error) {
      if (error instanceof BatonError) return errorPage(reply, tenant, 400, `This sign-in link is not valid: ${error.description}.`);
      throw error;
    }
    let authorization;
    try {
      authorization = services.authorization.parse(client.app, client.redirectUri, params);
    } catch (error) {
      if (error instanceof BatonError) return redirectError(reply, { redirectUri: client.redirectUri, state: params.state }, error.code, error.description, iss);
      throw error;
    }
    const context = requestContext(request);
    // prompt=login, max_age and the app's MFA requirement may each ask for a new sign-in.
    const accept = (session: Session) => services.authorization.accepts(authorization, client.app, session);
    if (authorization.prompt !== 'login') {
      const signedIn = params.session_transfer_token
        ? await services.browserSessions.fromTransfer(tenant, client.app, params.session_transfer_token, { userAgent: context.userAgent, accept, context })
        : await services.browserSessions.current(tenant, request.cookies[ssoCookie]);
      if (signedIn && accept(signedIn.session)) return finishAuthorization(deps, reply, tenant, authorization, signedIn);
    }
    if (authorization.prompt === 'none') return redirectError(reply, authorization, 'login_required', 'The user is not signed in', iss);
    const requestToken = await services.authorization.awaitSignIn(tenant, client.app, authorization, clientAddress(request));
    const csrf = deps.csrf.token(request, reply, tenant.name, deps.publicUrl);
    const nonce = securePage(reply, [new URL(authorization.redirectUri).origin]);
    return reply.send(identifyPage({ tenant, app: client.app, nonce, hidden: { csrf, request: requestToken }, email: authorization.loginHint }));
  });
}
